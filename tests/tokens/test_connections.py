"""Connections and token health: rotated tokens written back to the repository's secrets in CI,
`postion connect`, `tokens status|refresh|remind`, `disconnect`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from action_support import PUSH, git, run_action
from conftest import sandbox_env, write_post
from github_fake import SECRETS_PAT, FakeGitHub
from postion_publish.platforms.discord.sandbox import webhook_url
from postion_publish.sandbox import Sandbox
from secret_scan import leaks

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from crash_test import posted_texts

from connect_support import blog_for, postion


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


# --- postion connect ---------------------------------------------------------------------------

BROWSER = f"{sys.executable} {Path(__file__).resolve().parent.parent / 'scripted_browser.py'} %s"


def connect_env(github: FakeGitHub, tmp_path: Path, **extra: str) -> dict[str, str]:
    """A laptop with the repository known and a token that may write its secrets."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("POSTION_", "GITHUB_"))}
    return {
        **keep,
        "BROWSER": BROWSER,
        "GITHUB_API_URL": github.url,
        "GITHUB_REPOSITORY": "o/r",
        "POSTION_GITHUB_SECRETS_TOKEN": SECRETS_PAT,
        "POSTION_CACHE_DIR": str(tmp_path / ".cache"),
        "POSTION_TOKEN_FILE": str(tmp_path / ".cache" / "tokens.json"),
        **extra,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connect_x_in_the_browser_puts_its_tokens_in_the_repository_secrets(
    sandbox: Sandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "x")
    keys = sandbox.credentials
    env = connect_env(github, tmp_path)
    done = postion(
        "connect", "x", "--client-id", keys.x_client_id, "--port", str(free_port()), "-c", str(config), env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Connected X as @postion_demo" in done.stdout and "the repository secrets of o/r" in done.stdout
    assert set(github.secrets) == {"POSTION_X_CLIENT_ID", "POSTION_X_REFRESH_TOKEN", "POSTION_X_ACCESS_TOKEN"}
    assert sandbox.store["x"]["oauth"]["generation"] == 1  # a new token family, from the code and its verifier
    assert github.secrets["POSTION_X_REFRESH_TOKEN"].startswith(keys.x_refresh_token + ".1.")
    record = json.loads((tmp_path / "blog" / ".postion" / "ledger.json").read_text())["tokens"]["x"]
    assert (record["account"], record["store"], record["method"]) == ("@postion_demo", "github", "oauth2")
    assert "offline.access" in record["scopes"]
    assert leaks(done.stdout + done.stderr, list(github.secrets.values())[1:]) == []

    # The written values work: a publish with them as its environment posts.
    write_post(tmp_path / "blog", "hello.md", "title: Hello\ndate: 2026-03-01")
    (tmp_path / "blog" / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    published = postion("publish", "-c", str(config), env={**env, **github.secrets})
    assert published.returncode == 0, published.stdout + published.stderr


def test_connect_ignores_an_answer_with_the_wrong_state_and_waits_for_the_real_one(
    sandbox: Sandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "x")
    env = connect_env(github, tmp_path, SCRIPTED_BROWSER="tamper")
    done = postion(
        "connect",
        "x",
        "--client-id",
        sandbox.credentials.x_client_id,
        "--port",
        str(free_port()),
        "-c",
        str(config),
        env=env,
    )
    # Before, the forged answer ended the flow; now it is refused (400) and the real one connects.
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(github.secrets) >= {"POSTION_X_REFRESH_TOKEN"}


def test_connect_linkedin_in_the_browser_records_its_60_days(
    sandbox: Sandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "linkedin")
    keys = sandbox.credentials
    done = postion(
        "connect",
        "linkedin",
        "--client-id",
        keys.linkedin_client_id,
        "--client-secret",
        keys.linkedin_client_secret,
        "--port",
        str(free_port()),
        "-c",
        str(config),
        "--now",
        "2026-11-29T12:00:00Z",
        env=connect_env(github, tmp_path),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert github.secrets == {"POSTION_LINKEDIN_ACCESS_TOKEN": keys.linkedin_access_token}
    record = json.loads((tmp_path / "blog" / ".postion" / "ledger.json").read_text())["tokens"]["linkedin"]
    # The sandbox's author is a Page: asked for w_organization_social alone (the sandbox, as LinkedIn,
    # refuses it beside openid profile), its name read from the organization's own endpoint.
    assert (record["account"], record["expires"]) == ("Postion Sandbox Co", "2027-01-28T12:00:00Z")
    assert keys.linkedin_client_secret not in done.stdout + done.stderr


def test_connect_threads_by_pasting_the_address_meta_sent_the_browser_to(
    sandbox: Sandbox, github: FakeGitHub, tmp_path: Path
) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "threads")
    keys = sandbox.credentials
    command = [
        sys.executable,
        "-m",
        "postion_publish",
        "connect",
        "threads",
        "--client-id",
        keys.threads_client_id,
        "--client-secret",
        keys.threads_client_secret,
        "-c",
        str(config),
        "--now",
        "2026-11-29T12:00:00Z",
    ]
    with subprocess.Popen(
        command, env=connect_env(github, tmp_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        url = next(line.strip() for line in process.stdout if line.strip().startswith("http"))
        sent_to = httpx.get(url, follow_redirects=False).headers["location"]  # https://127.0.0.1…?code…#_
        assert sent_to.startswith("https://127.0.0.1:") and sent_to.endswith("#_")
        process.stdin.write(sent_to + "\n")
        process.stdin.close()
        output = process.stdout.read()
    assert process.returncode == 0, output
    token = github.secrets["POSTION_THREADS_ACCESS_TOKEN"]
    assert token.startswith(keys.threads_access_token + ".1.")  # the long-lived one, not the 1-hour one
    record = json.loads((tmp_path / "blog" / ".postion" / "ledger.json").read_text())["tokens"]["threads"]
    assert (record["account"], record["expires"]) == ("@postion.demo", "2027-01-28T12:00:00Z")


def test_connect_bluesky_discord_and_mastodon(sandbox: Sandbox, github: FakeGitHub, tmp_path: Path) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "bluesky", "discord", "mastodon")
    env = connect_env(github, tmp_path)
    keys = sandbox.credentials
    bluesky = postion("connect", "bluesky", "-c", str(config), env=env, stdin=keys.bluesky_app_password + "\n")
    assert bluesky.returncode == 0 and "Connected Bluesky as @demo.bsky.sandbox" in bluesky.stdout
    assert "does not look like an app password" not in bluesky.stdout
    main_password = postion("connect", "bluesky", "-c", str(config), env=env, stdin="hunter2hunter2\n")
    assert main_password.returncode == 1 and "does not look like an app password" in main_password.stdout
    discord = postion("connect", "discord", "-c", str(config), env=env, stdin=webhook_url(sandbox) + "\n")
    assert discord.returncode == 0 and "Connected Discord as postion sandbox" in discord.stdout
    mastodon = postion("connect", "mastodon", "-c", str(config), env=env)  # a random port of its own
    assert mastodon.returncode == 0, mastodon.stdout + mastodon.stderr
    assert github.secrets == {
        "POSTION_BLUESKY_APP_PASSWORD": keys.bluesky_app_password,
        "POSTION_DISCORD_WEBHOOK_URL": webhook_url(sandbox),
        "POSTION_MASTODON_TOKEN": keys.mastodon_token,
    }
    for output in (bluesky, discord, mastodon):
        assert leaks(output.stdout + output.stderr, list(github.secrets.values())) == []


# --- tokens status, refresh, remind; disconnect -------------------------------------------------

NOW = "2026-11-29T12:00:00Z"


def ledger_with(folder: Path, tokens: dict[str, object]) -> None:
    (folder / ".postion").mkdir(parents=True, exist_ok=True)
    ledger = {"version": 1, "attempts": [], "tokens": tokens}
    (folder / ".postion" / "ledger.json").write_text(json.dumps(ledger), encoding="utf-8")


def one_in_each_state(folder: Path) -> None:
    ledger_with(
        folder,
        {
            "x": {"account": "@me", "connected": "2026-11-01T10:00:00Z", "expires": None, "method": "oauth2"},
            "linkedin": {"account": "A page", "connected": "2026-10-01T10:00:00Z", "expires": "2026-12-02T10:00:00Z"},
            "threads": {"account": "@me.too", "connected": "2026-09-01T10:00:00Z", "expires": "2026-11-28T10:00:00Z"},
        },
    )


def test_tokens_status_shows_each_state_as_a_table_and_as_json(sandbox: Sandbox, tmp_path: Path) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "x", "linkedin", "threads", "bluesky")
    one_in_each_state(tmp_path / "blog")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTION_")}
    table = postion("tokens", "status", "-c", str(config), "--now", NOW, env=env)
    assert table.returncode == 1  # one is expired
    rows = {line.split()[0]: line for line in table.stdout.splitlines()[1:] if not line.startswith(" ")}
    assert "🟢 Active" in rows["X"] and "@me" in rows["X"]
    assert "🟡 Expiring soon" in rows["LinkedIn"] and "2026-12-02 10:00:00 UTC" in rows["LinkedIn"]
    assert "🔴 Expired" in rows["Threads"] and "postion connect threads" in table.stdout
    assert "⚪ Not connected" in rows["Bluesky"]
    as_json = json.loads(postion("tokens", "status", "--json", "-c", str(config), "--now", NOW, env=env).stdout)
    assert as_json == {
        "connections": [
            {"platform": "x", "status": "active", "expires": None, "account": "@me"},
            {"platform": "linkedin", "status": "expiring", "expires": "2026-12-02T10:00:00Z", "account": "A page"},
            {"platform": "threads", "status": "expired", "expires": "2026-11-28T10:00:00Z", "account": "@me.too"},
            {"platform": "bluesky", "status": "unknown", "expires": None, "account": None},
        ]
    }


def test_tokens_status_check_asks_each_platform_once_without_posting(sandbox: Sandbox, tmp_path: Path) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "x", "bluesky", "mastodon", "discord", "linkedin", "threads")
    env = {**os.environ, **sandbox_env(sandbox, tmp_path)}
    checked = postion("tokens", "status", "--check", "--json", "-c", str(config), env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    accounts = {c["platform"]: (c["status"], c["account"]) for c in json.loads(checked.stdout)["connections"]}
    assert accounts == {
        "x": ("active", "@postion_demo"),
        "bluesky": ("active", "@demo.bsky.sandbox"),
        "mastodon": ("active", "@demo"),
        "discord": ("active", "postion sandbox"),
        "linkedin": ("active", "Postion Sandbox Co"),  # a Page: its name from its own endpoint
        "threads": ("active", "@postion.demo"),
    }
    assert all(not items for name, items in posted_texts(sandbox).items())
    sandbox.fail("mastodon", "auth")  # a refused token is expired, whatever the ledger says
    refused = postion(
        "tokens", "status", "--check", "-c", str(config), env={**env, "POSTION_MASTODON_TOKEN": "revoked-token"}
    )
    assert refused.returncode == 1 and "🔴 Expired" in refused.stdout and "revoked-token" not in refused.stdout


def test_tokens_refresh_rotates_what_can_be_and_says_why_not_for_the_rest(sandbox: Sandbox, tmp_path: Path) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "x", "threads", "linkedin", "discord")
    env = {**os.environ, **sandbox_env(sandbox, tmp_path)}
    done = postion("tokens", "refresh", "-c", str(config), "--now", NOW, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines()}
    assert "refreshed" in lines["X"] and "valid until 2027-01-28T12:00:00Z" in lines["Threads"]
    assert "postion connect linkedin" in lines["LinkedIn"] and "does not expire" in lines["Discord"]
    assert sandbox.store["x"]["oauth"]["generation"] == 1
    [stored] = json.loads(Path(env["POSTION_TOKEN_FILE"]).read_text())["scopes"].values()  # this blog's
    assert {"POSTION_X_REFRESH_TOKEN", "POSTION_THREADS_ACCESS_TOKEN"} <= set(stored)
    tokens = json.loads((tmp_path / "blog" / ".postion" / "ledger.json").read_text())["tokens"]
    assert tokens["threads"]["expires"] == "2027-01-28T12:00:00Z" and tokens["x"]["refreshed"] == NOW
    again = postion("tokens", "refresh", "x", "-c", str(config), "--now", NOW, env=env)  # reads the rotated one
    assert again.returncode == 0 and sandbox.store["x"]["oauth"]["generation"] == 2


def test_the_reminder_issue_opens_once_updates_and_closes(sandbox: Sandbox, github: FakeGitHub, tmp_path: Path) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "x", "linkedin", "threads")
    one_in_each_state(tmp_path / "blog")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("POSTION_", "GITHUB_"))},
        "GITHUB_API_URL": github.url,
        "GITHUB_REPOSITORY": "o/r",
        "GITHUB_TOKEN": "test-token",
    }
    first = postion("tokens", "remind", "-c", str(config), "--now", NOW, env=env)
    assert first.returncode == 0 and first.stdout.startswith("opened issue #100"), first.stdout + first.stderr
    [issue] = github.issues
    assert "LinkedIn" in issue["body"] and "Threads" in issue["body"] and "| X |" not in issue["body"]
    assert "`postion connect threads`" in issue["body"] and leaks(issue["body"], ["test-token", SECRETS_PAT]) == []
    second = postion("tokens", "remind", "-c", str(config), "--now", "2026-11-30T12:00:00Z", env=env)
    assert second.stdout.startswith("updated issue #100") and len(github.issues) == 1
    ledger_with(tmp_path / "blog", {"x": {"connected": "2026-11-01T10:00:00Z", "expires": None}})
    healthy = postion("tokens", "remind", "-c", str(config), "--now", NOW, env=env)
    assert healthy.stdout.startswith("every connection is healthy: closed issue #100")
    assert github.issues[0]["state"] == "closed" and len(github.issues) == 1


def test_disconnect_revokes_deletes_and_records(sandbox: Sandbox, tmp_path: Path) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "x")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}, **sandbox_env(sandbox, tmp_path)}
    assert postion("tokens", "refresh", "x", "-c", str(config), "--now", NOW, env=env).returncode == 0
    done = postion("disconnect", "x", "--to", "file", "-c", str(config), "--now", NOW, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "X: revoked: refresh token" in done.stdout and "POSTION_X_REFRESH_TOKEN" in done.stdout
    assert sandbox.store["x"]["oauth"]["revoked"]
    assert "POSTION_X_REFRESH_TOKEN" not in json.dumps(json.loads(Path(env["POSTION_TOKEN_FILE"]).read_text()))
    record = json.loads((tmp_path / "blog" / ".postion" / "ledger.json").read_text())["tokens"]["x"]
    assert record["disconnected"] == NOW


def test_a_scheduled_run_refreshes_writes_back_and_publishes_with_the_new_token(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    x_only(repo, sandbox)
    result = run_action(
        repo,
        sandbox,
        github,
        "schedule",
        {},
        POSTION_GITHUB_SECRETS_TOKEN=SECRETS_PAT,
        POSTION_INPUT_TOKEN_REFRESH="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sandbox.store["x"]["oauth"]["generation"] == 1  # refreshed once; the publish used the new token
    assert github.secrets["POSTION_X_REFRESH_TOKEN"].startswith(sandbox.credentials.x_refresh_token + ".1.")
    assert len(sandbox.store["x"]["tweets"]) == 1
    assert "tokens: X: refreshed" in result.stdout and "every connection is healthy" in result.stdout


def test_linkedin_refreshes_where_the_app_has_a_refresh_token(sandbox: Sandbox, tmp_path: Path) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "linkedin")
    keys = sandbox.credentials
    partner = {
        "POSTION_LINKEDIN_REFRESH_TOKEN": keys.linkedin_refresh_token,
        "POSTION_LINKEDIN_CLIENT_ID": keys.linkedin_client_id,
        "POSTION_LINKEDIN_CLIENT_SECRET": keys.linkedin_client_secret,
    }
    env = {**os.environ, **sandbox_env(sandbox, tmp_path)}
    without = postion("tokens", "refresh", "linkedin", "-c", str(config), "--now", NOW, env=env)
    assert "postion connect linkedin" in without.stdout
    done = postion("tokens", "refresh", "linkedin", "-c", str(config), "--now", NOW, env={**env, **partner})
    assert done.returncode == 0 and "refreshed (valid until 2027-01-28T12:00:00Z)" in done.stdout, done.stdout
    assert keys.linkedin_refresh_token not in done.stdout + done.stderr


def test_connect_x_with_oauth1_keys_checks_them_first(sandbox: Sandbox, github: FakeGitHub, tmp_path: Path) -> None:
    config = blog_for(sandbox, tmp_path / "blog", "x")
    keys = sandbox.credentials
    typed = "\n".join([keys.x_api_key, keys.x_api_secret, keys.x_access_token, keys.x_access_secret]) + "\n"
    done = postion("connect", "x", "--oauth1", "-c", str(config), env=connect_env(github, tmp_path), stdin=typed)
    assert done.returncode == 0 and "Connected X as @postion_demo" in done.stdout, done.stdout + done.stderr
    assert github.secrets["POSTION_X_ACCESS_SECRET"] == keys.x_access_secret
    wrong = typed.replace(keys.x_api_secret, "not-the-secret")
    refused = postion("connect", "x", "--oauth1", "-c", str(config), env=connect_env(github, tmp_path), stdin=wrong)
    assert refused.returncode == 1 and "were refused" in refused.stderr


def test_connect_finds_the_token_gh_is_logged_in_with(sandbox: Sandbox, github: FakeGitHub, tmp_path: Path) -> None:
    """No POSTION_GITHUB_SECRETS_TOKEN: `gh auth token` gives one (a fake gh on the PATH here)."""
    config = blog_for(sandbox, tmp_path / "blog", "discord")
    bin_dir = tmp_path / ".cache" / "bin"  # a credential helper, like the token file: not scanned
    bin_dir.mkdir(parents=True)
    (bin_dir / "gh").write_text(f"#!/bin/sh\necho {SECRETS_PAT}\n")
    (bin_dir / "gh").chmod(0o755)
    env = connect_env(github, tmp_path, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    del env["POSTION_GITHUB_SECRETS_TOKEN"]
    done = postion("connect", "discord", "-c", str(config), env=env, stdin=webhook_url(sandbox) + "\n")
    assert done.returncode == 0 and github.secrets == {"POSTION_DISCORD_WEBHOOK_URL": webhook_url(sandbox)}


def test_threads_sends_the_user_to_the_authorization_window_meta_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """https://threads.com/oauth/authorize (Meta's "Get Access Tokens", August 2026); nothing is
    asked of the network: the flow stops where it would open the browser."""
    import datetime as dt

    from postion_publish.core.config import PlatformSettings
    from postion_publish.platforms.threads import connect as threads_connect
    from postion_publish.tokens.connect import FlowInput, Prompter

    opened: list[str] = []

    def authorize(url: str, *args: object, **kwargs: object) -> str:
        opened.append(url)
        raise RuntimeError("stop here")

    monkeypatch.setattr(threads_connect, "authorize", authorize)
    given = FlowInput(
        platform=PlatformSettings("threads"),
        api_base="https://graph.threads.net",
        client_id="1700000000000042",
        client_secret="secret",
        port=None,
        paste=True,
        now=dt.datetime(2026, 12, 7, tzinfo=dt.UTC),
    )
    with pytest.raises(RuntimeError, match="stop here"):
        threads_connect.connect(given, Prompter(print, input, input))
    assert opened[0].startswith("https://threads.com/oauth/authorize?")
