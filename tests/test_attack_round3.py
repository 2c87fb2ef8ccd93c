"""Hostile input, round 3 (issue 28): shared token files, slow servers, model output, re-encoded
secrets, pull-request workflows, caption files. Each attack failed before its fix."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

from conftest import NOW
from postion_publish.sandbox import Sandbox
from postion_publish.sandbox.exchange import Credentials
from postion_publish.tokens.store import FileStore

# --- 1. one token file, several blogs, concurrent writers -----------------------------------------


def test_two_blogs_sharing_the_token_file_keep_their_own_rotated_tokens(tmp_path: Path) -> None:
    from test_connections import blog_for, postion

    token_file = tmp_path / "tokens.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTION_", "GITHUB_"))}
    env["POSTION_TOKEN_FILE"] = str(token_file)
    first, second = Sandbox(), Sandbox(credentials=Credentials(x_refresh_token="another-blogs-refresh-token"))
    first.start(0)
    second.start(0)
    try:
        blogs = []
        for name, sandbox in (("a", first), ("b", second)):
            config = blog_for(sandbox, tmp_path / name, "x")
            keys = sandbox.credentials
            blogs.append(
                (
                    config,
                    {**env, "POSTION_X_CLIENT_ID": keys.x_client_id, "POSTION_X_REFRESH_TOKEN": keys.x_refresh_token},
                )
            )
        for _ in range(2):  # each rotates twice, in turn: each must find its own chain's newest token
            for config, blog_env in blogs:
                done = postion("tokens", "refresh", "x", "-c", str(config), "--now", NOW, env=blog_env)
                assert done.returncode == 0, done.stdout + done.stderr
        assert first.store["x"]["oauth"]["generation"] == 2 and not first.store["x"]["oauth"]["revoked"]
        assert second.store["x"]["oauth"]["generation"] == 2 and not second.store["x"]["oauth"]["revoked"]
    finally:
        first.stop()
        second.stop()
        token_file.unlink(missing_ok=True)  # it holds the sandboxes' tokens


def _writer(path: str, writer: int, count: int) -> None:
    store = FileStore(Path(path), {}, scope=f"blog-{writer % 2}")
    for index in range(count):
        store.put(f"POSTION_W{writer}_{index}", f"value-{writer}-{index}")


def test_four_concurrent_writers_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), writer, 200)) for writer in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    data = json.loads(path.read_text())
    kept = sum(len(values) for values in data["scopes"].values())
    assert kept == 800  # 4 × 200: none lost to a writer that read the file before another wrote it


def test_values_written_before_scopes_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    origin = FileStore(path, {})._origin("POSTION_X_REFRESH_TOKEN")
    path.write_text(json.dumps({"POSTION_X_REFRESH_TOKEN": {"value": "old-rotated", "replaces": origin}}))
    store = FileStore(path, {}, scope="/blog/postion.yml")
    assert store.get("POSTION_X_REFRESH_TOKEN") == "old-rotated"
    store.put("POSTION_X_REFRESH_TOKEN", "new-rotated")
    assert store.get("POSTION_X_REFRESH_TOKEN") == "new-rotated"
    assert FileStore(path, {}, scope="/other/postion.yml").get("POSTION_X_REFRESH_TOKEN") == "old-rotated"
