"""Issue 33, item 4: backfeed. Replies, reposts and likes added on the sandbox (Bluesky's AppView
thread, Mastodon's public status and context) come home into `.postion/backfeed.json`, bounded
per run and not read again within the hour; the rebuilt MkDocs page shows them, read back from
headless Chromium's DOM, and a reply holding `<script>` is text there; the scheduled Action
reads them and commits them with the records."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from action_support import make_repo, remote_file, run_action
from browser_support import rendered_dom
from cli_runner import CliRunner, Result
from conftest import REPO, sandbox_config, sandbox_env, write_post
from github_fake import FakeGitHub
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

HOSTILE = "<script>alert('pwned')</script> Great post!"


def react(sandbox: Sandbox, platform: str, post: str, kind: str, **extra: str) -> None:
    order = json.dumps({"platform": platform, "post": post, "kind": kind, **extra}).encode()
    request = urllib.request.Request(f"{sandbox.base_url}/_sandbox/react", data=order)
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 204


def postion(folder: Path, sandbox: Sandbox, *args: str) -> Result:
    command = [*args, "-c", str(folder / "postion.yml")]
    return CliRunner().invoke(main, command, env=sandbox_env(sandbox, folder))


def announced(folder: Path) -> dict[str, dict[str, Any]]:
    """The live records of the one post announced: platform → record."""
    state = json.loads((folder / ".postion" / "state.json").read_text(encoding="utf-8"))
    [entry] = [entry for entry in state["posts"].values() if entry["platforms"]]
    return {name: record for name, record in entry["platforms"].items() if record.get("status") == "announced"}


def content_blog(folder: Path, sandbox: Sandbox) -> dict[str, dict[str, Any]]:
    folder.mkdir()
    (folder / "postion.yml").write_text(sandbox_config(sandbox), encoding="utf-8")
    write_post(folder, "hello.md", "title: Hello\ndate: 2026-03-01")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    assert postion(folder, sandbox, "publish").exit_code == 0
    return announced(folder)


def test_reactions_come_home_bounded_and_at_most_hourly(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = tmp_path / "blog"
    live = content_blog(folder, sandbox)
    react(sandbox, "mastodon", live["mastodon"]["id"], "reply", author="ana", text=HOSTILE)
    react(sandbox, "mastodon", live["mastodon"]["id"], "like")
    react(sandbox, "bluesky", live["bluesky"]["id"], "reply", author="bo", text="Agreed")
    react(sandbox, "bluesky", live["bluesky"]["id"], "repost")

    first = postion(folder, sandbox, "backfeed", "--now", "2026-03-02T10:00:00Z")
    assert first.exit_code == 0, first.output
    data = json.loads((folder / ".postion" / "backfeed.json").read_text(encoding="utf-8"))
    [copies] = data["posts"].values()
    assert set(copies) == {"bluesky", "mastodon"}  # Discord has nothing anyone can read
    mastodon, bluesky = copies["mastodon"], copies["bluesky"]
    assert (mastodon["replies"], mastodon["reposts"], mastodon["likes"]) == (1, 0, 1)
    assert "Mastodon  https://blog.example.com/hello/  1 reply and 1 like" in first.output
    assert mastodon["items"][0]["text"] == HOSTILE and mastodon["items"][0]["author"] == "ana"  # plain text
    assert (bluesky["replies"], bluesky["reposts"], bluesky["likes"]) == (1, 1, 0)
    assert bluesky["items"][0]["url"].endswith("/profile/bo.bsky.social/post/" + bluesky["items"][0]["url"][-14:])

    again = postion(folder, sandbox, "backfeed", "--now", "2026-03-02T10:30:00Z")
    assert "Read 0; 2 read within the hour left as they were" in again.output
    bounded = postion(folder, sandbox, "backfeed", "--force", "--max-requests", "2", "--now", "2026-03-02T10:31:00Z")
    assert "Read 1;" in bounded.output and "1 left for the next run" in bounded.output


@pytest.mark.slow
def test_the_rebuilt_page_shows_the_replies_as_text(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = tmp_path / "blog"
    shutil.copytree(REPO / "examples" / "mkdocs-blog", folder, ignore=shutil.ignore_patterns("site", ".postion"))
    config = sandbox_config(sandbox).replace("source: {type: content, path: posts}", "source: {type: mkdocs}")
    (folder / "postion.yml").write_text(config, encoding="utf-8")
    build = [sys.executable, "-m", "mkdocs", "build", "-q"]
    env = {**sandbox_env(sandbox, folder), "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}
    subprocess.run(build, cwd=folder, env=env, check=True, capture_output=True)
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    assert postion(folder, sandbox, "publish", "--now", "2026-11-30T12:00:00Z").exit_code == 0
    state = json.loads((folder / ".postion" / "state.json").read_text(encoding="utf-8"))
    url, records = next((e["url"], e["platforms"]) for e in state["posts"].values() if "mastodon" in e["platforms"])
    react(sandbox, "mastodon", records["mastodon"]["id"], "reply", author="ana", text=HOSTILE)
    assert postion(folder, sandbox, "backfeed").exit_code == 0
    subprocess.run(build, cwd=folder, env=env, check=True, capture_output=True)

    page = folder / "site" / url.removeprefix("https://blog.example.com/") / "index.html"
    dom = rendered_dom(page)
    section = dom[dom.index('<section class="postion-backfeed">') :]
    section = section[: section.index("</section>")]
    assert "1 reply on" in section and ">Mastodon</a>" in section
    assert "&lt;script&gt;alert('pwned')&lt;/script&gt; Great post!" in section  # text, never markup
    assert "<script" not in section


def test_the_scheduled_action_reads_them_and_commits_them(tmp_path: Path, sandbox: Sandbox, github: FakeGitHub) -> None:
    repo = make_repo(tmp_path, sandbox)  # on main: one post announced long ago, one new
    pushed = run_action(
        repo, sandbox, github, "push", {"ref": "refs/heads/main", "repository": {"default_branch": "main"}}
    )
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    state = remote_file(repo, ".postion/state.json")
    status_id = state["posts"]["second"]["platforms"]["mastodon"]["id"]
    react(sandbox, "mastodon", status_id, "reply", author="ana", text="Nice")

    scheduled = run_action(repo, sandbox, github, "schedule", {"schedule": "17 * * * *"}, POSTION_INPUT_BACKFEED="true")
    assert scheduled.returncode == 0, scheduled.stdout + scheduled.stderr
    backfeed = remote_file(repo, ".postion/backfeed.json")
    [copies] = [copies for url, copies in backfeed["posts"].items() if url.endswith("/second/")]
    assert copies["mastodon"]["items"][0]["text"] == "Nice"
