"""The adapters' HTTP client (`adapters.client.DeadlineClient`): httpx's blocking client, each
request in a daemon thread awaited on the event loop. A request ends for its caller at its deadline
whatever the server does, a thread still waiting keeps no one waiting, and httpx's errors reach the
adapters as they were."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from postion_publish.adapters.client import DeadlineClient


@pytest.fixture
def headers_never_end() -> Iterator[str]:
    """A server that starts an answer and drips its headers, a byte every 50 ms, until stopped."""
    listener = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def serve(connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stopping.wait(0.05):
                try:
                    connection.sendall(b"X")
                except OSError:
                    return  # the client closed it

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stopping.set()
    listener.close()


def test_a_request_ends_at_its_deadline_and_its_thread_keeps_no_one_waiting(headers_never_end: str) -> None:
    # httpx's read timeout (5 s) never trips: a byte comes every 50 ms. Only the deadline ends it.
    async def ask() -> httpx.ReadTimeout:
        async with DeadlineClient(deadline=0.5, timeout=5.0, base_url=headers_never_end) as client:
            with pytest.raises(httpx.ReadTimeout) as cut:
                await client.get("/status")
            return cut.value

    started = time.monotonic()
    error = asyncio.run(ask())  # the loop's shutdown does not wait for the thread still reading
    elapsed = time.monotonic() - started
    assert "within 0.5 s" in str(error) and error.request.url.path == "/status"
    assert elapsed < 3.0, elapsed  # 0.5 s, far below the 5 s a read timeout would take


def test_httpx_errors_reach_the_caller_as_they_were() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: the connection is refused

    async def ask() -> None:
        async with DeadlineClient(deadline=5.0, base_url=f"http://127.0.0.1:{port}") as client:
            await client.post("/x", json={"a": 1})

    with pytest.raises(httpx.ConnectError):
        asyncio.run(ask())


def test_answers_are_read_whole_and_statuses_without_their_body() -> None:
    seen: list[tuple[str, bytes, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.read(), request.headers.get("Authorization")))
        return httpx.Response(404 if request.url.path == "/gone" else 200, json={"ok": True})

    async def ask() -> tuple[object, int]:
        transport = httpx.MockTransport(handler)
        async with DeadlineClient(base_url="https://api.example", transport=transport) as client:
            answer = await client.post("/x", data={"a": "1"}, auth=httpx.BasicAuth("u", "p"))
            return answer.json(), await client.status("/gone")

    assert asyncio.run(ask()) == ({"ok": True}, 404)
    assert seen[0] == ("POST", b"a=1", "Basic dTpw") and seen[1][0] == "GET"


def test_a_run_publishing_to_every_platform_never_loads_anyio(tmp_path: Path) -> None:
    # httpx's asyncio client loads anyio's core and its asyncio backend (15 ms of a launch); the
    # blocking one in threads does not (httpcore itself imports anyio's lazy package, which is cheap).
    script = textwrap.dedent(
        """
        import sys
        from postion_publish.cli import main
        main(["demo", "--no-serve"])
        print(sorted(name for name in sys.modules if name.startswith(("anyio._core", "anyio._backends", "sniffio"))))
        """
    )
    environ = {**os.environ, "POSTION_DEMO_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=environ, check=False)
    assert done.returncode == 0, done.stderr
    *report, modules = done.stdout.strip().splitlines()
    assert modules == "[]"
    published = {line.split()[1] for line in report if line.startswith("✓ ")}
    assert published == {"X", "LinkedIn", "Threads", "Bluesky", "Mastodon", "Discord"}, done.stdout
