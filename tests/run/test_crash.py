"""Exactly once across crashes: a process killed between intent and result, at fixed points and
at random moments, never posts twice; what it cannot know it flags `unknown`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, sandbox_env
from crash_support import publish, stored
from postion_publish.core import registry as platforms
from postion_publish.sandbox import Sandbox
from postion_publish.store.jsonfile import encoded

pytestmark = pytest.mark.slow  # kills, attacks and real generators: `-m "not slow"` skips them


@pytest.mark.parametrize(
    ("platform", "point", "posted", "status"),
    [
        ("bluesky", "after-intent", 2, "announced"),  # not sent: getRecord finds nothing, sent once
        ("bluesky", "before-result", 2, "announced"),  # sent: getRecord finds it, not sent again
        ("mastodon", "after-intent", 2, "announced"),  # the same Idempotency-Key either way
        ("mastodon", "before-result", 2, "announced"),
        ("discord", "after-intent", 1, "unknown"),  # no way to tell: flagged, never re-sent
        ("discord", "before-result", 2, "unknown"),
        ("x", "after-intent", 2, "announced"),  # not on the timeline: sent again, once
        ("x", "before-result", 2, "announced"),  # found on the timeline: not sent again
        ("linkedin", "after-intent", 2, "announced"),  # sent again: a 201
        ("linkedin", "before-result", 2, "announced"),  # sent again: the duplicate names the first
        ("threads", "after-intent", 2, "announced"),  # its container still FINISHED: published now
        ("threads", "before-result", 2, "announced"),  # its container PUBLISHED: found, not again
    ],
)
def test_a_crash_at_each_point_never_posts_twice(
    sandbox: Sandbox, live_blog: Path, platform: str, point: str, posted: int, status: str
) -> None:
    with_all_six(sandbox, live_blog)
    env = sandbox_env(sandbox, live_blog)
    crashed = publish(live_blog, {**env, "POSTION_CRASH_AT": point}, "--platform", platform)
    assert crashed.returncode == 99
    publish(live_blog, env, "--platform", platform)
    publish(live_blog, env, "--platform", platform)  # and once more: still nothing twice
    state = json.loads((live_blog / ".postion" / "state.json").read_text())
    statuses = sorted(entry["platforms"][platform]["status"] for entry in state["posts"].values())
    assert stored(sandbox, platform) == posted
    assert statuses == sorted(["announced", status])


@pytest.mark.parametrize("platform", ["bluesky", "mastodon", "discord"])
@pytest.mark.parametrize("point", ["after-intent", "before-result", "before-announced", "before-fold", "during-fold"])
def test_a_crash_on_a_state_a_run_wrote_never_posts_twice(
    sandbox: Sandbox, live_blog: Path, platform: str, point: str
) -> None:
    """The state a run wrote is read as bytes (`written_posts`) by the next run, which crashes; the
    run after it folds the journal into those bytes."""
    env = sandbox_env(sandbox, live_blog)
    assert publish(live_blog, env, "--platform", platform).returncode == 0  # two posts, announced
    (live_blog / "posts" / "0-third.md").write_text("---\ntitle: Third\ndate: 2026-03-03\n---\nIts id sorts first.\n")
    crashed = publish(live_blog, {**env, "POSTION_CRASH_AT": point}, "--platform", platform)
    assert crashed.returncode == 99, crashed.stderr
    for _ in range(2):  # and once more: still nothing twice
        publish(live_blog, env, "--platform", platform)
    raw = (live_blog / ".postion" / "state.json").read_bytes()
    state = json.loads(raw)
    assert raw == encoded(state) and not (live_blog / ".postion" / "journal.jsonl").exists()
    statuses = {post_id: entry["platforms"][platform]["status"] for post_id, entry in state["posts"].items()}
    unknowable = platform == "discord" and point in ("after-intent", "before-result")
    assert list(statuses.values()).count("announced") == (2 if unknowable else 3), statuses
    assert stored(sandbox, platform) == (2 if unknowable and point == "after-intent" else 3)


def with_all_six(sandbox: Sandbox, blog: Path) -> None:
    """live_blog has Bluesky, Mastodon and Discord: X, LinkedIn and Threads join it."""
    lines = [
        f"  {name}: {json.dumps(platforms.spec(name).sandbox_module().settings(sandbox))}"
        for name in ("x", "linkedin", "threads")
    ]
    config = blog / "postion.yml"
    config.write_text(config.read_text() + "\n".join(lines) + "\n")


def test_random_kills_never_post_twice() -> None:
    script = REPO / "benchmarks" / "crash_test.py"
    result = subprocess.run(
        [sys.executable, str(script), "--rounds", "3", "--seed", "7"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "posted twice or lost: 0" in result.stdout


@pytest.mark.parametrize("platform", ["bluesky", "mastodon", "discord", "x", "linkedin", "threads"])
def test_a_crash_between_state_and_history_is_reconciled(sandbox: Sandbox, live_blog: Path, platform: str) -> None:
    with_all_six(sandbox, live_blog)
    env = sandbox_env(sandbox, live_blog)
    crashed = publish(live_blog, {**env, "POSTION_CRASH_AT": "before-ledger"}, "--platform", platform)
    assert crashed.returncode == 99 and stored(sandbox, platform) == 1  # live, announced, not in history
    publish(live_blog, env, "--platform", platform)
    history = json.loads(
        subprocess.run(
            [sys.executable, "-m", "postion_publish", "history", "--json", "-c", str(live_blog / "postion.yml")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    published = [a for a in history if a["platform"] == platform and a["status"] == "published"]
    assert len(published) == stored(sandbox, platform) == 2  # history matches the platform
    assert [a["error_kind"] for a in published].count("reconciled") == 1
    ledger = json.loads((live_blog / ".postion" / "ledger.json").read_text())
    assert ledger["quota"]["used"] == 2
