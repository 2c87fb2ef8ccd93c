"""Hostile input, round 3 (issue 28): shared token files, slow servers, model output, re-encoded
secrets, pull-request workflows, caption files. Each attack failed before its fix."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from conftest import NOW
from postion_publish.sandbox import Sandbox
from postion_publish.sandbox.exchange import Credentials
from postion_publish.store.tokens import FileStore
from scripted_server import Answer, ScriptedServer

pytestmark = pytest.mark.slow  # kills, attacks and real generators: `-m "not slow"` skips them

# --- 1. one token file, several blogs, concurrent writers -----------------------------------------


def test_two_blogs_sharing_the_token_file_keep_their_own_rotated_tokens(tmp_path: Path) -> None:
    from connect_support import blog_for, postion

    token_file = tmp_path / "tokens.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTION_", "GITHUB_"))}
    env["POSTION_TOKEN_FILE"] = str(token_file)
    first, second = Sandbox(), Sandbox(credentials=Credentials(x_refresh_token="another-blogs-refresh-token"))
    first.start(0)
    second.start(0)
    try:
        blogs = []
        for name, sandbox in (("a", first), ("b", second)):
            config = blog_for(sandbox, tmp_path / name, "x")
            keys = sandbox.credentials
            blogs.append(
                (
                    config,
                    {**env, "POSTION_X_CLIENT_ID": keys.x_client_id, "POSTION_X_REFRESH_TOKEN": keys.x_refresh_token},
                )
            )
        for _ in range(2):  # each rotates twice, in turn: each must find its own chain's newest token
            for config, blog_env in blogs:
                done = postion("tokens", "refresh", "x", "-c", str(config), "--now", NOW, env=blog_env)
                assert done.returncode == 0, done.stdout + done.stderr
        assert first.store["x"]["oauth"]["generation"] == 2 and not first.store["x"]["oauth"]["revoked"]
        assert second.store["x"]["oauth"]["generation"] == 2 and not second.store["x"]["oauth"]["revoked"]
    finally:
        first.stop()
        second.stop()
        token_file.unlink(missing_ok=True)  # it holds the sandboxes' tokens


def _writer(path: str, writer: int, count: int) -> None:
    store = FileStore(Path(path), {}, scope=f"blog-{writer % 2}")
    for index in range(count):
        store.put(f"POSTION_W{writer}_{index}", f"value-{writer}-{index}")


def test_four_concurrent_writers_lose_no_update(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), writer, 200)) for writer in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    data = json.loads(path.read_text())
    kept = sum(len(values) for values in data["scopes"].values())
    assert kept == 800  # 4 × 200: none lost to a writer that read the file before another wrote it


def test_values_written_before_scopes_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    origin = FileStore(path, {})._origin("POSTION_X_REFRESH_TOKEN")
    path.write_text(json.dumps({"POSTION_X_REFRESH_TOKEN": {"value": "old-rotated", "replaces": origin}}))
    store = FileStore(path, {}, scope="/blog/postion.yml")
    assert store.get("POSTION_X_REFRESH_TOKEN") == "old-rotated"
    store.put("POSTION_X_REFRESH_TOKEN", "new-rotated")
    assert store.get("POSTION_X_REFRESH_TOKEN") == "new-rotated"
    assert FileStore(path, {}, scope="/other/postion.yml").get("POSTION_X_REFRESH_TOKEN") == "old-rotated"


# --- 2. a total deadline for every client ---------------------------------------------------------

DRIP = 0.25  # seconds between two bytes: 70 bytes take 17 s, each read well within any per-read timeout


def dripping(body: bytes) -> ScriptedServer:
    return ScriptedServer(lambda method, path: Answer(body=body, drip_seconds=DRIP))


def test_the_model_github_and_connect_clients_end_by_their_total_deadline() -> None:
    import time

    import httpx
    import pytest

    from postion_publish.ai.models import HttpModel, ModelError
    from postion_publish.core.config import AISettings
    from postion_publish.net.answers import BoundedClient
    from postion_publish.net.github import GitHub
    from postion_publish.tokens.connect import api_client as _client

    body = json.dumps({"choices": [{"message": {"content": "<caption>x</caption>"}}], "padding": "." * 20}).encode()
    server = dripping(body)
    try:
        started = time.monotonic()
        model = HttpModel(AISettings("openai", "m", base_url=f"{server.url}/v1"), {}, timeout=2.0)
        with pytest.raises(ModelError, match="no answer within 2 s"):
            model.complete("system", "prompt")
        assert time.monotonic() - started < 4

        started = time.monotonic()
        github = GitHub(server.url, "owner/repo", "ghp_token")
        github.client.deadline = 2.0
        from postion_publish.net.github import GitHubError

        with pytest.raises(GitHubError, match=r"no answer \(ReadTimeout\)"):
            github._request("GET", "/repos/owner/repo")
        assert time.monotonic() - started < 4

        started = time.monotonic()
        client = _client(server.url)
        client.deadline = 2.0
        with pytest.raises(httpx.ReadTimeout):
            client.post("/oauth2/token", data={"grant_type": "refresh_token"})
        assert time.monotonic() - started < 4

        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout), BoundedClient(timeout=1.5) as bounded:
            bounded.get(server.url)  # the deadline defaults to the timeout, as a total
        assert time.monotonic() - started < 3.5
    finally:
        server.stop()


def test_a_run_with_every_platform_and_the_model_dripping_ends_within_its_deadline(tmp_path: Path) -> None:
    import time

    from cli_runner import CliRunner
    from conftest import write_post
    from postion_publish.cli import main

    server = dripping(b'{"padding": "' + b"." * 200 + b'"}')
    base = server.url
    config = f"""\
site_url: https://blog.rosa.dev
source: {{type: content, path: posts}}
timeouts: {{request: 2, run: 10}}
ai: {{provider: openai, base_url: '{base}/v1', model: m, unreviewed: generate}}
platforms:
  x: {{api_base: {base}}}
  bluesky: {{handle: me.bsky.social, service: {base}}}
  mastodon: {{instance: {base}}}
  linkedin: {{author: 'urn:li:organization:1', api_base: {base}}}
  threads: {{api_base: {base}, user_id: '1'}}
  discord: {{}}
"""
    (tmp_path / "postion.yml").write_text(config)
    write_post(tmp_path, "new.md", "title: New\ndate: 2026-11-20")
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    env = {
        "POSTION_X_API_KEY": "k",
        "POSTION_X_API_SECRET": "s",
        "POSTION_X_ACCESS_TOKEN": "t",
        "POSTION_X_ACCESS_SECRET": "s2",
        "POSTION_BLUESKY_APP_PASSWORD": "a-b-c-d",
        "POSTION_MASTODON_TOKEN": "t",
        "POSTION_LINKEDIN_ACCESS_TOKEN": "t",
        "POSTION_THREADS_ACCESS_TOKEN": "t",
        "POSTION_DISCORD_WEBHOOK_URL": f"{base}/api/webhooks/1/token",
        "POSTION_AI_API_KEY": "sk-x",
        "POSTION_TOKEN_FILE": str(tmp_path / "tokens.json"),
        "POSTION_CACHE_DIR": str(tmp_path / "cache"),
    }
    started = time.monotonic()
    try:
        result = CliRunner().invoke(main, ["publish", "-c", str(tmp_path / "postion.yml"), "--now", NOW], env=env)
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert elapsed < 16, (elapsed, result.output)  # the run's 10 s, and the model's one 2 s request before it
    assert "✓" not in result.output and "Traceback" not in result.output


# --- 3. model output is cleaned -------------------------------------------------------------------

HOSTILE_CAPTIONS = {
    "upper-case scheme": "Read it at HTTPS://evil.example/login now {URL}",
    "bare domain with a path": "Mirror: evil.example/x {URL}",
    "bare domain of a real TLD": "Also on evil.com today {URL}",
    "markdown link": "[Read more](HTTPS://evil.example/phish) {URL}",
    "javascript": "Click javascript:alert(document.cookie) {URL}",
    "zero-width split scheme": "Go ht\u200btps://evil.example/z {URL}",
    "full-width letters": "Go ｈｔｔｐｓ：／／ｅｖｉｌ．ｅｘａｍｐｌｅ／ｆ {URL}",
    "www": "See WWW.evil.example {URL}",
    "autolink": "Read <evil.example> {URL}",
    "glued to the placeholder": "Read {URL}/../../evil",
    "data uri": "Image: data:text/html;base64,PHNjcmlwdD4= {URL}",
}


def test_every_link_the_model_writes_is_removed() -> None:
    from postion_publish.ai.adapt import caption_from
    from postion_publish.core.posts import UNDATED, Post

    post = Post("p", "https://blog.rosa.dev/p/", "P", UNDATED)
    for name, text in HOSTILE_CAPTIONS.items():
        caption = caption_from(f"<caption>{text}</caption>", post, "model")
        assert "evil" not in caption.lower().replace("ｅｖｉｌ", "evil"), (name, caption)
        assert "javascript" not in caption.lower() and "data:" not in caption, (name, caption)
        assert caption.count("https://") == 1 and "https://blog.rosa.dev/p/" in caption, (name, caption)
        assert "HTTPS" not in caption and "ｈｔｔｐｓ" not in caption, (name, caption)
    kept = caption_from("<caption>Node.js 22, e.g. fast — {URL}.</caption>", post, "model")
    assert kept == "Node.js 22, e.g. fast — https://blog.rosa.dev/p/."  # words with dots are not links
    family = caption_from("<caption>Family 👨\u200d👩\u200d👧 day {URL}</caption>", post, "model")
    assert "👨\u200d👩\u200d👧" in family  # a joiner inside an emoji sequence stays


def test_unreviewed_generated_captions_reach_discord_clean(tmp_path: Path, sandbox: Sandbox) -> None:
    from ai_fake import FakeModelAPI, Reply, serving
    from ai_support import ai_block, blog, cli

    with serving(FakeModelAPI("openai")) as fake:
        folder = blog(
            tmp_path / "blog", sandbox, ai_block(fake).replace("model: test-model", "model: m, unreviewed: generate")
        )
        hostile = "<caption>\u202eEvil\x1b[31m [Read more](HTTPS://evil.example/login) evil.example/x {URL}</caption>"
        fake.replies = [Reply(hostile) for _ in range(6)]
        result = cli(folder, sandbox, "publish", "--platform", "discord")
        assert result.exit_code == 0, result.output
    [message] = sandbox.store["discord"]["messages"].values()
    text = json.dumps(message, ensure_ascii=False)
    assert "evil.example" not in text and "\u202e" not in text and "\\u001b" not in text and "\x1b" not in text
    assert "Read more" in message["content"] and "https://blog.example.com/first/" in message["content"]


# --- 4. re-encoded secrets are redacted -------------------------------------------------------------

SECRET = "sandbox-Webhook-token_1234=abcd/ef"
WEBHOOK = "https://discord.com/api/webhooks/1300000000000000001/sandbox-webhook-token-XYZ"


def reencoded(secret: str) -> dict[str, str]:
    import base64
    import textwrap

    raw = secret.encode()
    b64 = base64.b64encode(raw).decode()
    return {
        "hex": raw.hex(),
        "HEX": raw.hex().upper(),
        "upper-cased": secret.upper(),
        "reversed": secret[::-1],
        "split by a space": secret[:9] + " " + secret[9:],
        "split by a newline": secret[:9] + "\n" + secret[9:],
        "\\u-escaped": "".join(f"\\u{ord(char):04x}" for char in secret),
        "HTML entities": "".join(f"&#{ord(char)};" for char in secret),
        "HTML hex entities": "".join(f"&#x{ord(char):x};" for char in secret),
        "base64 wrapped at 7": "\n".join(textwrap.wrap(b64, 7)),
        "base64 wrapped at 76": "\r\n".join(textwrap.wrap(base64.b64encode(b"prefix " + raw).decode(), 5)),
        "base64 of UTF-16": base64.b64encode(secret.encode("utf-16")).decode(),
        "base64 of UTF-16-LE": base64.b64encode(secret.encode("utf-16-le")).decode(),
        "base32": base64.b32encode(raw).decode(),
        "quoted-printable": "".join(f"={byte:02X}" for byte in raw),
        "quoted-printable, soft breaks": "=\n".join(
            secret[i : i + 5].replace("=", "=3D") for i in range(0, len(secret), 5)
        ),
    }


def test_every_encoding_of_a_secret_is_redacted() -> None:
    from postion_publish.core.redact import Redactor
    from secret_scan import leaks

    redactor = Redactor([SECRET, WEBHOOK])
    for name, form in reencoded(SECRET).items():
        text = f"error 401: the server said [{form}] and more"
        scrubbed = redactor.scrub(text, limit=None)
        assert "[redacted]" in scrubbed, (name, scrubbed)
        assert leaks(scrubbed, [SECRET]) == [], (name, scrubbed)
        assert leaks(text, [SECRET]) != [], name  # the suite's own scan sees it too
        assert scrubbed.startswith("error 401: the server said [") and scrubbed.endswith("] and more"), name
    partly = WEBHOOK.replace("/api/", "%2Fapi%2F").replace("-webhook-", "%2Dwebhook-")
    scrubbed = redactor.scrub(f"got {partly} back", limit=None)
    assert "webhook" not in scrubbed.lower() and leaks(scrubbed, [WEBHOOK]) == [], scrubbed
    assert redactor.scrub("nothing secret here, only words", limit=None) == "nothing secret here, only words"


def test_a_re_encoded_secret_never_reaches_the_ledger(sandbox: Sandbox, tmp_path: Path) -> None:
    """A platform echoing the token hex-encoded and reversed: the ledger the Action commits holds neither."""
    from conftest import sandbox_config, write_post
    from publish_support import cli
    from secret_scan import leaks

    folder = tmp_path / "blog"
    folder.mkdir()
    (folder / "postion.yml").write_text(sandbox_config(sandbox))
    write_post(folder, "first.md", "title: First\ndate: 2026-03-01")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    token = "very-secret-mastodon-token-42"
    from postion_publish.platforms.mastodon import sandbox as mastodon_sandbox

    original = mastodon_sandbox.handle

    def echoing(sandbox_: Sandbox, request: object) -> object:
        from postion_publish.sandbox.exchange import Response

        said = f"{token.encode().hex().upper()} / {token[::-1]} / {token[:6]}\n{token[6:]}"
        return Response(401, {"error": f"The access token is invalid: {said}"})

    sandbox.handlers["mastodon"] = echoing
    try:
        result = cli(sandbox, folder, "publish", "--platform", "mastodon", env={"POSTION_MASTODON_TOKEN": token})
    finally:
        sandbox.handlers["mastodon"] = original
    assert result.exit_code == 1
    ledger = (folder / ".postion" / "ledger.json").read_text()
    assert "The access token is invalid" in ledger
    assert leaks(ledger + result.output, [token]) == [], ledger


# --- 5. the example workflows give pull requests no secret --------------------------------------


def test_the_example_workflows_give_pull_request_runs_no_platform_secret() -> None:
    import re

    import yaml

    from conftest import REPO

    for path in sorted((REPO / "examples" / "workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text())
        for name, job in workflow["jobs"].items():
            text = yaml.safe_dump(job)
            used = set(re.findall(r"secrets\.(\w+)", text))
            runs_on_pull_requests = "!= 'pull_request'" not in str(job.get("if", ""))
            if runs_on_pull_requests:
                assert used <= {"POSTION_AI_API_KEY"}, (path.name, name, used)
                for step in job["steps"]:
                    key = (step.get("env") or {}).get("POSTION_AI_API_KEY")
                    if key:  # the model's key: only when the pull request's code is this repository's
                        assert "head.repo.full_name == github.repository" in key, (path.name, name)
            elif used - {"POSTION_AI_API_KEY"}:
                assert job.get("environment") == "postion", (path.name, name)  # limited to the default branch
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("postion-publish/postion-publish@"):
                    assert re.fullmatch(r"postion-publish/postion-publish@[0-9a-f]{40}", step["uses"]), step["uses"]
        assert "pull_request_target" not in workflow.get(True, workflow.get("on", {})), path.name


def test_pull_request_target_is_refused_and_says_why(repo: Path, sandbox: Sandbox, github: object) -> None:
    from action_support import run_action

    result = run_action(repo, sandbox, github, "pull_request_target", {"pull_request": {"number": 1}})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "pull_request_target event is refused" in result.stdout + result.stderr
    assert "Use `on: pull_request`" in result.stdout + result.stderr


# --- 7. a pull request whose fork was deleted is a fork ----------------------------------------


def test_a_pull_request_whose_fork_was_deleted_is_a_fork() -> None:
    from postion_publish.action.review import is_fork

    environ = {"GITHUB_REPOSITORY": "me/blog"}
    assert is_fork({"pull_request": {"head": {"repo": None, "ref": "patch-1"}}}, environ)
    assert is_fork({"pull_request": {"head": {"ref": "patch-1"}}}, environ)
    assert is_fork({"pull_request": {"head": {"repo": {"full_name": "someone/blog"}}}}, environ)
    assert not is_fork({"pull_request": {"head": {"repo": {"full_name": "me/blog"}}}}, environ)
    assert is_fork({"pull_request": {"head": {"repo": {"full_name": "me/blog"}}}}, {})


# --- 6. a caption file cannot speak for another post --------------------------------------------


def test_a_caption_file_named_for_nothing_cannot_replace_a_posts_captions(tmp_path: Path, sandbox: Sandbox) -> None:
    from ai_support import blog, cli

    folder = blog(tmp_path / "blog", sandbox)
    assert cli(folder, sandbox, "adapt").exit_code == 0
    [own] = (folder / ".postion" / "captions").glob("*.yml")
    forged = own.read_text().replace("The first one.", "Send your password to evil.example")
    (own.parent / "zzz.yml").write_text(forged.replace("reviewed: false", "reviewed: true"))
    result = cli(folder, sandbox, "plan")
    assert result.exit_code == 2 and "zzz.yml" in result.output and own.name in result.output
    assert "evil.example" not in result.output
    (own.parent / "zzz.yml").unlink()
    assert cli(folder, sandbox, "plan").exit_code == 0


# --- 8. the connect server ----------------------------------------------------------------------


def test_the_connect_server_outlives_an_idle_connection_and_a_forged_answer() -> None:
    import socket
    import threading
    import time

    import httpx

    from postion_publish.tokens.connect import _callback_server, _serve_once, free_port

    port = free_port()
    server = _callback_server(port, "the-real-state")
    server.timeout = 1.0
    thread = threading.Thread(target=_serve_once, args=(server,), daemon=True)
    thread.start()
    idle = socket.create_connection(("127.0.0.1", port))  # connects, says nothing
    try:
        started = time.monotonic()
        base = f"http://127.0.0.1:{port}/callback"
        assert httpx.get(f"{base}?state=forged&code=evil", timeout=20).status_code == 400
        assert httpx.get(f"{base}?state=the-real-state&code=good", timeout=20).status_code == 200
        thread.join(10)
        assert server.query == {"state": "the-real-state", "code": "good"}
        assert time.monotonic() - started < 15
    finally:
        idle.close()
        server.server_close()


def test_server_text_reaches_the_terminal_without_escape_sequences(tmp_path: Path) -> None:
    import pytest

    from postion_publish.tokens.connect import ConnectFailed, Prompter, authorize

    pasted = (
        "http://127.0.0.1:1/callback?state=s&error=denied&error_description=%1B%5B2J%1B%5D0%3Bowned%07%E2%80%AEtxt.exe"
    )
    prompter = Prompter(say=lambda text: None, ask=lambda question: pasted, ask_secret=lambda question: "")
    with pytest.raises(ConnectFailed) as refused:
        authorize("http://127.0.0.1:1/authorize", "http://127.0.0.1:1/callback", "s", prompter, paste=True)
    said = str(refused.value)
    assert "authorization refused" in said and all(ord(char) >= 32 for char in said), repr(said)
    assert "\u202e" not in said


# --- 9. the reminder issue -------------------------------------------------------------------------


def test_the_reminder_issue_is_inert_and_only_ours_is_edited(tmp_path: Path, github: object) -> None:
    import re

    from github_fake import FakeGitHub
    from postion_publish.tokens.connections import ConnectionStatus, Health
    from postion_publish.tokens.health import REMINDER_MARKER, reminder_body

    note = "refresh failed: `| [x](https://evil.example) ![i](https://evil.example/i.png) @octocat |`"
    body = reminder_body([ConnectionStatus("x", Health.EXPIRED, "2026-12-01T00:00:00Z", None, note)])
    assert body is not None
    [row] = [line for line in body.splitlines() if line.startswith("| X ")]
    cells = re.split(r"(?<!\\)\|", row)[1:-1]
    assert len(cells) == 4, row  # no `|` broke out of its cell
    assert all(cell.strip().startswith("`") for cell in cells[2:]), row  # inert: code spans

    assert isinstance(github, FakeGitHub)
    github.issues.append(
        {"number": 1, "state": "open", "title": "bait", "body": REMINDER_MARKER, "user": {"login": "someone"}}
    )
    from postion_publish.net.github import GitHub

    client = GitHub(github.url, "o/r", "test-token")
    try:
        assert client.find_issue(REMINDER_MARKER) is None  # someone else's issue holding the marker
    finally:
        client.close()


# --- 10. pagination stays on the API's origin, and ends ---------------------------------------------


def test_pagination_never_leaves_the_api_and_ends() -> None:
    from postion_publish.net.github import MAX_PAGES, GitHub
    from scripted_server import Answer, ScriptedServer

    other = ScriptedServer(lambda method, path: Answer(body=b"[]"))
    looping: ScriptedServer

    def script(method: str, path: str) -> Answer:
        if "elsewhere" in path:
            return Answer(body=b"[]", headers={"Link": f'<{other.url}/steal?page=2>; rel="next"'})
        return Answer(body=b"[]", headers={"Link": f'<{looping.url}{path}>; rel="next"'})  # itself, forever

    looping = ScriptedServer(script)
    try:
        client = GitHub(looping.url, "o/r", "ghp_secret")
        assert client.comments(1) == []
        assert len(looping.requests) == MAX_PAGES  # bounded
        list(client._pages("/elsewhere"))
        assert other.requests == []  # the token never went to another host
        client.close()
    finally:
        looping.stop()
        other.stop()


# --- 12. secrets off the command line, webhooks over HTTPS, a private config folder ---------------


def test_the_token_folder_is_made_private_whatever_the_umask(tmp_path: Path) -> None:
    import stat

    old = os.umask(0o002)
    try:
        store = FileStore(tmp_path / "config" / "postion" / "tokens.json", {})
        store.put("POSTION_X_REFRESH_TOKEN", "r1")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "config" / "postion").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "config" / "postion" / "tokens.json").stat().st_mode) == 0o600


def test_connect_asks_for_the_app_secret_and_refuses_a_cleartext_webhook(sandbox: Sandbox, tmp_path: Path) -> None:
    import pytest

    from connect_support import blog_for
    from postion_publish.core.config import load_settings
    from postion_publish.core.errors import BadInput
    from postion_publish.platforms.discord.connect import connect as connect_discord
    from postion_publish.tokens.connect import Prompter
    from postion_publish.tokens.manage import connect

    asked: list[str] = []

    def ask_secret(question: str) -> str:
        asked.append(question)
        return ""  # nothing typed

    prompter = Prompter(say=lambda text: None, ask=lambda question: "", ask_secret=ask_secret)
    settings = load_settings(blog_for(sandbox, tmp_path / "blog", "linkedin"))
    environ = {"POSTION_TOKEN_FILE": str(tmp_path / "tokens.json")}
    with pytest.raises(BadInput, match="POSTION_LINKEDIN_CLIENT_SECRET"):
        connect(settings, "linkedin", environ, prompter, dt_now(), to="file", client_id="id")
    assert asked and "app secret" in asked[0]  # asked, unseen, instead of requiring it on argv

    webhook = Prompter(
        say=lambda text: None,
        ask=lambda question: "",
        ask_secret=lambda question: "http://discord.com/api/webhooks/1/token",
    )
    with pytest.raises(BadInput, match="https://"):
        connect_discord(None, webhook)  # type: ignore[arg-type]


def dt_now() -> object:
    import datetime as dt

    return dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
