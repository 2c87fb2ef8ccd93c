"""Attack corpus, secrets: platforms (and proxies) that echo the request back, credentials and
all. Every output, file, summary and comment of these runs is scanned for every credential in raw,
URL-encoded and base64 form (base64 at any offset: each base64-looking run is decoded)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from action_support import PUSH, git, pull_request, run_action
from cli_runner import CliRunner
from conftest import sandbox_env, write_post
from github_fake import FakeGitHub
from postion_publish.cli import main
from postion_publish.core.redact import Redactor
from postion_publish.sandbox import Sandbox
from secret_scan import leaks

pytestmark = pytest.mark.slow  # kills, attacks and real generators: `-m "not slow"` skips them


def credentials(sandbox: Sandbox, folder: Path) -> list[str]:
    values = [value for name, value in sandbox_env(sandbox, folder).items() if name != "POSTION_CACHE_DIR"]
    tokens = [key.split(":", 1)[1] for key in sandbox.sessions if key.startswith("bluesky:")]  # sessions
    return [*values, sandbox.credentials.discord_webhook_token, "test-token", *tokens]


def echo_everywhere(sandbox: Sandbox) -> None:
    sandbox.fail("bluesky", "echo", path_contains="createSession")  # the app password, echoed
    sandbox.fail("bluesky", "echo", path_contains="createRecord")  # the session's token, echoed
    sandbox.fail("mastodon", "echo", path_contains="statuses")
    sandbox.fail("discord", "echo", count=2)


def committed_files(folder: Path) -> str:
    return "\n".join(path.read_text(errors="replace") for path in (folder / ".postion").rglob("*") if path.is_file())


def committed_and_written(repo: Path) -> str:
    git(repo, "fetch", "--quiet", "origin", "main")
    return committed_files(repo) + git(repo, "log", "-p", "FETCH_HEAD")


def test_echoed_credentials_reach_no_output_file_summary_or_commit(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    echo_everywhere(sandbox)
    result = run_action(repo, sandbox, github, "push", PUSH)
    assert result.returncode == 1  # every platform refused: the run says so
    ledger = json.loads((repo / ".postion" / "ledger.json").read_text())
    errors = [attempt["error"] for attempt in ledger["attempts"]]
    assert all("[redacted]" in error for error in errors), errors  # the echo was there, and was cut
    log = "\n".join(line for line in result.stdout.splitlines() if not line.startswith("::add-mask::"))
    texts = {
        "log": log + result.stderr,
        "summary": (repo.parent / "summary.md").read_text(),
        "outputs": (repo.parent / "output.txt").read_text(),
        "files and commits": committed_and_written(repo),
    }
    secrets = credentials(sandbox, repo.parent)
    assert {name: leaks(text, secrets) for name, text in texts.items()} == {name: [] for name in texts}
    assert all(len(error) <= 600 for error in errors)


def test_json_output_and_history_hold_no_echoed_credential(sandbox: Sandbox, live_blog: Path) -> None:
    echo_everywhere(sandbox)
    runner = CliRunner()
    env = sandbox_env(sandbox, live_blog)
    config = ["-c", str(live_blog / "postion.yml")]
    published = runner.invoke(main, ["publish", "--json", *config], env=env)
    history = runner.invoke(main, ["history", "--json", *config], env=env)
    retried = runner.invoke(main, ["retry", *config], env=env)
    secrets = credentials(sandbox, live_blog)
    assert len(secrets) > 6  # the bluesky session of the retry is among them
    for output in (published.output, history.output, retried.output, committed_files(live_blog)):
        assert leaks(output, secrets) == []
    assert "[redacted]" in published.stdout and "Bearer [redacted]" in history.output


def test_a_pull_request_comment_holds_no_credential(repo: Path, sandbox: Sandbox, github: FakeGitHub) -> None:
    payload = pull_request(repo)
    write_post(repo, "leaky.md", "title: '{{ meta }}'\ndate: 2026-03-04")
    result = run_action(repo, sandbox, github, "pull_request", payload)
    assert result.returncode == 0, result.stderr
    comments = "\n".join(comment["body"] for comment in github.comments)
    assert comments and leaks(comments, credentials(sandbox, repo.parent)) == []


def test_the_redactor_finds_every_form() -> None:
    secret = "s3cr/et+token=="
    redactor = Redactor([secret, "https://discord.example/api/webhooks/1/abcdefghij"])
    embedded = base64.b64encode(b'{"password": "s3cr/et+token==", "x": 1}').decode()
    text = (
        f"a {secret} b {quote(secret, safe='')} c {quote_plus(secret)} d {embedded} "
        "e https%3A%2F%2Fdiscord.example%2Fapi%2Fwebhooks%2F1%2Fabcdefghij f abcdefghij "
        'g {"authorization": "Bearer sess-123"} h eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl'
    )
    scrubbed = redactor.scrub(text, limit=None)
    assert leaks(scrubbed, [secret, "abcdefghij", "sess-123"]) == [] and "eyJ" not in scrubbed
    assert scrubbed.startswith("a [redacted] b [redacted] c [redacted] d [redacted]")
    assert len(redactor.scrub("x" * 10_000)) == 600  # and bounded


def test_tokens_rotated_during_the_run_are_redacted_when_echoed(sandbox: Sandbox, tmp_path: Path) -> None:
    """X refreshes (no access token given), then X, LinkedIn and Threads echo their requests: the
    new tokens, which no environment variable holds, are redacted like the others."""
    folder = tmp_path / "blog"
    (folder / ".postion").mkdir(parents=True)
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    base = sandbox.base_url
    (folder / "postion.yml").write_text(
        "site_url: https://blog.example.com\nsource: {type: content, path: posts}\nplatforms:\n"
        f"  x: {{api_base: {base}/x}}\n  threads: {{api_base: {base}/threads}}\n"
        f"  linkedin: {{api_base: {base}/linkedin, author: '{sandbox.credentials.linkedin_author}'}}\n",
        encoding="utf-8",
    )
    write_post(folder, "one.md", "title: One\ndate: 2026-03-01")
    env = {k: v for k, v in sandbox_env(sandbox, folder).items() if k != "POSTION_X_ACCESS_TOKEN"}
    for platform, path in (("x", "/2/tweets"), ("linkedin", "/rest/posts"), ("threads", "threads_publish")):
        sandbox.fail(platform, "echo", count=4, path_contains=path)
    config = ["-c", str(folder / "postion.yml")]
    published = CliRunner().invoke(main, ["publish", "--json", *config], env=env)
    history = CliRunner().invoke(main, ["history", "--json", *config], env=env)
    [rotated] = json.loads(Path(env["POSTION_TOKEN_FILE"]).read_text())["scopes"].values()
    assert set(rotated) >= {"POSTION_X_ACCESS_TOKEN", "POSTION_X_REFRESH_TOKEN"}
    secrets = [*credentials(sandbox, folder), *(entry["value"] for entry in rotated.values())]
    assert published.exit_code == 1 and published.stdout.count("[redacted]") >= 3
    for output in (published.output, history.output, committed_files(folder)):
        assert leaks(output, secrets) == []
