"""Attack corpus, files: what a guest post or a fork's pull request can point at, and damaged or
unwritable `.postion/` files. Every item was an attack that worked before it was refused."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters_support import PNG
from cli_runner import Result
from conftest import sandbox_env, write_post
from postion_publish.core import repofiles
from postion_publish.core.errors import ContentRejected
from postion_publish.core.posts import Post
from postion_publish.core.redact import Redactor
from postion_publish.platforms.attachments import download_image
from postion_publish.platforms.image_files import site_file_for
from postion_publish.run.execute import RetryPolicy
from postion_publish.run.workspace import RunOptions, RunOutcome, publish
from postion_publish.sandbox import Sandbox

pytestmark = pytest.mark.slow  # kills, attacks and real generators: `-m "not slow"` skips them

FAST = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, max_wait=1)
Run = Callable[..., Result]


def publish_to(sandbox: Sandbox, blog: Path, **environ: str) -> RunOutcome:
    options = RunOptions(environ={**sandbox_env(sandbox, blog), **environ}, policy=FAST)
    return publish(blog / "postion.yml", options)


def uploads(sandbox: Sandbox) -> list[Any]:
    """Everything the platforms received that could carry a file's bytes."""
    store = sandbox.store
    return [
        *store["bluesky"].get("blobs", {}).values(),
        *store["mastodon"].get("media", {}).values(),
        *store["discord"].get("messages", {}).values(),
        *store["bluesky"].get("records", {}).values(),
    ]


# --- 1. a post's image is any file on the runner --------------------------------------------------


@pytest.mark.parametrize(
    "make_image",
    [
        pytest.param(lambda blog, outside: _link(blog / "posts" / "cover.png", Path("/proc/self/environ")), id="proc"),
        pytest.param(lambda blog, outside: _link(blog / "posts" / "cover.png", outside), id="symlink-out"),
        pytest.param(lambda blog, outside: os.path.relpath(outside, blog / "posts"), id="dot-dot"),
        pytest.param(lambda blog, outside: str(outside), id="absolute"),
    ],
)
def test_an_image_outside_the_site_is_refused_and_nothing_is_uploaded(
    sandbox: Sandbox, live_blog: Path, tmp_path: Path, make_image: Callable[[Path, Path], str | None]
) -> None:
    outside = tmp_path / "runner-secrets.png"  # a real PNG, so only its place can refuse it
    outside.write_bytes(PNG)
    name = make_image(live_blog, outside) or "cover.png"
    write_post(live_blog, "third.md", f"title: Third\ndate: 2026-03-03\npostion: {{image: '{name}', alt: A}}")
    outcome = publish_to(sandbox, live_blog)
    third = [r for r in outcome.results if r.job.post.id == "third"]
    assert len(third) == 3 and {r.status for r in third} == {"failed"}
    assert all(r.error_kind == "content_rejected" for r in third)
    assert all("third.md" in (r.error or "") and "postion.image" in (r.error or "") for r in third)
    assert not any(b"runner-secrets" in json.dumps(item).encode() for item in uploads(sandbox))
    assert len(sandbox.store["bluesky"].get("blobs", {})) == 0  # the other posts have no image


def _link(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def test_the_link_card_image_key_is_confined_too(sandbox: Sandbox, live_blog: Path) -> None:
    _link(live_blog / "posts" / "card.png", Path("/proc/self/environ"))
    write_post(live_blog, "third.md", "title: Third\ndate: 2026-03-03\nimage: card.png\nimage_alt: A")
    third = [r for r in publish_to(sandbox, live_blog).results if r.job.post.id == "third"]
    assert {r.status for r in third} == {"failed"}
    assert all("key 'image'" in (r.error or "") for r in third)


def test_an_image_whose_bytes_are_not_its_type_is_refused(sandbox: Sandbox, live_blog: Path) -> None:
    (live_blog / "posts" / "cover.png").write_text("GITHUB_TOKEN=ghs_not_an_image\n")
    write_post(live_blog, "third.md", "title: Third\ndate: 2026-03-03\npostion: {image: cover.png, alt: A}")
    third = [r for r in publish_to(sandbox, live_blog).results if r.job.post.id == "third"]
    assert {r.status for r in third} == {"failed"}
    assert all("is not a PNG image" in (r.error or "") for r in third)
    assert sandbox.store["bluesky"].get("blobs", {}) == {}


def test_a_real_image_inside_the_site_is_still_attached(sandbox: Sandbox, live_blog: Path) -> None:
    (live_blog / "posts" / "images").mkdir()
    (live_blog / "posts" / "images" / "cover.png").write_bytes(PNG)
    write_post(live_blog, "third.md", "title: Third\ndate: 2026-03-03\npostion: {image: /images/cover.png, alt: A}")
    third = [r for r in publish_to(sandbox, live_blog).results if r.job.post.id == "third"]
    assert {r.status for r in third} == {"published"}
    assert len(sandbox.store["bluesky"]["blobs"]) == 1


def test_a_post_linked_to_a_file_outside_the_repository_is_refused(live_blog: Path, tmp_path: Path, run: Run) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\ntitle: Planted\ndate: 2026-03-03\n---\nFrom outside.\n")
    _link(live_blog / "posts" / "planted.md", outside)
    result = run(live_blog, "plan")
    assert result.exit_code == 2
    assert "planted.md" in result.output and "outside the repository" in result.output
    assert "Traceback" not in result.output


def test_a_url_override_must_be_a_web_address_and_off_site_ones_are_flagged(live_blog: Path, run: Run) -> None:
    write_post(live_blog, "third.md", 'title: Third\ndate: 2026-03-03\nurl: "javascript:alert(1)"')
    refused = run(live_blog, "plan")
    assert refused.exit_code == 2 and "key 'url'" in refused.output
    write_post(live_blog, "third.md", "title: Third\ndate: 2026-03-03\nurl: https://evil.example.net/x")
    plan = json.loads(run(live_blog, "plan", "--json").output)
    third = [job for job in plan["jobs"] if job["post_id"] == "third"]
    assert third and all(any("not on the site" in w for w in job["warnings"]) for job in third)


# --- 5. valid JSON with bad values in state and ledger -------------------------------------------

BAD_STATE_VALUES = [
    ("intent", {"index": "abc", "started": "2026-03-01T00:00:00Z", "data": {}}, "intent.index"),
    ("intent", {"index": 0, "started": 12, "data": {}}, "intent.started"),
    ("parts", 5, "parts"),
    ("parts", [{"id": 1, "url": "u"}], "parts.0.id"),
    ("url", ["a", "list"], "url"),
    ("time", 1700000000, "time"),
]


@pytest.mark.parametrize(("field", "value", "key"), BAD_STATE_VALUES, ids=[c[2] for c in BAD_STATE_VALUES])
def test_a_state_value_of_the_wrong_kind_is_exit_2_naming_the_key_and_nothing_is_sent(
    sandbox: Sandbox, live_blog: Path, run: Run, field: str, value: Any, key: str
) -> None:
    record = {"status": "pending", field: value}
    state = {"version": 1, "posts": {"first": {"url": "https://blog.example.com/first/", "platforms": {"x": record}}}}
    path = live_blog / ".postion" / "state.json"
    path.write_text(json.dumps(state))
    before = path.read_bytes()
    for command in ("plan", "publish"):
        result = run(live_blog, command)
        assert result.exit_code == 2, result.output
        assert f"posts.first.platforms.x.{key}" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before and not (live_blog / ".postion" / "ledger.json").exists()
    assert sandbox.store["discord"].get("messages", {}) == {}


BAD_LEDGER_VALUES = [
    ("attempts", "x", "attempts"),
    ("time", 12, "time"),
    ("url", ["a"], "url"),
    ("attempts", True, "attempts"),
    ("parts", -1, "parts"),
]


@pytest.mark.parametrize(
    ("field", "value", "key"), BAD_LEDGER_VALUES, ids=[f"{c[0]}={c[1]!r}" for c in BAD_LEDGER_VALUES]
)
def test_a_ledger_value_of_the_wrong_kind_is_exit_2_naming_the_key(
    sandbox: Sandbox, live_blog: Path, run: Run, field: str, value: Any, key: str
) -> None:
    attempt = {
        "id": "a1",
        "time": "2026-03-01T00:00:00Z",
        "post": "https://blog.example.com/first/",
        "post_id": "first",
        "platform": "discord",
        "status": "published",
        field: value,
    }
    path = live_blog / ".postion" / "ledger.json"
    path.write_text(json.dumps({"version": 1, "attempts": [attempt], "tokens": {}}))
    result = run(live_blog, "publish")
    assert result.exit_code == 2 and f"attempts.0.{key}" in result.output, result.output
    assert sandbox.store["discord"].get("messages", {}) == {}


# --- 13. a read-only .postion/ or a full disk ----------------------------------------------------


def test_a_read_only_state_folder_is_one_line_exit_2(
    sandbox: Sandbox, live_blog: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    real_open = os.open
    folder = str(live_blog / ".postion")

    def read_only(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).startswith(folder) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)  # as root, chmod cannot make a folder read-only
    result = run(live_blog, "publish")
    assert result.exit_code == 2, result.output
    assert "Read-only file system" in result.output and "Traceback" not in result.output
    assert sandbox.store["discord"].get("messages", {}) == {}


def test_a_full_disk_is_one_line_exit_2_and_the_state_is_unchanged(
    sandbox: Sandbox, live_blog: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import tempfile

    def no_space(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    path = live_blog / ".postion" / "state.json"
    before = path.read_bytes()
    monkeypatch.setattr(tempfile, "mkstemp", no_space)
    result = run(live_blog, "publish")
    assert result.exit_code == 2, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before


def test_an_empty_lock_file_left_by_a_full_disk_blocks_nothing(sandbox: Sandbox, live_blog: Path) -> None:
    (live_blog / ".postion" / "lock").write_text("")
    outcome = publish_to(sandbox, live_blog)
    assert {r.status for r in outcome.results} == {"published"}


# --- 14. links, devices and FIFOs in place of the repository's own files --------------------------

LINKED_FILES = {  # a pull request can commit any of these as a link to a file of the runner
    "state": ".postion/state.json",
    "ledger": ".postion/ledger.json",
    "journal": ".postion/journal.jsonl",
    "lock": ".postion/lock",
    "caption file": ".postion/captions/first.yml",
}


@pytest.mark.parametrize("name", LINKED_FILES)
def test_a_repository_file_linked_outside_is_neither_read_nor_written(
    sandbox: Sandbox, live_blog: Path, tmp_path: Path, run: Run, name: str
) -> None:
    """Before: the lock was truncated through the link, the journal appended to, the others read."""
    outside = tmp_path / "runner-file"
    outside.write_bytes(b'{"version": 1, "posts": {}, "attempts": []}')  # readable as any of them
    link = live_blog / LINKED_FILES[name]
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    for command in ("plan", "publish"):
        result = run(live_blog, command)
        assert result.exit_code == 2 or (command, name) == ("plan", "lock"), (command, result.output)
    assert "symbolic link" in result.output and LINKED_FILES[name] in result.output
    assert "Traceback" not in result.output
    assert outside.read_bytes() == b'{"version": 1, "posts": {}, "attempts": []}'
    assert sandbox.store["discord"].get("messages", {}) == {}


@pytest.mark.parametrize("folder", [".postion", ".postion/captions"])
def test_a_repository_folder_linked_outside_is_refused(
    sandbox: Sandbox, live_blog: Path, tmp_path: Path, run: Run, folder: str
) -> None:
    outside = tmp_path / "runner-folder"
    shutil.copytree(live_blog / ".postion", outside)  # what would be read there is sound: only the link refuses
    (outside / "captions").mkdir()
    if folder == ".postion":
        shutil.rmtree(live_blog / ".postion")
    (live_blog / folder).symlink_to(outside if folder == ".postion" else outside / "captions")
    result = run(live_blog, "publish")
    assert result.exit_code == 2 and "symbolic link" in result.output, result.output
    assert sorted(path.name for path in outside.iterdir()) == ["captions", "state.json"]  # nothing written there
    assert sandbox.store["discord"].get("messages", {}) == {}


@pytest.mark.parametrize(
    ("place", "make"),
    [
        pytest.param("postion.yml", lambda path: _replace_with_link(path, _fifo(path.with_name("c"))), id="cfg-fifo"),
        pytest.param(".postion/state.json", lambda path: os.mkfifo(path), id="state-fifo"),
        pytest.param(".postion/captions/x.yml", lambda path: os.mkfifo(path), id="caption-fifo"),
        pytest.param(".postion/ledger.json", lambda path: os.mkfifo(path), id="ledger-fifo"),
    ],
)
def test_a_device_or_fifo_in_place_of_a_file_is_refused_at_once(
    live_blog: Path, run: Run, place: str, make: Callable[[Path], None]
) -> None:
    """A link to /dev/zero read memory until the run was killed; a FIFO waited forever."""
    path = live_blog / place
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    make(path)
    result = run(live_blog, "plan")
    assert result.exit_code == 2 and "not a regular file" in result.output, result.output


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("state.json", '{"version": 1, "posts": ' + "[" * 100_000 + "]" * 100_000 + "}", "nests too deeply"),
        ("journal.jsonl", '{"state": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "line 1: a damaged line"),
    ],
)
def test_json_nested_past_any_recursion_limit_is_exit_2(
    live_blog: Path, run: Run, name: str, text: str, needle: str
) -> None:
    """orjson refused it, and json's fallback (which names the line) raised RecursionError: a traceback."""
    (live_blog / ".postion" / name).write_text(text, encoding="utf-8")
    result = run(live_blog, "publish")
    assert result.exit_code == 2 and needle in result.output and name in result.output, result.output


def test_a_state_file_beyond_its_bound_is_refused(live_blog: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repofiles, "MAX_RECORD_FILE", 1024 * 1024)
    state = live_blog / ".postion" / "state.json"
    state.write_text('{"version": 1, "posts": {}}' + " " * (1024 * 1024), encoding="utf-8")
    result = run(live_blog, "plan")
    assert result.exit_code == 2 and "larger than 1 MB" in result.output, result.output


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("target", "refused"),
    [("/dev/zero", True), ("outside", True), (".git/config", True), ("config/postion.yml", False)],
)
def test_a_config_link_may_only_point_into_its_folder(
    live_blog: Path, tmp_path: Path, run: Run, target: str, refused: bool
) -> None:
    """Error messages quote a config's keys: a link to a file of the runner, or to .git/config (the
    checkout's token), would have had them quoted in a pull request's public log."""
    config = live_blog / "postion.yml"
    real = {"outside": tmp_path / "elsewhere.yml", "/dev/zero": Path("/dev/zero")}.get(target, live_blog / target)
    if real != Path("/dev/zero"):
        real.parent.mkdir(parents=True, exist_ok=True)
        real.write_text(config.read_text())
    _replace_with_link(config, real)
    result = run(live_blog, "plan")
    if refused:
        assert result.exit_code == 2 and "link out of its folder" in result.output, result.output
    else:
        assert result.exit_code == 0, result.output


def _replace_with_link(path: Path, target: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(target)


@pytest.mark.parametrize("how", ["posts-folder-linked", "config-points-out"])
def test_a_posts_folder_outside_the_repository_is_refused(live_blog: Path, tmp_path: Path, run: Run, how: str) -> None:
    """Links to posts were confined already; the posts folder itself was not, and its files were announced."""
    outside = tmp_path / "runner-notes"
    outside.mkdir()
    (outside / "notes.md").write_text("---\ntitle: Runner notes\ndate: 2026-03-03\n---\nNot the blog's.\n")
    if how == "posts-folder-linked":
        shutil.rmtree(live_blog / "posts")
        (live_blog / "posts").symlink_to(outside)
    else:
        config = live_blog / "postion.yml"
        config.write_text(config.read_text().replace("path: posts", f"path: {os.path.relpath(outside, live_blog)}"))
    result = run(live_blog, "plan")
    assert result.exit_code == 2 and "resolves outside the repository" in result.output, result.output
    assert "source.path" in result.output and "Runner notes" not in result.output


# --- 15. addresses urllib cannot read (an IPv6 address left open) --------------------------------

UNREADABLE = "https://[::1"


@pytest.mark.parametrize(
    ("where", "key"),
    [("front matter", "url"), ("site_url", "site_url"), ("instance", "platforms.mastodon.instance")],
)
def test_an_address_urllib_cannot_read_is_bad_input_naming_its_key(
    live_blog: Path, run: Run, where: str, key: str
) -> None:
    """urllib raises ValueError for these: a traceback from `plan`, for a guest post's front matter."""
    config = live_blog / "postion.yml"
    if where == "front matter":
        write_post(live_blog, "third.md", f'title: Third\ndate: 2026-03-03\nurl: "{UNREADABLE}"')
    elif where == "site_url":
        config.write_text(re.sub(r"(?m)^site_url: .*$", f'site_url: "{UNREADABLE}"', config.read_text()))
    else:
        config.write_text(re.sub(r"instance: [^,}]+", f'instance: "{UNREADABLE}"', config.read_text()))
    result = run(live_blog, "plan")
    assert result.exit_code == 2 and f"'{key}'" in result.output and "Traceback" not in result.output, result.output


def test_unreadable_addresses_elsewhere_are_refused_or_passed_over() -> None:
    post = Post(id="p", url="https://blog.example.com/p/", title="P", date=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    with pytest.raises(ContentRejected, match="own host"):  # a post's image URL
        asyncio.run(download_image(post, UNREADABLE + "/x.png", "alt", "image", "https://blog.example.com", deadline=1))
    assert site_file_for(UNREADABLE, "https://blog.example.com", Path(".")) is None
    redactor = Redactor([UNREADABLE + "/api/webhooks/1/abcdefghij"])  # a secret like a webhook URL
    assert "[::1" not in redactor.scrub(f"echoed {UNREADABLE}/api/webhooks/1/abcdefghij", limit=None)
