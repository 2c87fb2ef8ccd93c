"""`postion action` with crafted event payloads, a fake GitHub API on 127.0.0.1, the sandbox, and
a bare git repository standing in for GitHub."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from action_support import PUSH, git, outputs, pull_request, remote_file, run_action
from conftest import write_post
from github_fake import FakeGitHub
from postion_publish.action.events import MARKER
from postion_publish.sandbox import Sandbox


def test_push_publishes_writes_the_summary_and_commits_state_back(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    result = run_action(repo, sandbox, github, "push", PUSH)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(sandbox.store["discord"]["messages"]) == 1  # only the new post, not the announced one
    summary = (repo.parent / "summary.md").read_text()
    assert "## postion-publish" in summary and "` Second post ` ` https://blog.example.com/second/ `" in summary
    assert "**Quota:** 3 of 300 units used" in summary and "pushed to main" in summary
    assert outputs(repo)["published"] == "3" and json.loads(outputs(repo)["results"])[0]["status"] == "published"
    state = remote_file(repo, ".postion/state.json")
    assert state["posts"]["second"]["platforms"]["discord"]["status"] == "announced"
    assert "[skip ci]" in git(repo, "log", "-1", "--format=%s", "FETCH_HEAD")
    again = run_action(repo, sandbox, github, "push", PUSH)  # the next push: nothing new, nothing posted
    assert again.returncode == 0 and len(sandbox.store["discord"]["messages"]) == 1


def test_secrets_are_masked_first_and_never_written(repo: Path, sandbox: Sandbox, github: FakeGitHub) -> None:
    result = run_action(repo, sandbox, github, "push", PUSH)
    lines = result.stdout.splitlines()
    password = sandbox.credentials.bluesky_app_password
    webhook_token = sandbox.credentials.discord_webhook_token
    assert lines[0].startswith("::add-mask::")
    assert f"::add-mask::{password}" in lines and f"::add-mask::{webhook_token}" in lines
    masks_end = max(i for i, line in enumerate(lines) if line.startswith("::add-mask::"))
    later = (
        "\n".join(lines[masks_end + 1 :])
        + (repo.parent / "summary.md").read_text()
        + (repo.parent / "output.txt").read_text()
    )
    for secret in (password, webhook_token, sandbox.credentials.mastodon_token, "test-token"):
        assert secret not in later
    for path in (repo / ".postion").iterdir():
        assert webhook_token not in path.read_text() and password not in path.read_text()


def test_a_push_race_is_merged_without_losing_an_entry(
    repo: Path, sandbox: Sandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    # Another run lands on main after this one checked out: its own ledger entry and state.
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(tmp_path / "origin.git"), str(other))
    state = json.loads((other / ".postion" / "state.json").read_text())
    state["posts"]["elsewhere"] = {
        "url": "https://blog.example.com/elsewhere/",
        "platforms": {"x": {"status": "announced", "id": "1", "url": "u", "time": "2026-03-05T00:00:00Z"}},
    }
    (other / ".postion" / "state.json").write_text(json.dumps(state))
    ledger = {
        "version": 1,
        "attempts": [
            {
                "id": "other-run",
                "time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),  # in this billing cycle
                "post": "https://blog.example.com/elsewhere/",
                "post_id": "elsewhere",
                "platform": "x",
                "status": "published",
                "url": "u",
                "error": None,
                "error_kind": None,
                "attempts": 1,
                "parts": 1,
            }
        ],
        "tokens": {},
    }
    (other / ".postion" / "ledger.json").write_text(json.dumps(ledger))
    git(other, "add", ".")
    git(other, "commit", "--quiet", "-m", "another run")
    git(other, "push", "--quiet", "origin", "main")

    result = run_action(repo, sandbox, github, "push", PUSH)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "after 1 race(s)" in (repo.parent / "summary.md").read_text()
    merged_state = remote_file(repo, ".postion/state.json")
    assert merged_state["posts"]["elsewhere"]["platforms"]["x"]["status"] == "announced"
    assert merged_state["posts"]["second"]["platforms"]["mastodon"]["status"] == "announced"
    merged_ledger = remote_file(repo, ".postion/ledger.json")
    ids = [attempt["id"] for attempt in merged_ledger["attempts"]]
    assert "other-run" in ids and len(ids) == 4 and merged_ledger["quota"]["used"] == 4


def test_pull_request_keeps_one_sticky_comment_after_three_runs(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    github.comments += [
        {"id": 1, "body": "LGTM", "user": {"login": "reviewer"}},
        {"id": 2, "body": f"{MARKER} quoted by a human", "user": {"login": "reviewer"}},  # not ours
        {"id": 3, "body": "nice", "user": {"login": "someone"}},
    ]
    payload = pull_request(repo)
    for _ in range(3):
        result = run_action(repo, sandbox, github, "pull_request", payload)
        assert result.returncode == 0, result.stdout + result.stderr
    ours = [c for c in github.comments if c["user"]["login"] == "github-actions[bot]"]
    assert len(ours) == 1 and len(github.comments) == 4
    assert ("PATCH", f"/repos/o/r/issues/comments/{ours[0]['id']}") in github.calls
    body = ours[0]["body"]
    assert MARKER in body and "Third post, in review" in body and "Second post" in body
    assert "First post" not in body  # announced on the base branch
    assert sandbox.store["discord"].get("messages", {}) == {}  # a pull request never publishes


def test_a_fork_pull_request_writes_the_preview_to_the_summary(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    github.read_only = True
    result = run_action(repo, sandbox, github, "pull_request", pull_request(repo))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::notice::this token cannot comment" in result.stdout
    summary = (repo.parent / "summary.md").read_text()
    assert MARKER in summary and "Third post, in review" in summary and github.comments == []


def test_workflow_dispatch_posts_one_url_with_a_caption(repo: Path, sandbox: Sandbox, github: FakeGitHub) -> None:
    payload = {
        "inputs": {
            "post_url": "https://blog.example.com/first/",
            "platforms": "mastodon",
            "caption": "Again: {{ url }}",
        }
    }
    result = run_action(repo, sandbox, github, "workflow_dispatch", payload)
    assert result.returncode == 0, result.stdout + result.stderr
    [status] = sandbox.store["mastodon"]["statuses"].values()
    assert status["text"] == "Again: https://blog.example.com/first/"


def test_plan_warnings_become_annotations_at_the_post_file(repo: Path, sandbox: Sandbox, github: FakeGitHub) -> None:
    write_post(repo, "third.md", "title: With a picture\ndate: 2026-03-03\nimage: cover.png", "Text.")
    result = run_action(repo, sandbox, github, "push", PUSH, POSTION_INPUT_DRY_RUN="true")
    assert "::warning file=posts/third.md,line=1::the image has no alt text" in result.stdout.replace(
        str(repo) + "/", ""
    )


def test_bad_inputs_fail_with_exit_2_and_an_error_annotation(repo: Path, sandbox: Sandbox, github: FakeGitHub) -> None:
    result = run_action(repo, sandbox, github, "push", PUSH, POSTION_INPUT_DRY_RUN="maybe")
    assert result.returncode == 2
    assert "::error::input dry-run must be true or false" in result.stdout
    assert sandbox.store["discord"].get("messages", {}) == {}
