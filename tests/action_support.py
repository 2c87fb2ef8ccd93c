"""The Action under test: a clone of a bare "GitHub" repository holding a blog, a fake GitHub API
on 127.0.0.1, and `postion action` run as the runner runs it, with crafted event payloads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import sandbox_config, sandbox_env, write_post
from github_fake import FakeGitHub
from postion_publish.sandbox import Sandbox


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def make_repo(tmp_path: Path, sandbox: Sandbox) -> Path:
    """A clone of a bare 'GitHub' repository whose main holds a blog: one post announced, one new."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(origin))
    work = tmp_path / "work"
    git(tmp_path, "clone", "--quiet", str(origin), str(work))
    (work / "postion.yml").write_text(sandbox_config(sandbox), encoding="utf-8")
    write_post(work, "first.md", "title: First post\ndate: 2026-03-01", "Announced long ago.")
    write_post(work, "second.md", "title: Second post\ndate: 2026-03-02\npostion: {alt: x}", "New on main.")
    (work / ".postion").mkdir()
    state = {
        "version": 1,
        "posts": {
            "first": {"url": "https://blog.example.com/first/", "baseline": "2026-03-01T00:00:00Z", "platforms": {}}
        },
    }
    (work / ".postion" / "state.json").write_text(json.dumps(state), encoding="utf-8")
    git(work, "add", ".")
    git(work, "commit", "--quiet", "-m", "The blog")
    git(work, "push", "--quiet", "origin", "main")
    return work


def run_action(
    repo: Path, sandbox: Sandbox, github: FakeGitHub, event: str, payload: dict[str, Any], **extra: str
) -> subprocess.CompletedProcess[str]:
    event_file = repo.parent / "event.json"
    event_file.write_text(json.dumps(payload), encoding="utf-8")
    env = {
        **os.environ,
        **sandbox_env(sandbox, repo.parent),
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(event_file),
        "GITHUB_REF_NAME": "main",
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_API_URL": github.url,
        "GITHUB_TOKEN": "test-token",
        "GITHUB_STEP_SUMMARY": str(repo.parent / "summary.md"),
        "GITHUB_OUTPUT": str(repo.parent / "output.txt"),
        "POSTION_INPUT_CONFIG": "postion.yml",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "postion_publish", "action"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def remote_file(repo: Path, path: str) -> Any:
    git(repo, "fetch", "--quiet", "origin", "main")
    return json.loads(git(repo, "show", f"FETCH_HEAD:{path}"))


PUSH = {"ref": "refs/heads/main", "repository": {"default_branch": "main", "full_name": "o/r"}}


def outputs(repo: Path) -> dict[str, str]:
    text = (repo.parent / "output.txt").read_text(encoding="utf-8")
    found = {}
    lines = iter(text.splitlines())
    for line in lines:
        name, delimiter = line.split("<<", 1)
        found[name] = next(lines)
        assert next(lines) == delimiter
    return found


def pull_request(repo: Path) -> dict[str, Any]:
    git(repo, "checkout", "--quiet", "-b", "new-post")
    write_post(repo, "third.md", "title: Third post, in review\ndate: 2026-03-03", "Proposed in a pull request.")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "A new post")
    return {"number": 7, "pull_request": {"number": 7, "base": {"ref": "main"}, "head": {"ref": "new-post"}}}
