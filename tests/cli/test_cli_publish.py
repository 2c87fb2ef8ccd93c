"""`postion publish`, `post`, `retry`, `history`, `quota` and `demo` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from postion_publish.sandbox import Sandbox
from publish_support import cli


def test_publish_json_prints_results_and_quota(sandbox: Sandbox, live_blog: Path) -> None:
    result = cli(sandbox, live_blog, "publish", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"results", "quota"} and len(data["results"]) == 6
    first = data["results"][0]
    assert set(first) >= {"post", "platform", "status", "url", "id", "error", "attempts"}
    assert first["status"] == "published" and first["error"] is None
    assert data["quota"] == {"used": 6, "limit": 300, "resets": data["quota"]["resets"]}
    assert result.stderr.count("✓") == 6  # a progress line per job, on stderr under --json


def test_publish_exit_status_is_1_when_a_job_fails(sandbox: Sandbox, live_blog: Path) -> None:
    result = cli(sandbox, live_blog, "publish", env={"POSTION_MASTODON_TOKEN": "revoked"})
    assert result.exit_code == 1
    assert "✗ Mastodon" in result.output and "POSTION_MASTODON_TOKEN" in result.output
    assert "revoked" not in result.output


def test_publish_dry_run_and_post_filter(sandbox: Sandbox, live_blog: Path) -> None:
    result = cli(sandbox, live_blog, "publish", "--dry-run", "--post", "https://blog.example.com/first/")
    assert result.exit_code == 0 and result.output.count("(dry run: not sent)") == 3
    missing = cli(sandbox, live_blog, "publish", "--post", "https://blog.example.com/nope/")
    assert missing.exit_code == 2 and "no new post has that URL" in missing.output


def test_history_and_quota(sandbox: Sandbox, live_blog: Path) -> None:
    cli(sandbox, live_blog, "publish", "--platform", "discord")
    history = json.loads(cli(sandbox, live_blog, "history", "--json", "--limit", "1").stdout)
    assert len(history) == 1 and history[0]["platform"] == "discord" and history[0]["status"] == "published"
    assert set(history[0]) >= {"time", "post", "platform", "status", "url", "error", "attempts"}
    table = cli(sandbox, live_blog, "history").output
    assert table.count("✓ Discord") == 2
    assert json.loads(cli(sandbox, live_blog, "quota", "--json").stdout)["used"] == 2
    assert cli(sandbox, live_blog, "quota").output.startswith("Quota: 2 of 300 units used")


def test_retry_sends_what_failed(sandbox: Sandbox, live_blog: Path) -> None:
    cli(sandbox, live_blog, "publish", env={"POSTION_MASTODON_TOKEN": "revoked"})
    result = cli(sandbox, live_blog, "retry")
    assert result.exit_code == 0 and result.output.count("✓ Mastodon") == 2
    assert cli(sandbox, live_blog, "retry").output.startswith("Nothing new to announce.")


def test_retry_of_an_unknown_outcome_by_id_is_the_users_decision(sandbox: Sandbox, live_blog: Path) -> None:
    sandbox.fail("discord", "500")  # refused before storing, but a 5xx could have posted: unknown
    cli(sandbox, live_blog, "publish", "--platform", "discord")
    history = json.loads(cli(sandbox, live_blog, "history", "--json").stdout)
    unknown = [a for a in history if a["error_kind"] == "unknown"]
    assert len(unknown) == 1
    assert "Nothing new" in cli(sandbox, live_blog, "retry").output  # never on its own
    result = cli(sandbox, live_blog, "retry", unknown[0]["id"])
    assert result.exit_code == 0 and "✓ Discord" in result.output
    assert len(sandbox.store["discord"]["messages"]) == 2


def test_post_by_hand_with_captions_and_never_twice(sandbox: Sandbox, live_blog: Path) -> None:
    url = "https://blog.example.com/first/"
    result = cli(sandbox, live_blog, "post", url, "--platform", "mastodon", "--caption-mastodon", "Mine: {{ url }}")
    assert result.exit_code == 0, result.output
    [status] = sandbox.store["mastodon"]["statuses"].values()
    assert status["text"] == f"Mine: {url}"
    again = cli(sandbox, live_blog, "post", url, "--platform", "mastodon", "--caption", "Again")
    assert "already announced on mastodon" in again.output and len(sandbox.store["mastodon"]["statuses"]) == 1
    # publish afterwards: that pair is done, the rest of the post still goes out
    published = json.loads(cli(sandbox, live_blog, "publish", "--json").stdout)["results"]
    assert ("https://blog.example.com/first/", "mastodon") not in {(r["post"], r["platform"]) for r in published}


def test_post_of_an_unknown_url_needs_a_caption(sandbox: Sandbox, live_blog: Path) -> None:
    result = cli(sandbox, live_blog, "post", "https://elsewhere.example/x")
    assert result.exit_code == 2 and "--caption" in result.output


def test_demo_publishes_then_publishes_nothing_new(tmp_path: Path) -> None:
    env = {**os.environ, "POSTION_DEMO_DIR": str(tmp_path / "demo")}
    command = [sys.executable, "-m", "postion_publish", "demo", "--no-serve"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    links = [line.split()[-1] for line in first.stdout.splitlines() if line.startswith("✓")]
    assert len(links) == 24 and all(link.startswith("http://127.0.0.1:") for link in links)
    second = subprocess.run(command, env=env, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert second.returncode == 0 and "Nothing new to announce" in second.stdout
    assert "✓" not in second.stdout
