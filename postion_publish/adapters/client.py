"""The HTTP client of the adapters: httpx's blocking client, each request in a thread of its own,
awaited on the run's event loop.

httpx's asyncio client loads anyio on its first request, 15 ms of the 0.18 s from launch to a run's
first request (more than asyncio itself); its blocking client loads none of it. The run stays on
one event loop (one writer of state and ledger, deadlines by cancellation): only the requests, which
wait on the network, run in threads.

Every request, its answer included, ends within `deadline` seconds for its caller, whatever the
server does: httpx's own timeouts are per read, and a server dripping one byte a second never trips
them. The caller stops waiting at the deadline. The thread, a daemon, stops reading a body at its
first read past it and closes the connection; one still waiting for headers dripped byte by byte
ends with the process (every command that sends ends its process).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from postion_publish.answers import MAX_ANSWER, read_bounded

T = TypeVar("T")


class DeadlineClient:
    """What the adapters ask of an httpx client, each request ending within `deadline` seconds and
    its answer read up to `limit` decoded bytes (see `answers`). Other arguments: httpx.Client's."""

    def __init__(
        self,
        *,
        deadline: float = 60.0,
        limit: int = MAX_ANSWER,
        transport: httpx.BaseTransport | None = None,
        **kwargs: Any,
    ) -> None:
        self._client = httpx.Client(transport=transport, **kwargs)
        self.deadline = deadline
        self.limit = limit

    @property
    def base_url(self) -> httpx.URL:
        return self._client.base_url

    async def request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Response:
        """The answer, read whole. `kwargs`: httpx.Client.request's (headers, params, json, data,
        content, files, auth)."""
        auth = kwargs.pop("auth", httpx.USE_CLIENT_DEFAULT)
        request = self._client.build_request(method, url, **kwargs)
        ends = time.monotonic() + self.deadline

        def send() -> httpx.Response:
            response = self._client.send(request, auth=auth, stream=True)
            read_bounded(response, limit=self.limit, ends=ends)
            return response

        return await self._within_deadline(request, send)

    async def get(self, url: httpx.URL | str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: httpx.URL | str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def status(self, url: httpx.URL | str) -> int:
        """The status a GET of `url` answers; its body is never read (it may be huge, or dripped)."""
        request = self._client.build_request("GET", url)

        def status_of() -> int:
            answer = self._client.send(request, stream=True)
            answer.close()
            return answer.status_code

        return await self._within_deadline(request, status_of)

    async def _within_deadline(self, request: httpx.Request, send: Callable[[], T]) -> T:
        try:
            async with asyncio.timeout(self.deadline):
                return await in_thread(send)
        except TimeoutError:
            # A timeout like any other: the adapters map it to a transient, maybe-sent failure.
            raise httpx.ReadTimeout(f"no complete answer within {self.deadline:g} s", request=request) from None

    async def aclose(self) -> None:
        self._client.close()

    async def __aenter__(self) -> DeadlineClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def in_thread(work: Callable[[], T]) -> T:
    """`work()` run in a daemon thread of its own, awaited. Unlike `asyncio.to_thread`, a thread
    still waiting on a server when its caller has stopped waiting keeps no one waiting: neither
    the event loop's shutdown (which joins the default executor) nor the process's exit."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[T] = loop.create_future()

    def hand_over(settle: Callable[[Any], None], value: Any) -> None:
        def settled() -> None:
            if not outcome.done():  # else its caller stopped waiting: what came too late is let go
                settle(value)

        with contextlib.suppress(RuntimeError):  # the loop has closed: the run is over, no one waits
            loop.call_soon_threadsafe(settled)

    def run() -> None:
        try:
            result = work()
        except BaseException as error:  # handed to the caller, raised there
            hand_over(outcome.set_exception, error)
        else:
            hand_over(outcome.set_result, result)

    threading.Thread(target=run, name="postion-request", daemon=True).start()
    return await outcome
