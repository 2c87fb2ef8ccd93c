"""`postion init` and `postion plan` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_runner import Result
from conftest import write_post
from postion_publish.platforms.bluesky import rule as bluesky
from postion_publish.platforms.x import rule as x

Run = Callable[..., Result]


def test_plan_json_on_the_example_lists_exactly_the_new_published_posts(example_blog: Path, run: Run) -> None:
    result = run(example_blog, "plan", "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    posts = sorted({job["post_id"] for job in plan["jobs"]})
    assert posts == [
        "2026-01-12-static-sites-are-back",
        "2026-02-03-posse-from-ci",
        "2026-03-14-unicode-in-captions",
        "2026-04-20-a-long-read",
    ]  # not the baselined 2025 post, not the draft, not the 2099 one
    assert {job["platform"] for job in plan["jobs"]} == {"x", "bluesky", "mastodon", "linkedin", "discord", "threads"}
    assert len(plan["jobs"]) == 4 * 6
    assert [entry["post_id"] for entry in plan["scheduled"]] == ["2099-01-01-from-the-future"]


def test_plan_json_lengths_follow_each_platform_rule(example_blog: Path, run: Run) -> None:
    plan = json.loads(run(example_blog, "plan", "--json").output)
    for job in plan["jobs"]:
        for message in job["messages"]:
            if job["platform"] == "x":
                assert message["length"] == x.weighted_length(message["text"]) <= 280
            if job["platform"] == "bluesky":
                assert message["length"] == bluesky.RULE.measure(message["text"]) <= 300
                if "https://" in message["text"]:
                    assert message["facets"], "a Bluesky message links its URL"
            assert message["length"] <= message["limit"]


def test_the_hand_written_x_caption_is_used(example_blog: Path, run: Run) -> None:
    plan = json.loads(run(example_blog, "plan", "--json").output)
    [job] = [j for j in plan["jobs"] if j["platform"] == "x" and j["post_id"] == "2026-02-03-posse-from-ci"]
    assert job["messages"][0]["text"].startswith("I wired my blog's deploy job")


def test_the_long_post_is_a_bluesky_thread_and_a_shortened_x_post(example_blog: Path, run: Run) -> None:
    plan = json.loads(run(example_blog, "plan", "--json").output)
    jobs = {j["platform"]: j for j in plan["jobs"] if j["post_id"] == "2026-04-20-a-long-read"}
    assert len(jobs["bluesky"]["messages"]) == 3
    assert len(jobs["x"]["messages"]) == 1 and "…" in jobs["x"]["messages"][0]["text"]


def test_plan_markdown_and_table(example_blog: Path, run: Run) -> None:
    markdown = run(example_blog, "plan", "--markdown").output
    assert markdown.startswith("**postion-publish:** 4 new posts, 24 message jobs")
    assert "### 2. ` POSSE from CI `\n\n` https://blog.example.com/2026/02/posse-from-ci/ `" in markdown
    table = run(example_blog, "plan").output
    assert "A long read about timelines" in table and "thread of 3" in table


def test_plan_refuses_without_a_state_file_and_explains_baseline(blog: Path, run: Run) -> None:
    result = run(blog, "plan")
    assert result.exit_code == 2
    assert "postion init --baseline" in result.output


def test_init_baseline_then_plan_announces_nothing_then_a_new_post(blog: Path, run: Run) -> None:
    assert run(blog, "init", "--baseline").exit_code == 0
    assert "Nothing new to announce." in run(blog, "plan").output
    write_post(blog, "second.md", "title: Second\ndate: 2026-04-01")
    assert [j["post_id"] for j in json.loads(run(blog, "plan", "--json").output)["jobs"]] == ["second", "second"]


def test_init_writes_a_starter_config_that_loads(tmp_path: Path, run: Run) -> None:
    result = run(tmp_path, "init")
    assert result.exit_code == 0 and (tmp_path / "postion.yml").exists()
    (tmp_path / "posts").mkdir()
    assert run(tmp_path, "init", "--baseline").exit_code == 0


BAD_INPUTS = {
    "broken yaml": ("postion.yml", "site_url: https://blog.example.com\nplatforms: {x: {}\n"),
    "unknown key": ("postion.yml", "site_url: https://blog.example.com\nplatfroms: {x: {}}\n"),
    "undefined name": (
        "postion.yml",
        "site_url: https://blog.example.com\ntemplate: '{{ titel }}'\nplatforms: {x: {}}",
    ),
    "unparseable date": ("posts/new.md", "---\ntitle: New\ndate: someday soon\n---\nText.\n"),
    "garbage state": (".postion/state.json", "{not json at all"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_one_paragraph_exit_2_and_changes_no_file(blog: Path, run: Run, case: str) -> None:
    assert run(blog, "init", "--baseline").exit_code == 0
    write_post(blog, "new.md", "title: New\ndate: 2026-04-01")
    relative, content = BAD_INPUTS[case]
    (blog / relative).write_text(content, encoding="utf-8")
    state = (blog / ".postion" / "state.json").read_bytes()
    # A baseline renders no template, so it has nothing to say about one.
    commands = [["plan"]] if case == "undefined name" else [["plan"], ["init", "--baseline"]]
    for command in commands:
        result = run(blog, *command)
        assert result.exit_code == 2, (case, command, result.output)
        assert result.output.startswith("postion: error: ") and result.output.count("\n") == 1
        assert "Traceback" not in result.output
        assert (blog / ".postion" / "state.json").read_bytes() == state


def test_the_installed_command_prints_no_traceback(blog: Path) -> None:
    (blog / "postion.yml").write_text("site_url: [unclosed\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "postion_publish", "plan", "-c", str(blog / "postion.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"postion: error: {blog / 'postion.yml'}, line 2: not valid YAML")
    assert "Traceback" not in result.stderr
