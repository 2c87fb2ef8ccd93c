"""The HTTP client of the adapters: httpx's asyncio client, every request ending within a deadline.

httpx's own timeouts are per read, and a server dripping one byte a second never trips them. Here
each request, its answer included, runs under `asyncio.timeout(deadline)`: at the deadline it is
cancelled, its connection closed, and the adapter sees an `httpx.ReadTimeout` like any other
(a transient failure, maybe sent). Answers are read up to `limit` decoded bytes (see `answers`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from postion_publish.net.answers import MAX_ANSWER, AnswerTooLarge

USER_AGENT = "postion-publish (+https://github.com/postion/postion-publish)"  # every client's


class DeadlineClient(httpx.AsyncClient):
    """An `httpx.AsyncClient` whose every send ends within `deadline` seconds with its answer read
    whole, up to `limit` bytes. Other arguments: httpx.AsyncClient's."""

    def __init__(self, *, deadline: float = 60.0, limit: int = MAX_ANSWER, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deadline = deadline
        self.limit = limit

    async def send(self, request: httpx.Request, *, stream: bool = False, **kwargs: Any) -> httpx.Response:
        try:
            async with asyncio.timeout(self.deadline):
                response = await super().send(request, stream=True, **kwargs)
                if not stream:
                    await _read_bounded(response, self.limit)
                return response
        except TimeoutError:
            raise httpx.ReadTimeout(f"no complete answer within {self.deadline:g} s", request=request) from None

    async def status(self, url: httpx.URL | str) -> int:
        """The status a GET of `url` answers; its body is never read (it may be huge, or dripped)."""
        response = await self.send(self.build_request("GET", url), stream=True)
        await response.aclose()
        return response.status_code


async def _read_bounded(response: httpx.Response, limit: int) -> None:
    """`Response.aread`, stopping past `limit` decoded bytes."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise AnswerTooLarge(response.request, limit)
            chunks.append(chunk)
    finally:
        await response.aclose()
    response._content = b"".join(chunks)  # where `aread` keeps what it read
