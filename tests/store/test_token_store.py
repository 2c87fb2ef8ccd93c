"""Token stores: where a credential rotated during a run goes, and where the next adapter built in
the same run finds it before the environment's (now stale) value."""

from __future__ import annotations

import stat
from pathlib import Path

from postion_publish.core.config import PlatformSettings
from postion_publish.platforms.build import build_adapter
from postion_publish.store.tokens import FileStore, MemoryStore, credential


def test_a_memory_store_keeps_rotated_values_for_the_run() -> None:
    store = MemoryStore()
    store.put("POSTION_MASTODON_TOKEN", "rotated")
    assert credential("POSTION_MASTODON_TOKEN", store, {"POSTION_MASTODON_TOKEN": "old"}) == "rotated"
    assert credential("POSTION_OTHER", store, {"POSTION_OTHER": " from-env "}) == "from-env"
    assert credential("POSTION_NONE", store, {}) is None


def test_a_file_store_is_private_and_survives_a_new_process(tmp_path: Path) -> None:
    path = tmp_path / "config" / "tokens.json"
    FileStore(path).put("POSTION_X_REFRESH_TOKEN", "r1")
    FileStore(path).put("POSTION_X_ACCESS_TOKEN", "a1")
    again = FileStore(path)
    assert again.get("POSTION_X_REFRESH_TOKEN") == "r1" and again.get("POSTION_X_ACCESS_TOKEN") == "a1"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(path.parent.glob("*.tmp"))  # written atomically


def test_a_damaged_file_store_is_empty_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    assert FileStore(path).get("POSTION_X_REFRESH_TOKEN") is None


def test_an_adapter_built_later_in_the_run_gets_the_rotated_credential() -> None:
    store = MemoryStore({"POSTION_MASTODON_TOKEN": "rotated-in-this-run"})
    platform = PlatformSettings("mastodon", api_base="https://mastodon.example", options={"instance": "x"})
    built = build_adapter(platform, {"POSTION_MASTODON_TOKEN": "stale"}, tokens=store)
    assert built is not None
    adapter, _ = built
    assert adapter._headers == {"Authorization": "Bearer rotated-in-this-run"}  # type: ignore[attr-defined]
