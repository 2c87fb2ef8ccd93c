"""A run records what it sends in `.postion/journal.jsonl` and writes state and ledger once, at
its end. A run killed before (or during) that fold loses nothing and posts nothing twice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import sandbox_env
from crash_support import publish, stored
from postion_publish.sandbox import Sandbox


def postion(blog: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "postion_publish", *args, "-c", str(blog / "postion.yml")]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def read(blog: Path, name: str) -> Any:
    return json.loads((blog / ".postion" / name).read_text(encoding="utf-8"))


def journal(blog: Path) -> Path:
    return blog / ".postion" / "journal.jsonl"


def test_the_files_are_written_once_at_the_end_and_the_journal_is_removed(sandbox: Sandbox, live_blog: Path) -> None:
    env = sandbox_env(sandbox, live_blog)
    before = (live_blog / ".postion" / "state.json").read_bytes()
    killed = publish(live_blog, {**env, "POSTION_CRASH_AT": "before-fold"}, "--platform", "mastodon")
    assert killed.returncode == 99 and stored(sandbox, "mastodon") == 2
    # Until the fold, state.json is as the run found it: the journal holds everything the run did.
    assert (live_blog / ".postion" / "state.json").read_bytes() == before
    events = [json.loads(line) for line in journal(live_blog).read_text(encoding="utf-8").splitlines()]
    assert sum("attempt" in event for event in events) == 2
    # Readers apply the journal: the plan has nothing left for Mastodon, the history holds both posts.
    plan = json.loads(postion(live_blog, "plan", "--json").stdout)
    assert not [job for job in plan["jobs"] if job["platform"] == "mastodon"]
    assert len(json.loads(postion(live_blog, "history", "--json").stdout)) == 2
    # The next run folds it first: nothing is sent again, each attempt is in the history once.
    publish(live_blog, env, "--platform", "mastodon")
    assert stored(sandbox, "mastodon") == 2 and not journal(live_blog).exists()
    ledger = read(live_blog, "ledger.json")
    assert len(ledger["attempts"]) == 2 and ledger["quota"]["used"] == 2


def test_a_crash_during_the_fold_adds_no_attempt_twice(sandbox: Sandbox, live_blog: Path) -> None:
    env = sandbox_env(sandbox, live_blog)
    killed = publish(live_blog, {**env, "POSTION_CRASH_AT": "during-fold"}, "--platform", "discord")
    assert killed.returncode == 99 and journal(live_blog).exists()  # state.json written, ledger.json not
    assert {e["platforms"]["discord"]["status"] for e in read(live_blog, "state.json")["posts"].values()} == {
        "announced"
    }
    publish(live_blog, env, "--platform", "discord")
    publish(live_blog, env, "--platform", "discord")
    attempts = read(live_blog, "ledger.json")["attempts"]
    assert stored(sandbox, "discord") == 2 and len(attempts) == 2
    assert len({attempt["id"] for attempt in attempts}) == 2


def test_a_line_cut_short_by_a_crash_is_ignored_and_a_damaged_one_named(sandbox: Sandbox, live_blog: Path) -> None:
    env = sandbox_env(sandbox, live_blog)
    publish(live_blog, {**env, "POSTION_CRASH_AT": "before-fold"}, "--platform", "discord")
    whole = journal(live_blog).read_text(encoding="utf-8")
    journal(live_blog).write_text(whole + '{"state": {"post": "fir', encoding="utf-8")  # the kill came mid-write
    assert len(json.loads(postion(live_blog, "history", "--json").stdout)) == 2
    journal(live_blog).write_text('{"state": {"post": "fir\n' + whole, encoding="utf-8")
    damaged = postion(live_blog, "history", "--json")
    assert damaged.returncode == 2 and "Traceback" not in damaged.stderr
    assert "journal.jsonl, line 1: a damaged line" in damaged.stderr
    before = (live_blog / ".postion" / "state.json").read_bytes()
    assert publish(live_blog, env).returncode == 2  # and a run refuses to start: nothing is sent or written
    assert (live_blog / ".postion" / "state.json").read_bytes() == before and stored(sandbox, "discord") == 2
