"""`postion doctor` (issue 31, item 5): a blog with everything in order passes; each kind of
problem is named with its fix and exits 1: an MkDocs plugin not enabled and another site_url, a
missing credential, an expired connection, a damaged state, a workflow on pull_request_target
that hands a platform no secret; `--check` asks each platform, and a refused credential fails."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import CliRunner, Result
from conftest import sandbox_config, sandbox_env, write_post
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

WORKFLOW = """\
on:
  push:
  pull_request:
jobs:
  announce:
    if: github.event_name != 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: postion-publish/postion-publish@0f1510c30fc5865921262a22c13862453d034c09 # v1
        env:
          POSTION_BLUESKY_APP_PASSWORD: ${{ secrets.POSTION_BLUESKY_APP_PASSWORD }}
          POSTION_MASTODON_TOKEN: ${{ secrets.POSTION_MASTODON_TOKEN }}
          POSTION_DISCORD_WEBHOOK_URL: ${{ secrets.POSTION_DISCORD_WEBHOOK_URL }}
"""


def healthy(folder: Path, sandbox: Sandbox) -> Path:
    folder.mkdir()
    (folder / "postion.yml").write_text(sandbox_config(sandbox), encoding="utf-8")
    write_post(folder, "hello.md", "title: Hello\ndate: 2026-03-01")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    (folder / ".github" / "workflows").mkdir(parents=True)
    (folder / ".github" / "workflows" / "blog.yml").write_text(WORKFLOW, encoding="utf-8")
    return folder


def doctor(folder: Path, sandbox: Sandbox, *args: str, env: dict[str, str] | None = None) -> Result:
    environment = env if env is not None else sandbox_env(sandbox, folder)
    return CliRunner().invoke(main, ["doctor", *args, "-c", str(folder / "postion.yml")], env=environment)


def test_a_blog_in_order_passes_and_says_what_it_checked(tmp_path: Path, sandbox: Sandbox) -> None:
    result = doctor(healthy(tmp_path / "blog", sandbox), sandbox)
    assert result.exit_code == 0, result.output
    assert "✗" not in result.output and "All set" in result.output
    for area in ("config", "generator", "records", "credentials", "workflow"):
        assert f"✓ {area}" in result.output
    checked = doctor(tmp_path / "blog", sandbox, "--check")
    assert checked.exit_code == 0 and "accepted by Bluesky" in checked.output, checked.output


def test_each_problem_is_named_with_its_fix_and_exits_1(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = healthy(tmp_path / "blog", sandbox)
    config = (folder / "postion.yml").read_text(encoding="utf-8")
    (folder / "postion.yml").write_text(config.replace("type: content, path: posts", "type: mkdocs"), encoding="utf-8")
    (folder / "mkdocs.yml").write_text("site_url: https://elsewhere.example.org/\nplugins:\n  - blog\n")
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": []}', encoding="utf-8")
    workflow = WORKFLOW.replace("  pull_request:\n", "  pull_request_target:\n")
    workflow = workflow.replace("          POSTION_MASTODON_TOKEN: ${{ secrets.POSTION_MASTODON_TOKEN }}\n", "")
    (folder / ".github" / "workflows" / "blog.yml").write_text(workflow, encoding="utf-8")
    env = sandbox_env(sandbox, folder)
    del env["POSTION_DISCORD_WEBHOOK_URL"]
    result = doctor(folder, sandbox, env=env)
    assert result.exit_code == 1
    output = result.output
    assert "✗ generator   mkdocs.yml does not enable the postion plugin" in output
    assert "fix: add `- postion` under `plugins:` in mkdocs.yml" in output
    assert "✗ records" in output and "posts" in output
    assert "✗ credentials Discord: no credential" in output and "`postion connect discord`" in output
    assert "runs on pull_request_target" in output and "does not run on pull_request" in output
    assert "Mastodon gets no credentials from secrets" in output
    assert "POSTION_MASTODON_TOKEN: ${{ secrets.POSTION_MASTODON_TOKEN }}" in output
    assert env["POSTION_BLUESKY_APP_PASSWORD"] not in output  # never a secret


def test_the_same_plugin_but_another_site_url_and_an_expired_connection(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = healthy(tmp_path / "blog", sandbox)
    config = (folder / "postion.yml").read_text(encoding="utf-8")
    (folder / "postion.yml").write_text(config.replace("type: content, path: posts", "type: mkdocs"), encoding="utf-8")
    (folder / "mkdocs.yml").write_text("site_url: https://elsewhere.example.org/\nplugins:\n  - postion\n")
    ledger = {"version": 1, "attempts": [], "tokens": {"mastodon": {"expires": "2026-01-01T00:00:00Z"}}}
    (folder / ".postion" / "ledger.json").write_text(json.dumps(ledger), encoding="utf-8")
    result = doctor(folder, sandbox)
    assert result.exit_code == 1
    assert (
        "mkdocs.yml says site_url https://elsewhere.example.org, postion.yml https://blog.example.com" in result.output
    )
    assert "✗ tokens      Mastodon: expired or refused" in result.output


def test_check_reports_a_credential_the_platform_refuses(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = healthy(tmp_path / "blog", sandbox)
    env = {**sandbox_env(sandbox, folder), "POSTION_MASTODON_TOKEN": "not-the-token"}
    result = doctor(folder, sandbox, "--check", env=env)
    assert result.exit_code == 1
    assert "✗ tokens      Mastodon: expired or refused" in result.output and "not-the-token" not in result.output
