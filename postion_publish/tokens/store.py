"""Token stores: where an adapter hands a credential it rotated during a run (an OAuth refresh
gives a new refresh token and kills the old one), before anything else can fail.

Values are named as the environment variables they replace (`POSTION_X_REFRESH_TOKEN`), so that a
store can write them back where the next run reads them: GitHub repository secrets in CI (the
connections work), a 0600 file outside the repository on a laptop, memory in tests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from postion_publish.jsonfile import write_json_atomic


class TokenStore(Protocol):
    def get(self, name: str) -> str | None:
        """The newest value of a credential this store holds, else None (then the environment's)."""
        ...

    def put(self, name: str, value: str) -> None:
        """Keep a rotated value: durably before returning."""
        ...


class MemoryStore:
    """For one run and for tests: rotated values live as long as the process."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self.values = dict(values or {})

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def put(self, name: str, value: str) -> None:
        self.values[name] = value


class FileStore:
    """A JSON file readable by its owner only (0600), written atomically. Keep it outside the
    repository (e.g. under the user's config folder): it holds secrets."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}

    def get(self, name: str) -> str | None:
        return self._read().get(name)

    def put(self, name: str, value: str) -> None:
        values = self._read()
        values[name] = value
        write_json_atomic(self.path, values, mode=0o600)


def credential(name: str, store: TokenStore, environ: Mapping[str, str]) -> str | None:
    """A credential's current value: the store's (rotated during this run) before the environment's."""
    return store.get(name) or environ.get(name, "").strip() or None
