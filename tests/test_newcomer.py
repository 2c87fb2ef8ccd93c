"""Issue 27: no blog stopped by one odd file, and what a newcomer expects of the commands."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import CliRunner, Result

from conftest import NOW, sandbox_env, write_post
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox


def invoke(folder: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [*args, "-c", str(folder / "postion.yml"), "--now", NOW], env=env)


# --- 4. one undated post ---------------------------------------------------------------------


def test_an_undated_post_or_draft_stops_nothing(live_blog: Path, sandbox: Sandbox) -> None:
    (live_blog / ".postion" / "state.json").unlink()
    write_post(live_blog, "idea.md", "title: An idea\ndraft: true")  # a draft needs no date
    write_post(live_blog, "old.md", "title: Old")  # a published post without one
    baseline = invoke(live_blog, "init", "--baseline")
    assert baseline.exit_code == 0, baseline.output
    state = json.loads((live_blog / ".postion" / "state.json").read_text())
    assert "idea" not in state["posts"] and "old" in state["posts"]  # the archive as it stands is old
    write_post(live_blog, "new.md", "title: New\ndate: 2026-03-05")
    write_post(live_blog, "later.md", "title: Later")
    plan = invoke(live_blog, "plan", "--json")
    assert plan.exit_code == 0, plan.output
    data = json.loads(plan.stdout)
    assert {job["post_id"] for job in data["jobs"]} == {"new"}
    reasons = {item["post_id"]: item["reason"] for item in data["not_planned"]}
    assert reasons["later"].startswith("no date: add `date: ") and "later.md" in reasons["later"]
    assert reasons["idea"] == "a draft"
    table = invoke(live_blog, "plan")
    assert "Not announced: Later" in table.output and "no date" in table.output
    published = invoke(live_blog, "publish", env=sandbox_env(sandbox, live_blog))
    assert published.exit_code == 0, published.output
    assert published.output.count("✓") == 3  # the dated post, on each of the three platforms
