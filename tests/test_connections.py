"""Connections and token health: rotated tokens written back to the repository's secrets in CI,
`postion connect`, `tokens status|refresh|remind`, `disconnect`."""

from __future__ import annotations

import json
from pathlib import Path

from action_support import PUSH, git, run_action
from conftest import write_post
from github_fake import SECRETS_PAT, FakeGitHub
from postion_publish.sandbox import Sandbox
from secret_scan import leaks


def x_only(repo: Path, sandbox: Sandbox) -> None:
    base = sandbox.base_url
    config = (
        "site_url: https://blog.example.com\nsource: {type: content, path: posts}\n"
        f"platforms:\n  x: {{api_base: {base}/x, web_base: {base}/x}}\n"
    )
    (repo / "postion.yml").write_text(config, encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "X only")
    git(repo, "push", "--quiet", "origin", "main")


def expire_access_tokens(sandbox: Sandbox) -> None:
    """Two hours pass: every X access token the sandbox gave has expired."""
    oauth = sandbox.store["x"].setdefault("oauth", {"generation": 0, "revoked": False, "access_ttl": 7200})
    oauth["issued"] = {}


def test_in_ci_a_rotated_x_token_is_written_back_and_the_next_run_uses_it(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    x_only(repo, sandbox)
    expire_access_tokens(sandbox)
    first = run_action(repo, sandbox, github, "push", PUSH, POSTION_GITHUB_SECRETS_TOKEN=SECRETS_PAT)
    assert first.returncode == 0, first.stdout + first.stderr
    assert sandbox.store["x"]["oauth"]["generation"] == 1  # refreshed once
    written = dict(github.secrets)
    assert set(written) == {"POSTION_X_REFRESH_TOKEN", "POSTION_X_ACCESS_TOKEN"}  # decrypted by the fake
    assert written["POSTION_X_REFRESH_TOKEN"] != sandbox.credentials.x_refresh_token
    # Each new value is masked in the log (commands resumed for it) before anything could print it.
    log = first.stdout
    for value in written.values():
        assert f"::add-mask::{value}" in log
        assert value not in log.replace(f"::add-mask::{value}", "")

    # The next run, a new process, gets the written-back values as its environment (GitHub does).
    git(repo, "pull", "--quiet", "origin", "main")
    write_post(repo, "third.md", "title: Third post\ndate: 2026-03-03")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "A third post")
    git(repo, "push", "--quiet", "origin", "main")
    expire_access_tokens(sandbox)
    second = run_action(repo, sandbox, github, "push", PUSH, POSTION_GITHUB_SECRETS_TOKEN=SECRETS_PAT, **written)
    assert second.returncode == 0, second.stdout + second.stderr
    assert sandbox.store["x"]["oauth"]["generation"] == 2 and not sandbox.store["x"]["oauth"]["revoked"]
    assert len(sandbox.store["x"]["tweets"]) == 2
    summary = (repo.parent / "summary.md").read_text()
    log = "\n".join(line for line in second.stdout.splitlines() if not line.startswith("::add-mask::"))
    assert leaks(summary + log + second.stderr, [SECRETS_PAT, *written.values(), *github.secrets.values()]) == []


def test_in_ci_without_a_secrets_token_a_rotation_is_said_to_be_lost(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    x_only(repo, sandbox)
    expire_access_tokens(sandbox)
    result = run_action(repo, sandbox, github, "push", PUSH)
    assert result.returncode == 0, result.stdout + result.stderr  # the post went out
    warnings = [line for line in result.stdout.splitlines() if line.startswith("::warning::")]
    assert len(warnings) == 1 and "POSTION_GITHUB_SECRETS_TOKEN" in warnings[0] and "lost" in warnings[0]
    summary = (repo.parent / "summary.md").read_text()
    assert "without POSTION_GITHUB_SECRETS_TOKEN" in summary and github.secrets == {}


def test_a_secret_github_refuses_to_store_is_a_warning_not_a_lost_post(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    x_only(repo, sandbox)
    expire_access_tokens(sandbox)
    result = run_action(repo, sandbox, github, "push", PUSH, POSTION_GITHUB_SECRETS_TOKEN="test-token")  # no rights
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        json.loads((repo / ".postion" / "state.json").read_text())["posts"]["second"]["platforms"]["x"]["status"]
        == "announced"
    )
    assert "could not be written to the repository's secrets" in result.stdout
