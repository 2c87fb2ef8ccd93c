"""Attack corpus, what people read: the pull-request preview, the job summary and the Actions log.
A title, caption or URL written by a guest or a fork must show as itself and do nothing else."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from action_support import PUSH, git, pull_request, run_action
from cli_runner import CliRunner
from conftest import NOW, write_post
from github_fake import FakeGitHub
from postion_publish.action.events import MARKER
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

pytestmark = pytest.mark.slow  # kills, attacks and real generators: `-m "not slow"` skips them

SPOOF_TITLE = (
    "Nice post\n\n- [x] looks good\n\n**postion-publish:** nothing new to announce.\n\n"
    "<!-- everything after this is hidden"
)
HTML_TITLE = '<a href="https://evil.example/">click</a> <img src="https://evil.example/p.png"> @octocat ``` ` |x|'
BROKEN_URL = "https://blog.example.com/x)[pwn](https://evil.example/y"


def rendered(markdown: str) -> str:
    """As GitHub would show it: CommonMark with tables and raw HTML allowed."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def spoofing_posts(folder: Path) -> None:
    write_post(folder, "spoof.md", f"title: {json.dumps(SPOOF_TITLE)}\ndate: 2026-03-03")
    write_post(folder, "html.md", f"title: {json.dumps(HTML_TITLE)}\ndate: 2026-03-04\nurl: '{BROKEN_URL}'")
    write_post(
        folder,
        "hidden.md",
        "title: The post the comment would hide\ndate: 2026-03-05\npostion: {image: cover.png, alt: a}",
    )
    (folder / "posts" / "cover.png").symlink_to("/proc/self/environ")


def test_the_preview_shows_every_post_inertly(live_blog: Path) -> None:
    spoofing_posts(live_blog)
    result = CliRunner().invoke(main, ["plan", "--markdown", "-c", str(live_blog / "postion.yml"), "--now", NOW])
    assert result.exit_code == 0, result.output
    html = rendered(result.output)
    assert "<img" not in html and "<a " not in html and "<!--" not in html  # no image, link or hidden part
    assert html.count("<h3>") == 5  # two posts of the blog, three of the attacker: none hidden
    assert "The post the comment would hide" in html
    assert "<li>" not in html and "<strong>postion-publish:</strong> nothing new" not in html
    for needle in ("nothing new to announce", "@octocat", "evil.example/y"):
        assert all(needle not in part for part in re.split(r"<code[^>]*>.*?</code>", html, flags=re.DOTALL)), (
            f"{needle} outside code"
        )


def test_the_job_summary_shows_titles_urls_and_errors_inertly(repo: Path, sandbox: Sandbox, github: FakeGitHub) -> None:
    write_post(repo, "third.md", f"title: {json.dumps(HTML_TITLE)}\ndate: 2026-03-03\nurl: '{BROKEN_URL}'")
    result = run_action(repo, sandbox, github, "push", PUSH)
    assert result.returncode == 0, result.stdout + result.stderr
    html = rendered((repo.parent / "summary.md").read_text())
    assert "<img" not in html and "<a " not in html and html.count("<tr>") == 7  # header + 6 results


def runner_commands(log: str) -> list[str]:
    """The workflow commands the Actions runner would act on in this log: it trims leading space,
    and ignores everything between `::stop-commands::TOKEN` and `::TOKEN::`."""
    commands = []
    stopped_by: str | None = None
    for line in log.splitlines():
        text = line.lstrip()
        if stopped_by is not None:
            if text == f"::{stopped_by}::":
                stopped_by = None
            continue
        if text.startswith("::stop-commands::"):
            stopped_by = text.removeprefix("::stop-commands::")
        elif text.startswith("::"):
            commands.append(text)
    return commands


def test_a_title_never_becomes_a_workflow_command(repo: Path, sandbox: Sandbox, github: FakeGitHub) -> None:
    title = "Innocent\n::add-mask::Quota\n::error file=postion.yml::pwned\n  ::warning::pwned"
    write_post(repo, "third.md", f"title: {json.dumps(title)}\ndate: 2026-03-03")
    result = run_action(repo, sandbox, github, "push", PUSH)
    assert result.returncode == 0, result.stdout + result.stderr
    commands = runner_commands(result.stdout)
    assert commands and not any("pwned" in c or c == "::add-mask::Quota" for c in commands), commands
    assert "Innocent ::add-mask::Quota" in result.stdout  # still shown, as text, on one line


def test_the_plan_table_never_starts_a_line_with_a_title(live_blog: Path) -> None:
    write_post(live_blog, "third.md", "title: '::error::pwned'\ndate: 2026-03-03")
    output = CliRunner().invoke(main, ["plan", "-c", str(live_blog / "postion.yml"), "--now", NOW]).output
    assert runner_commands(output) == [] and "::error::pwned" in output


def test_a_fork_pull_request_previews_every_post_inertly_and_publishes_nothing(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    github.read_only = True  # a fork's token
    payload = pull_request(repo)
    spoofing_posts(repo)
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "Guest posts")
    no_secrets = {name: "" for name in os.environ if name.startswith("POSTION_") and "INPUT" not in name}
    no_secrets |= {"POSTION_BLUESKY_APP_PASSWORD": "", "POSTION_MASTODON_TOKEN": "", "POSTION_DISCORD_WEBHOOK_URL": ""}
    result = run_action(repo, sandbox, github, "pull_request", payload, **no_secrets)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = (repo.parent / "summary.md").read_text()
    html = rendered(summary)
    assert MARKER in summary and github.comments == []
    assert "<img" not in html and "<a " not in html and "<!--" not in html.replace(MARKER, "")
    assert "The post the comment would hide" in html and "Third post, in review" in html
    assert sandbox.store["discord"].get("messages", {}) == {} and sandbox.store["bluesky"].get("blobs", {}) == {}
    assert sandbox.store["mastodon"].get("statuses", {}) == {}


def test_a_preview_too_long_for_a_comment_leaves_out_whole_posts_never_half_of_one(live_blog: Path) -> None:
    from postion_publish.action.events import preview_body
    from postion_publish.net.github import MAX_COMMENT
    from postion_publish.run.workspace import load_plan

    html_title = '<img src="https://evil.example/p.png"> ' + "x" * 900
    for number in range(120):  # each post's section is about 2.5 KB: 120 of them cannot fit
        write_post(live_blog, f"p{number}.md", f"title: {json.dumps(html_title + str(number))}\ndate: 2026-03-03")
    plan, _ = load_plan(live_blog / "postion.yml", dt.datetime(2026, 11, 29, tzinfo=dt.UTC))
    body = preview_body(plan, "the state of main")
    html = rendered(body)
    assert len(body) <= MAX_COMMENT and "more posts: `postion plan` shows every one." in body
    assert "<img" not in html and body.endswith("Nothing is posted until this is merged.\n")


def test_a_job_summary_is_cut_at_a_line_end(tmp_path: Path) -> None:
    from postion_publish.action.workflow import MAX_SUMMARY, append_summary

    row = "| ✓ | Bluesky | ` <img src=x> title ` | ` https://x.example/ ` |\n"
    path = tmp_path / "summary.md"
    append_summary(str(path), row * (MAX_SUMMARY // len(row.encode()) + 10))
    lines = path.read_text().splitlines()
    assert lines[-1] == "…cut here: a job summary holds at most 1 MiB." and "<img" not in rendered(path.read_text())
    assert all(line == row.rstrip("\n") for line in lines[:-2])
