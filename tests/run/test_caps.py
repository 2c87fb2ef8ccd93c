"""Issue 33, item 3: a platform's cap, counted before anything is sent. A Threads account at 249
of its 250 posts per 24 hours: `plan` warns about the jobs past the cap, and `publish` sends one,
holds the rest back (pending, for a later run), and says from when each is possible."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from cli_runner import CliRunner, Result
from conftest import sandbox_env, write_post
from connect_support import blog_for
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def a_busy_day(folder: Path) -> None:
    """249 Threads posts in the last 24 hours, one every five minutes, the oldest 23 h ago."""
    oldest = NOW - dt.timedelta(hours=23)
    attempts = [
        {
            "id": f"a{n}",
            "time": (oldest + dt.timedelta(minutes=5 * n)).isoformat().replace("+00:00", "Z"),
            "post": f"https://blog.example.com/old-{n}/",
            "post_id": f"old-{n}",
            "platform": "threads",
            "status": "published",
            "url": f"https://www.threads.com/@me/post/{n}",
            "attempts": 1,
            "parts": 1,
        }
        for n in range(249)
    ]
    ledger = {"version": 1, "attempts": attempts, "tokens": {}}
    (folder / ".postion" / "ledger.json").write_text(json.dumps(ledger), encoding="utf-8")


def postion(folder: Path, sandbox: Sandbox, *args: str) -> Result:
    command = [*args, "-c", str(folder / "postion.yml"), "--now", NOW.isoformat()]
    return CliRunner().invoke(main, command, env=sandbox_env(sandbox, folder))


def test_at_249_of_250_one_goes_and_the_rest_wait_with_their_time(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = tmp_path / "blog"
    blog_for(sandbox, folder, "threads")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    a_busy_day(folder)
    for day in (1, 2, 3):
        write_post(folder, f"new-{day}.md", f"title: New {day}\ndate: 2026-03-0{day}")

    planned = json.loads(postion(folder, sandbox, "plan", "--json").stdout)["jobs"]
    warned = [job["post_id"] for job in planned if any("held back" in w for w in job["warnings"])]
    assert warned == ["new-2", "new-3"]

    published = postion(folder, sandbox, "publish", "--json")
    assert published.exit_code == 1, published.output  # held back: said, not silent
    results = {result["post"].rsplit("/", 2)[-2]: result for result in json.loads(published.stdout)["results"]}
    assert results["new-1"]["status"] == "published"
    for post, when in (("new-2", "2026-03-10 13:00"), ("new-3", "2026-03-10 13:05")):
        assert results[post]["status"] == "skipped"
        assert "Threads allows 250 posts per 24 hours and 249 are used" in results[post]["error"]
        assert f"possible from {when} UTC" in results[post]["error"]  # as the oldest posts age out
    assert len(sandbox.store["threads"]["posts"]) == 1

    state = json.loads((folder / ".postion" / "state.json").read_text(encoding="utf-8"))
    assert state["posts"]["new-2"]["platforms"]["threads"]["status"] == "pending"  # for a later run


def test_a_cap_set_in_the_config_holds_back_the_same_way(tmp_path: Path, sandbox: Sandbox) -> None:
    """X's caps depend on the account's API plan: the user says theirs (`cap: 3 per 30d`)."""
    folder = tmp_path / "blog"
    blog_for(sandbox, folder, "x")
    config = folder / "postion.yml"
    config.write_text(config.read_text().replace('"api_base"', '"cap": "3 per 30d", "api_base"', 1))
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    attempts = [
        {
            "id": f"a{n}",
            "time": f"2026-03-0{n + 1}T12:00:00Z",
            "post": f"https://blog.example.com/o{n}/",
            "post_id": f"o{n}",
            "platform": "x",
            "status": "published",
            "url": "https://x.com/i/web/status/1",
            "attempts": 1,
            "parts": 1,
        }
        for n in range(2)
    ]
    ledger = {"version": 1, "attempts": attempts, "tokens": {}}
    (folder / ".postion" / "ledger.json").write_text(json.dumps(ledger), encoding="utf-8")
    for day in (1, 2):
        write_post(folder, f"new-{day}.md", f"title: New {day}\ndate: 2026-03-0{day}")
    published = postion(folder, sandbox, "publish", "--json")
    results = {r["post"].rsplit("/", 2)[-2]: r for r in json.loads(published.stdout)["results"]}
    assert results["new-1"]["status"] == "published" and results["new-2"]["status"] == "skipped"
    assert "X allows 3 posts per 30 days (your cap in postion.yml) and 2 are used" in results["new-2"]["error"]
    assert "possible from 2026-03-31 12:00 UTC" in results["new-2"]["error"]  # the oldest of the window + 30 d
