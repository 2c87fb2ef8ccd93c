"""Issue 32, item 3: `delay`. A new post is announced once it has been live that long, counted
from the first publish run that saw it (a post dated last week but deployed now waits from now);
`plan` says when each waiting post will go; a platform may have its own delay; a scheduled
Action run picks them up; `post` and `retry` ignore the delay. The clock is injected: `--now` for
the commands, the recorded `seen` moved back for the Action (which runs on the real clock)."""

from __future__ import annotations

import json
from pathlib import Path

from action_support import PUSH, git, make_repo, remote_file, run_action
from cli_runner import CliRunner, Result
from conftest import sandbox_config, sandbox_env, write_post
from github_fake import FakeGitHub
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

T0 = "2026-03-05T12:00:00Z"  # the post is dated 2026-03-01: deployed (and seen) days later


def blog(folder: Path, sandbox: Sandbox) -> Path:
    folder.mkdir()
    config = sandbox_config(sandbox).replace("mastodon: {", "mastodon: {delay: 2h, ")
    (folder / "postion.yml").write_text(config + "delay: 30m\n", encoding="utf-8")
    write_post(folder, "new.md", "title: Typo in the first minutes\ndate: 2026-03-01")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    return folder


def postion(folder: Path, sandbox: Sandbox, *args: str, now: str) -> Result:
    command = [*args, "-c", str(folder / "postion.yml"), "--now", now]
    return CliRunner().invoke(main, command, env=sandbox_env(sandbox, folder))


def waiting(folder: Path, sandbox: Sandbox, now: str) -> dict[str, str]:
    found = json.loads(postion(folder, sandbox, "plan", "--json", now=now).output)
    return {item["platform"]: item["until"] for item in found.get("waiting", [])}


def test_plan_and_publish_wait_from_when_the_post_was_first_seen(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path / "blog", sandbox)
    assert waiting(folder, sandbox, T0) == {
        "bluesky": "2026-03-05T12:30:00Z",  # not seen yet: from now, not from its date
        "discord": "2026-03-05T12:30:00Z",
        "mastodon": "2026-03-05T14:00:00Z",  # its own delay
    }
    table = postion(folder, sandbox, "plan", now=T0).output
    assert "Waiting (delay): Typo in the first minutes on Bluesky from 2026-03-05 12:30 UTC" in table

    first = postion(folder, sandbox, "publish", now=T0)
    assert first.exit_code == 0 and not any(sandbox.store[name] for name in ("bluesky", "mastodon", "discord"))
    state = json.loads((folder / ".postion" / "state.json").read_text(encoding="utf-8"))
    assert state["posts"]["new"]["platforms"]["bluesky"] == {"status": "pending", "seen": T0}

    # Twenty minutes later the plan still counts from then, not from its own clock.
    assert waiting(folder, sandbox, "2026-03-05T12:20:00Z")["bluesky"] == "2026-03-05T12:30:00Z"
    later = postion(folder, sandbox, "publish", now="2026-03-05T12:31:00Z")
    assert later.exit_code == 0
    assert "✓ Bluesky" in later.output and "✓ Discord" in later.output and "Mastodon" not in later.output
    assert waiting(folder, sandbox, "2026-03-05T12:31:00Z") == {"mastodon": "2026-03-05T14:00:00Z"}

    # `post` ignores the delay: the user's word, now.
    url = "https://blog.example.com/new/"
    by_hand = postion(folder, sandbox, "post", url, "--platform", "mastodon", now="2026-03-05T12:32:00Z")
    assert by_hand.exit_code == 0 and "✓ Mastodon" in by_hand.output
    assert waiting(folder, sandbox, "2026-03-05T12:33:00Z") == {}


def test_retry_ignores_the_delay(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path / "blog", sandbox)
    postion(folder, sandbox, "publish", now=T0)
    sandbox.fail("bluesky", "auth", count=1)  # refused once: not retried within the run
    failed = postion(folder, sandbox, "publish", "--platform", "bluesky", now="2026-03-05T12:31:00Z")
    assert failed.exit_code == 1
    # A new delay would hold it back again; retry sends it at once all the same.
    (folder / "postion.yml").write_text((folder / "postion.yml").read_text().replace("delay: 30m", "delay: 1d"))
    again = postion(folder, sandbox, "retry", now="2026-03-05T12:32:00Z")
    assert again.exit_code == 0 and "✓ Bluesky" in again.output


def test_a_scheduled_action_run_announces_what_the_push_held_back(
    tmp_path: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    repo = make_repo(tmp_path, sandbox)  # on main: one post announced long ago, one new
    (repo / "postion.yml").write_text((repo / "postion.yml").read_text() + "delay: 30m\n", encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "A delay")
    git(repo, "push", "--quiet", "origin", "main")
    pushed = run_action(repo, sandbox, github, "push", PUSH)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert not any(sandbox.store[name] for name in ("bluesky", "mastodon", "discord"))
    state = remote_file(repo, ".postion/state.json")
    seen = state["posts"]["second"]["platforms"]["bluesky"]["seen"]
    assert seen  # the push run saw it, and holds it back

    # Half an hour passes: the recorded moment is moved back (the Action runs on the real clock).
    git(repo, "pull", "--quiet", "origin", "main")
    for record in state["posts"]["second"]["platforms"].values():
        record["seen"] = "2026-01-01T00:00:00Z"
    (repo / ".postion" / "state.json").write_text(json.dumps(state), encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "Half an hour later")
    git(repo, "push", "--quiet", "origin", "main")
    scheduled = run_action(repo, sandbox, github, "schedule", {"schedule": "17 * * * *"})
    assert scheduled.returncode == 0, scheduled.stdout + scheduled.stderr
    assert scheduled.stdout.count("✓") == 3  # bluesky, mastodon, discord
