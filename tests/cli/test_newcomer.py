"""Issue 27: no blog stopped by one odd file, and what a newcomer expects of the commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_runner import CliRunner, Result
from conftest import NOW, sandbox_env, write_post
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox


def invoke(folder: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [*args, "-c", str(folder / "postion.yml"), "--now", NOW], env=env)


# --- 4. one undated post ---------------------------------------------------------------------


def test_an_undated_post_or_draft_stops_nothing(live_blog: Path, sandbox: Sandbox) -> None:
    (live_blog / ".postion" / "state.json").unlink()
    write_post(live_blog, "idea.md", "title: An idea\ndraft: true")  # a draft needs no date
    write_post(live_blog, "old.md", "title: Old")  # a published post without one
    baseline = invoke(live_blog, "init", "--baseline")
    assert baseline.exit_code == 0, baseline.output
    state = json.loads((live_blog / ".postion" / "state.json").read_text())
    assert "idea" not in state["posts"] and "old" in state["posts"]  # the archive as it stands is old
    write_post(live_blog, "new.md", "title: New\ndate: 2026-03-05")
    write_post(live_blog, "later.md", "title: Later")
    plan = invoke(live_blog, "plan", "--json")
    assert plan.exit_code == 0, plan.output
    data = json.loads(plan.stdout)
    assert {job["post_id"] for job in data["jobs"]} == {"new"}
    reasons = {item["post_id"]: item["reason"] for item in data["not_planned"]}
    assert reasons["later"].startswith("no date: add `date: ") and "later.md" in reasons["later"]
    assert reasons["idea"] == "a draft"
    table = invoke(live_blog, "plan")
    assert "Not announced: Later" in table.output and "no date" in table.output
    published = invoke(live_blog, "publish", env=sandbox_env(sandbox, live_blog))
    assert published.exit_code == 0, published.output
    assert published.output.count("✓") == 3  # the dated post, on each of the three platforms


# --- 5. disconnect revokes whatever store holds the token ------------------------------------


def test_disconnect_revokes_the_token_files_value_with_client_authentication(tmp_path: Path) -> None:
    import os

    from connect_support import blog_for, postion
    from postion_publish.sandbox.exchange import Credentials
    from postion_publish.store.tokens import FileStore

    emulator = Sandbox(credentials=Credentials(x_client_secret="confidential-app-secret"))
    emulator.start(0)
    try:
        config = blog_for(emulator, tmp_path / "blog", "x", "mastodon")
        token_file = tmp_path / "tokens.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTION_", "GITHUB_"))}
        env |= {"POSTION_TOKEN_FILE": str(token_file), "POSTION_X_CLIENT_SECRET": "confidential-app-secret"}
        # `connect --to file` put the live tokens in the file; the environment has none of them.
        store = FileStore(token_file, {}, str(config.resolve()))
        keys = emulator.credentials
        store.put("POSTION_X_CLIENT_ID", keys.x_client_id)
        store.put("POSTION_X_REFRESH_TOKEN", keys.x_refresh_token)
        done = postion("disconnect", "x", "--to", "file", "-c", str(config), "--now", NOW, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "X: revoked: refresh token" in done.stdout
        assert emulator.store["x"]["oauth"]["revoked"]
        assert json.loads(token_file.read_text())["scopes"] == {}
        assert "confidential-app-secret" not in done.stdout + done.stderr
        # what the API cannot revoke is said, with where to do it
        other = postion("disconnect", "mastodon", "--to", "file", "-c", str(config), "--now", NOW, env=env)
        assert "Mastodon: revoke by hand: Preferences → Account → Authorized apps" in other.stdout
    finally:
        emulator.stop()


# --- 6. --wait-live says what it waits for, and a wrong address at once -----------------------


def test_wait_live_says_what_it_waits_for_and_fails_fast_on_a_host_that_cannot_be_reached(
    live_blog: Path, sandbox: Sandbox
) -> None:
    import socket
    import time

    with socket.socket() as probe:  # a port nothing listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = (live_blog / "postion.yml").read_text().replace("https://blog.example.com", f"http://127.0.0.1:{port}")
    (live_blog / "postion.yml").write_text(config)
    started = time.monotonic()
    result = invoke(live_blog, "publish", "--wait-live", "--wait-timeout", "600", env=sandbox_env(sandbox, live_blog))
    assert time.monotonic() - started < 30  # not the 600 s of the wait
    assert result.exit_code == 1
    assert "waiting up to 600 s for 2 pages to be served" in result.stderr
    assert f"not live: http://127.0.0.1:{port}/first/: cannot reach it" in result.stderr
    assert "✓" not in result.output


def test_wait_live_says_how_long_it_has_waited(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from postion_publish.run import live

    class NotYet(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), NotYet)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    said: list[str] = []
    monkeypatch.setattr(live, "PROGRESS_EVERY", 0.2)
    try:
        url = f"http://127.0.0.1:{site.server_address[1]}/post/"
        outcome = live.wait_until_live([url], 0.7, 0.05, said.append)
    finally:
        site.shutdown()
    assert outcome[url] is not None and "did not answer 200 within 0.7 s (last: HTTP 404)" in outcome[url]
    assert any(line.startswith(f"still waiting for {url} (") and "of 0.7 s; last: HTTP 404)" in line for line in said)


# --- 7. a placeholder site_url; the generator's own ---------------------------------------------


def test_a_placeholder_site_url_is_flagged_by_plan_and_refused_by_publish(live_blog: Path) -> None:
    config = (live_blog / "postion.yml").read_text()
    config = config.replace("  discord:", "  linkedin: {author: 'urn:li:organization:1'}\n  discord:")
    (live_blog / "postion.yml").write_text(config)
    plan = invoke(live_blog, "plan")
    assert plan.exit_code == 0
    assert plan.output.startswith("Warning: site_url https://blog.example.com in postion.yml is a placeholder")
    notices = json.loads(invoke(live_blog, "plan", "--json").stdout)["notices"]
    assert "placeholder" in notices[0]["message"]
    before = (live_blog / ".postion" / "state.json").read_bytes()
    refused = invoke(live_blog, "publish", env={"POSTION_LINKEDIN_ACCESS_TOKEN": "t"})
    assert refused.exit_code == 2, refused.output
    assert "key 'site_url': https://blog.example.com is a placeholder" in refused.output
    assert (live_blog / ".postion" / "state.json").read_bytes() == before
    assert not (live_blog / ".postion" / "ledger.json").exists()


def test_a_real_site_url_has_no_notice(live_blog: Path) -> None:
    config = (live_blog / "postion.yml").read_text().replace("blog.example.com", "blog.rosa.dev")
    (live_blog / "postion.yml").write_text(config)
    assert "notices" not in json.loads(invoke(live_blog, "plan", "--json").stdout)


def test_init_takes_site_url_from_the_generator(tmp_path: Path) -> None:
    mkdocs = tmp_path / "mkdocs"
    mkdocs.mkdir()
    (mkdocs / "mkdocs.yml").write_text("site_name: Mine\nsite_url: https://docs.rosa.dev/\ntheme: material\n")
    assert invoke(mkdocs, "init").exit_code == 0
    assert "site_url: https://docs.rosa.dev " in (mkdocs / "postion.yml").read_text()
    assert "(from mkdocs.yml)" in (mkdocs / "postion.yml").read_text()
    pelican = tmp_path / "pelican"
    pelican.mkdir()
    (pelican / "pelicanconf.py").write_text("SITEURL = ''\n")
    (pelican / "publishconf.py").write_text("from pelicanconf import *\nSITEURL = 'https://rosa.dev'\n")
    assert invoke(pelican, "init").exit_code == 0
    text = (pelican / "postion.yml").read_text()
    assert "site_url: https://rosa.dev " in text and "type: pelican" in text


def test_a_build_for_another_address_is_a_warning(tmp_path: Path) -> None:
    from postion_publish.sources.manifest import MANIFEST_FILE, VERSION

    (tmp_path / "site").mkdir()
    manifest = {
        "version": VERSION,
        "generator": "mkdocs",
        "site_url": "https://staging.rosa.dev/",
        "posts": [{"id": "a", "url": "https://staging.rosa.dev/a/", "title": "A", "date": "2026-03-01T00:00:00Z"}],
    }
    (tmp_path / "site" / MANIFEST_FILE).write_text(json.dumps(manifest))
    (tmp_path / "postion.yml").write_text(
        "site_url: https://rosa.dev\nsource: {type: mkdocs}\nplatforms: {discord: {}}\n"
    )
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    [job] = json.loads(invoke(tmp_path, "plan", "--json").stdout)["jobs"]
    assert any("a build for https://staging.rosa.dev" in warning for warning in job["warnings"]), job


# --- 8. the config is found from a subfolder ---------------------------------------------------


def test_the_config_is_found_from_a_subfolder(live_blog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = live_blog / "posts" / "drafts"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    plan = CliRunner().invoke(main, ["plan", "--now", NOW])
    assert plan.exit_code == 0, plan.output
    assert "(using ../../postion.yml)" in plan.stderr and "First post" in plan.stdout
    # init there asks first; without a terminal it writes nothing and says what to do
    init = CliRunner().invoke(main, ["init"])
    assert init.exit_code == 2 and "../../postion.yml configures this blog already" in init.output
    assert not (deep / "postion.yml").exists()
    # -c says where, as always
    assert CliRunner().invoke(main, ["init", "-c", "postion.yml"]).exit_code == 0
    assert (deep / "postion.yml").exists()


# --- 9. --dry-run checks what a real run needs --------------------------------------------------


def test_dry_run_lists_what_a_real_run_would_fail_on(live_blog: Path, sandbox: Sandbox) -> None:
    write_post(live_blog, "first.md", "title: First post\ndate: 2026-03-01\npostion: {image: cover.png, alt: A cover}")
    env = {k: v for k, v in sandbox_env(sandbox, live_blog).items() if k != "POSTION_MASTODON_TOKEN"}
    result = invoke(live_blog, "publish", "--dry-run", env=env)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    mastodon = [line for line in lines if line.startswith("· Mastodon")]
    assert len(mastodon) == 2 and all("would fail: mastodon: no credential: set" in line for line in mastodon)
    first_bluesky = next(line for line in lines if line.startswith("· Bluesky") and "First post" in line)
    assert "would fail: " in first_bluesky and "'postion.image': cover.png was not found" in first_bluesky
    second_bluesky = next(line for line in lines if line.startswith("· Bluesky") and "Second post" in line)
    assert second_bluesky.endswith("(dry run: not sent)")
    assert sandbox.store["bluesky"] == {} or not sandbox.store["bluesky"].get("records")
    assert not (live_blog / ".postion" / "ledger.json").exists()
    for value in env.values():
        if value.startswith("sand"):
            assert value not in result.output  # credentials named, never shown
    # with everything in place, a dry run passes
    write_post(live_blog, "first.md", "title: First post\ndate: 2026-03-01")
    assert invoke(live_blog, "publish", "--dry-run", env=sandbox_env(sandbox, live_blog)).exit_code == 0


# --- 10. every config error at once -------------------------------------------------------------


def test_every_config_error_is_said_at_once(live_blog: Path) -> None:
    (live_blog / "postion.yml").write_text(
        "site_url: https://rosa.dev\n"
        "templte: 'x'\n"
        "source: {type: content, path: posts}\n"
        "platforms:\n"
        "  mastodn: {}\n"
        "  bluesky: {hnadle: me.example.com}\n"
        "quota: {monthly_units: -1}\n"
    )
    result = invoke(live_blog, "plan")
    assert result.exit_code == 2
    assert "5 problems in the configuration:" in result.output
    for expected in (
        "postion.yml, line 2, key 'templte': unknown key; did you mean 'template'?",
        "postion.yml, line 5, key 'platforms.mastodn': unknown platform; did you mean 'mastodon'?",
        "postion.yml, line 6, key 'platforms.bluesky.hnadle': unknown key; did you mean 'handle'?",
        "key 'platforms.bluesky': bluesky needs 'handle'",
        "postion.yml, line 7, key 'quota.monthly_units':",
    ):
        assert expected in result.output, result.output
    assert "Traceback" not in result.output


# --- 12. the sandbox says what `connect` needs; a wrong client id ends the flow -------------------


def test_the_sandbox_prints_every_app_credential_connect_accepts() -> None:
    import subprocess
    import sys

    from postion_publish.sandbox.exchange import Credentials

    command = [sys.executable, "-m", "postion_publish", "sandbox", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Serving the sandbox"):
                break
        process.terminate()
    printed = "".join(lines)
    keys = Credentials()
    for value in (
        keys.x_client_id,
        keys.x_api_key,
        keys.x_api_secret,
        keys.x_access_token,
        keys.x_access_secret,
        keys.linkedin_client_id,
        keys.linkedin_client_secret,
        keys.threads_client_id,
        keys.threads_client_secret,
    ):
        assert value in printed, value
    assert "postion connect linkedin --to file" in printed


def test_a_wrong_client_id_ends_connect_at_once(sandbox: Sandbox, tmp_path: Path) -> None:
    import os
    import time

    from connect_support import blog_for, postion

    config = blog_for(sandbox, tmp_path / "blog", "x")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTION_", "GITHUB_"))}
    env |= {"POSTION_TOKEN_FILE": str(tmp_path / "tokens.json"), "BROWSER": "true"}
    started = time.monotonic()
    result = postion("connect", "x", "--client-id", "not-the-app", "--to", "file", "-c", str(config), env=env)
    assert time.monotonic() - started < 20
    assert result.returncode == 1, result.stdout + result.stderr
    assert "the authorization request was refused (400" in result.stderr and "check the client id" in result.stderr
    assert not (tmp_path / "tokens.json").exists()


# --- 13. small things ---------------------------------------------------------------------------


def test_tokens_status_columns_stay_aligned_with_dates(live_blog: Path) -> None:
    import unicodedata

    ledger = {
        "version": 1,
        "attempts": [],
        "tokens": {
            "bluesky": {"connected": "2026-11-01T10:00:00Z", "expires": "2026-12-30T10:00:00Z", "account": "@me"},
            "mastodon": {"connected": "2026-11-01T10:00:00Z", "expires": None, "account": "@me@example"},
        },
    }
    (live_blog / ".postion" / "ledger.json").write_text(json.dumps(ledger))
    result = invoke(live_blog, "tokens", "status")
    rows = [line for line in result.stdout.splitlines() if not line.startswith(" ")]

    def columns(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)

    header = rows[0]
    start = columns(header[: header.index("account")])
    for row in rows[1:]:
        account = row.rsplit(" ", 1)[-1]
        assert columns(row[: row.rindex(account)]) == start, rows
    assert "2026-12-30 10:00:00 UTC" in result.stdout


def test_a_credential_never_set_is_not_connected(live_blog: Path) -> None:
    result = invoke(live_blog, "publish", "--platform", "mastodon", env={"POSTION_MASTODON_TOKEN": ""})
    assert "not connected: mastodon: no credential" in result.output and "auth expired" not in result.output
    status = invoke(live_blog, "tokens", "status", "--check", env={"POSTION_MASTODON_TOKEN": ""})
    assert "Not connected" in status.output and "Expired" not in status.output


def test_the_hint_after_connect_names_the_platform(sandbox: Sandbox, tmp_path: Path) -> None:
    import os

    from connect_support import blog_for, postion

    config = blog_for(sandbox, tmp_path / "blog", "bluesky")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTION_", "GITHUB_"))}
    env["POSTION_TOKEN_FILE"] = str(tmp_path / "tokens.json")
    typed = sandbox.credentials.bluesky_app_password + "\n"
    done = postion("connect", "bluesky", "--to", "file", "-c", str(config), env=env, stdin=typed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "`postion connect bluesky --to github`" in done.stdout
    (tmp_path / "tokens.json").unlink()  # it holds the sandbox's app password: no file keeps one
