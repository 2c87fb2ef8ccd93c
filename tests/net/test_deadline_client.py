"""The adapters' HTTP client (`net.client.DeadlineClient`): httpx's asyncio client under
`asyncio.timeout`. A request ends for its caller at its deadline whatever the server does, and
httpx's errors reach the adapters as they were."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from postion_publish.net.client import DeadlineClient


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


def test_a_request_ends_at_its_deadline_whatever_the_server_drips(headers_never_end: str) -> None:
    # httpx's read timeout (5 s) never trips: a byte comes every 50 ms. Only the deadline ends it.
    async def ask() -> httpx.ReadTimeout:
        async with DeadlineClient(deadline=0.5, timeout=5.0, base_url=headers_never_end) as client:
            with pytest.raises(httpx.ReadTimeout) as cut:
                await client.get("/status")
            return cut.value

    started = time.monotonic()
    error = asyncio.run(ask())
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
