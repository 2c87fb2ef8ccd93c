"""Attack corpus, runs: a server that stalls a run, two runs at once over a dead holder's lock,
a long Retry-After, and sends whose outcome is unknown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from cli_runner import CliRunner, Result
from conftest import sandbox_env, write_post
from postion_publish.cli import main
from postion_publish.core.errors import Locked
from postion_publish.net.answers import MAX_ANSWER, AnswerTooLarge, BoundedClient
from postion_publish.run.execute import RetryPolicy
from postion_publish.run.workspace import RunOptions, publish
from postion_publish.sandbox import Sandbox
from postion_publish.store.lock import publishing_lock
from scripted_server import Answer, ScriptedServer

pytestmark = pytest.mark.slow  # kills, attacks and real generators: `-m "not slow"` skips them

FAST = RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, max_wait=5)
STATUS = json.dumps({"id": "1", "url": "https://mastodon.example/@me/1"}).encode()


@pytest.fixture
def mastodon_blog(tmp_path: Path) -> Callable[[ScriptedServer, str], Path]:
    """A blog with one new post, announced on a Mastodon 'instance' the test scripts."""

    def make(server: ScriptedServer, timeouts: str) -> Path:
        (tmp_path / "postion.yml").write_text(
            "site_url: https://blog.example.com\nsource: {type: content, path: posts}\n"
            f"platforms:\n  mastodon: {{instance: {server.url}, max_characters: 500}}\n{timeouts}\n"
        )
        write_post(tmp_path, "hello.md", "title: Hello\ndate: 2026-03-01")
        (tmp_path / ".postion").mkdir()
        (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
        return tmp_path

    return make


@pytest.fixture
def scripted() -> Iterator[Callable[[Callable[[str, str], Answer]], ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(script: Callable[[str, str], Answer]) -> ScriptedServer:
        servers.append(ScriptedServer(script))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def run_publish(blog: Path) -> list[tuple[str, str | None]]:
    options = RunOptions(environ={"POSTION_MASTODON_TOKEN": "t0ken-value"}, policy=FAST)
    return [(r.status, r.error) for r in publish(blog / "postion.yml", options).results]


# --- 9. a server dripping one byte a second -------------------------------------------------------


def test_each_request_has_a_total_deadline(mastodon_blog: Callable[..., Path], scripted: Callable[..., ScriptedServer]):
    server = scripted(lambda method, path: Answer(body=STATUS, drip_seconds=1.0))
    blog = mastodon_blog(server, "timeouts: {request: 1.5, run: 60}")
    [(status, error)] = run_publish(blog)  # 2 tries cut at 1.5 s each, not 37 s of dripping
    assert status == "unknown" and "timed out" in (error or "")  # sent, answer cut: it may have gone out


def test_each_run_has_a_deadline_reported_as_transient(
    mastodon_blog: Callable[..., Path], scripted: Callable[..., ScriptedServer]
) -> None:
    server = scripted(lambda method, path: Answer(body=STATUS, drip_seconds=1.0))
    blog = mastodon_blog(server, "timeouts: {request: 600, run: 10}")
    [(status, error)] = run_publish(blog)
    assert status == "unknown" and "deadline (10 s, timeouts.run)" in (error or "")
    state = json.loads((blog / ".postion" / "state.json").read_text())
    assert state["posts"]["hello"]["platforms"]["mastodon"]["status"] == "pending"  # tried again next run


# --- 9b. an answer of gigabytes, or a compressed one that expands a thousandfold -----------------


def gzip_bomb(size: int) -> bytes:
    """`size` spaces, gzipped (a thousandth of the size), without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip format
    megabyte = b" " * (1024 * 1024)
    return b"".join(packer.compress(megabyte) for _ in range(size // len(megabyte))) + packer.flush()


@pytest.mark.parametrize("kind", ["huge", "bomb"])
def test_an_answer_beyond_its_bound_fails_the_job_without_being_read_whole(
    mastodon_blog: Callable[..., Path], scripted: Callable[..., ScriptedServer], kind: str
) -> None:
    """Before, httpx read any answer whole: a bomb of 400 KB became 400 MB in memory."""
    if kind == "huge":
        answer = Answer(body=b" " * (MAX_ANSWER + 1) + STATUS)
    else:
        answer = Answer(body=gzip_bomb(50 * MAX_ANSWER), headers={"Content-Encoding": "gzip"})
    server = scripted(lambda method, path: answer)
    blog = mastodon_blog(server, "timeouts: {request: 30, run: 60}")
    [(status, error)] = run_publish(blog)
    assert status == "unknown" and f"larger than {MAX_ANSWER // (1024 * 1024)} MB" in (error or ""), error


@pytest.mark.parametrize("configuration", [[], "x", {"statuses": []}, {"statuses": {"max_characters": True}}])
def test_an_instance_document_of_any_shape_leaves_the_default_limit(
    tmp_path: Path, scripted: Callable[..., ScriptedServer], configuration: object
) -> None:
    """`configuration` as a list stopped the whole run with AttributeError (a traceback)."""

    def script(method: str, path: str) -> Answer:
        if path.startswith("/api/v2/instance"):
            return Answer(body=json.dumps({"configuration": configuration}).encode())
        return Answer(body=STATUS)

    server = scripted(script)
    (tmp_path / "postion.yml").write_text(
        "site_url: https://blog.example.com\nsource: {type: content, path: posts}\n"
        f"platforms:\n  mastodon: {{instance: {server.url}}}\n"  # no max_characters: the instance is asked
    )
    write_post(tmp_path, "long.md", "title: Long\ndate: 2026-03-01", "word " * 300)  # cut to 500: worth asking
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    options = RunOptions(environ={"POSTION_MASTODON_TOKEN": "t0ken-value", "POSTION_CACHE_DIR": str(tmp_path)})
    [result] = publish(tmp_path / "postion.yml", options).results
    assert result.status == "published", result.error
    assert ("GET", "/api/v2/instance") in server.requests


def test_the_other_clients_bound_their_answers_too() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        size = int(request.url.params["size"])
        return httpx.Response(200, content=b"x" * size)

    with BoundedClient(transport=httpx.MockTransport(handler), base_url="http://127.0.0.1") as client:
        assert client.get("/", params={"size": 10}).content == b"x" * 10
        with pytest.raises(AnswerTooLarge):
            client.get("/", params={"size": MAX_ANSWER + 1})


# --- 11. Mastodon's Retry-After without X-RateLimit-Reset ----------------------------------------


def test_a_long_retry_after_is_reported_not_retried_in_two_seconds(
    mastodon_blog: Callable[..., Path], scripted: Callable[..., ScriptedServer]
) -> None:
    limited = Answer(429, b'{"error": "Too many requests"}', {"Retry-After": "3600"})
    server = scripted(lambda method, path: limited if method == "POST" else Answer(404))
    [(status, error)] = run_publish(mastodon_blog(server, ""))
    assert status == "failed" and "asks to wait until" in (error or "")
    assert [r for r in server.requests if r[0] == "POST"] == [("POST", "/api/v1/statuses")]  # sent once


# --- 10. the lock: a dead holder, and two runs that find it at once ------------------------------

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from postion_publish.store.lock import publishing_lock
    with publishing_lock(Path(sys.argv[1])):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def test_a_lock_dies_with_its_holder_and_no_pid_is_guessed(tmp_path: Path) -> None:
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "lock").write_text('{"pid": 999999, "host": "elsewhere", "since": "x"}')
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "60"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(Locked, match="another postion run holds"), publishing_lock(tmp_path):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)  # dies without releasing anything
        holder.wait()
    with publishing_lock(tmp_path):  # at once: the kernel dropped the dead holder's lock
        pass


def test_of_two_runs_that_find_a_killed_runs_lock_exactly_one_proceeds(tmp_path: Path) -> None:
    killed = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "60"], stdout=subprocess.PIPE, text=True)
    assert killed.stdout is not None and killed.stdout.readline() == "held\n"
    killed.send_signal(signal.SIGKILL)  # its lock file and its note stay behind
    killed.wait()
    assert (tmp_path / ".postion" / "lock").exists()
    # The order the pid-guessing lock lost in: both find the dead holder, the first takes over
    # and is still inside when the second looks.
    first = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path), "5"], stdout=subprocess.PIPE, text=True)
    assert first.stdout is not None and first.stdout.readline() == "held\n"
    second = subprocess.run(
        [sys.executable, "-c", HOLD, str(tmp_path), "0"], capture_output=True, text=True, check=False, timeout=30
    )
    first.wait(timeout=30)
    assert second.returncode != 0 and "another postion run holds" in second.stderr and "held" not in second.stdout


def test_two_runs_over_a_dead_holders_lock_never_post_twice(sandbox: Sandbox, live_blog: Path) -> None:
    (live_blog / ".postion" / "lock").write_text(json.dumps({"pid": 999999, "host": os.uname().nodename}))
    sandbox.latency = 0.2  # both runs are under way together
    env = {**os.environ, **sandbox_env(sandbox, live_blog)}
    command = [sys.executable, "-m", "postion_publish", "publish", "-c", str(live_blog / "postion.yml")]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    codes = [run.wait(timeout=60) for run in runs]
    assert codes.count(0) >= 1
    assert len(sandbox.store["discord"]["messages"]) == 2  # two posts, once each
    assert len(sandbox.store["mastodon"]["statuses"]) == 2 and len(sandbox.store["bluesky"]["records"]) == 2


# --- 12. an unknown outcome stays listed until the user settles it ------------------------------


def cli(sandbox: Sandbox, blog: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "-c", str(blog / "postion.yml")], env=sandbox_env(sandbox, blog))


def test_an_unknown_outcome_is_listed_by_every_command_until_settled(sandbox: Sandbox, live_blog: Path) -> None:
    sandbox.fail("discord", "500", path_contains="/webhooks/")
    cli(sandbox, live_blog, "publish", "--platform", "discord", "--post", "https://blog.example.com/first/")
    [attempt] = [a for a in json.loads(cli(sandbox, live_blog, "history", "--json").stdout) if a["status"] == "unknown"]
    for command in (["plan"], ["publish", "--platform", "discord", "--post", "https://blog.example.com/second/"]):
        output = cli(sandbox, live_blog, *command).output
        assert "Outcome unknown" in output and f"postion retry {attempt['id']} --posted LIVE_URL" in output
    retried = cli(sandbox, live_blog, "retry")
    assert retried.exit_code == 0 and "Nothing new" in retried.output and attempt["id"] in retried.output
    plan = json.loads(cli(sandbox, live_blog, "plan", "--json").stdout)
    assert plan["unsettled"][0]["attempt"] == attempt["id"]

    quota_before = json.loads(cli(sandbox, live_blog, "quota", "--json").stdout)["used"]
    live = "https://discord.com/channels/1/2/3"
    settled = cli(sandbox, live_blog, "retry", attempt["id"], "--posted", live)
    assert settled.exit_code == 0 and live in settled.output
    assert json.loads(cli(sandbox, live_blog, "quota", "--json").stdout)["used"] == quota_before + 1
    assert "Outcome unknown" not in cli(sandbox, live_blog, "plan").output
    state = json.loads((live_blog / ".postion" / "state.json").read_text())
    assert state["posts"]["first"]["platforms"]["discord"] == {
        "status": "announced",
        "url": live,
        "time": state["posts"]["first"]["platforms"]["discord"]["time"],
    }
    assert len(sandbox.store["discord"].get("messages", {})) == 1  # only the second post: none sent twice
