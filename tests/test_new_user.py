"""What a new user hit on real blogs (issue 13), item by item: each test failed before its fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from conftest import NOW, sandbox_env, write_post
from postion_publish.cli import main
from postion_publish.excerpt import plain_text_of_html
from postion_publish.sandbox import Sandbox
from postion_publish.sources.content import slugify

Run = Callable[..., Result]


def test_an_over_long_message_never_reaches_the_network(
    sandbox: Sandbox, live_blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests: list[str] = []
    dispatch = sandbox.dispatch

    def counted(method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        requests.append(path)
        return dispatch(method, path, headers, body)

    monkeypatch.setattr(sandbox, "dispatch", counted)
    config_file = live_blog / "postion.yml"  # no thread on Bluesky: the caption must fit one post
    config_file.write_text(config_file.read_text().replace("/bluesky, thread: true}", "/bluesky}"))
    caption = "word " * 80  # 399 graphemes (trimmed) by hand: Bluesky takes 300, and hand-written text is never cut
    write_post(live_blog, "third.md", f"title: Third\ndate: 2026-03-03\npostion: {{bluesky: '{caption}'}}")
    env = sandbox_env(sandbox, live_blog)
    config = ["-c", str(live_blog / "postion.yml")]
    result = CliRunner().invoke(
        main, ["publish", "--json", "--platform", "bluesky", "--post", _url(3), *config], env=env
    )
    [job] = json.loads(result.stdout)["results"]
    assert (job["status"], result.exit_code) == ("failed", 1)
    assert "too long (399 > 300): not sent" in job["error"] and "thread: true" in job["error"]
    assert [path for path in requests if path.startswith("/bluesky")] == []


def _url(number: int) -> str:
    return f"https://blog.example.com/{['', 'first', 'second', 'third'][number]}/"


def test_front_matter_never_closed_is_one_line_exit_2(live_blog: Path, run: Run) -> None:
    (live_blog / "posts" / "open.md").write_text("---\ntitle: Open\ndate: 2026-03-03\nNo closing line.\n")
    result = run(live_blog, "plan")
    assert result.exit_code == 2 and "open.md, line 1: the front matter opens with ---" in result.output
    assert "Traceback" not in result.output


def test_the_config_option_works_before_the_command(live_blog: Path) -> None:
    result = CliRunner().invoke(main, ["-c", str(live_blog / "postion.yml"), "plan", "--now", NOW])
    assert result.exit_code == 0 and "First post" in result.output


def test_action_outside_github_actions_prints_no_secret(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    env["POSTION_MASTODON_TOKEN"] = "a-secret-value"
    result = subprocess.run(
        [sys.executable, "-m", "postion_publish", "action"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2 and "inside GitHub Actions only" in result.stderr
    assert "a-secret-value" not in result.stdout + result.stderr and "add-mask" not in result.stdout


def test_a_publish_refused_for_a_missing_state_creates_nothing(blog: Path, run: Run) -> None:
    result = run(blog, "publish")
    assert result.exit_code == 2 and "postion init --baseline" in result.output
    assert not (blog / ".postion").exists()


def test_a_slug_keeps_what_is_not_an_accent() -> None:
    assert slugify("日本語の記事") == "日本語の記事"
    assert slugify("Déjà vu, café!") == "deja-vu-cafe"


def test_html_comments_are_parsed_not_guessed() -> None:
    assert plain_text_of_html("<p>A <!-- a > b --> post &amp; more</p>") == "A post & more"
    assert plain_text_of_html("<style>p{}</style>Text<script>if (a < b) {}</script>") == "Text"
