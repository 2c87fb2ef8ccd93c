"""`postion try-action` (issue 31, item 7): the Action's logic for a pull request and a push, run
from a checkout against a sandbox, never touching the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import sandbox_config, write_post
from postion_publish.sandbox import Sandbox

pytestmark = pytest.mark.slow  # git and a subprocess per event


def git(folder: Path, *args: str) -> str:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    return subprocess.run(["git", *identity, *args], cwd=folder, capture_output=True, text=True, check=True).stdout


def try_action(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "postion_publish", "try-action", *args]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)


def test_a_pull_request_previews_the_new_post_and_a_push_announces_it(tmp_path: Path, sandbox: Sandbox) -> None:
    blog = tmp_path / "blog"
    blog.mkdir()
    git(blog, "init", "--quiet", "-b", "main")
    # Pointed at another sandbox on purpose: try-action points it at its own.
    (blog / "postion.yml").write_text(sandbox_config(sandbox), encoding="utf-8")
    write_post(blog, "old.md", "title: An old post\ndate: 2026-01-01")
    (blog / ".postion").mkdir()
    state = '{"version": 1, "posts": {"old": {"url": "https://blog.example.com/old/", "baseline": "2026-01-02"}}}'
    (blog / ".postion" / "state.json").write_text(state, encoding="utf-8")
    git(blog, "add", "--all")
    git(blog, "commit", "--quiet", "-m", "The blog")
    write_post(blog, "new.md", "title: A new post\ndate: 2026-03-01")  # not committed: the pull request

    preview = try_action(blog, "pull_request")
    assert preview.returncode == 0, preview.stdout + preview.stderr
    summary = preview.stdout.split("--- its summary ($GITHUB_STEP_SUMMARY) ---")[1]
    assert "A new post" in summary and "An old post" not in summary
    assert "\n::add-mask::" not in preview.stdout and "your repository is not touched" in preview.stdout

    push = try_action(blog, "push")
    assert push.returncode == 0, push.stdout + push.stderr
    printed = push.stdout.split("--- its summary")[0]
    assert printed.count("✓") == 3 and "A new post" in printed  # bluesky, mastodon, discord
    assert "It committed back:" in push.stdout
    assert not any(value for name, value in sandbox.store.items() if name != "next_id")  # its own sandbox: nothing
    assert git(blog, "status", "--porcelain") == "?? posts/new.md\n"  # the checkout as it was
    assert "A new post" not in (blog / ".postion" / "state.json").read_text(encoding="utf-8")


def test_accounts_go_to_the_sandbox_and_no_credential_of_this_machine_is_used(tmp_path: Path, sandbox: Sandbox) -> None:
    blog = tmp_path / "blog"
    blog.mkdir()
    git(blog, "init", "--quiet", "-b", "main")
    (blog / "postion.yml").write_text(
        "site_url: https://blog.example.com\nsource: {type: content, path: posts}\nplatforms:\n"
        "  mastodon:\n    accounts:\n      project: {instance: 'https://fosstodon.org'}\n"
        "      personal: {instance: 'https://hachyderm.io'}\n",
        encoding="utf-8",
    )
    (blog / ".postion").mkdir()
    (blog / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    write_post(blog, "new.md", "title: A new post\ndate: 2026-03-01")
    git(blog, "add", "--all")
    git(blog, "commit", "--quiet", "-m", "The blog")
    mine = {"POSTION_MASTODON_TOKEN_PROJECT": "my-real-token", "POSTION_GITHUB_SECRETS_TOKEN": "my-pat"}
    command = [sys.executable, "-m", "postion_publish", "try-action", "push"]
    done = subprocess.run(command, cwd=blog, capture_output=True, text=True, timeout=120, env={**os.environ, **mine})
    assert done.returncode == 0, done.stdout + done.stderr
    printed = done.stdout.split("--- its summary")[0]
    assert "✓ Mastodon (project)" in printed and "✓ Mastodon (personal)" in printed
    assert "my-real-token" not in done.stdout + done.stderr and "fosstodon.org" not in printed
