"""Answers from servers, read up to a bound. httpx reads a whole answer into memory. A hostile
server (a Mastodon instance is anyone's) could send gigabytes within the deadline. A compressed
answer could expand a thousandfold as it is decoded. So an answer is read as a stream of decoded
bytes, and more than MAX_ANSWER of them is an error. Every platform's JSON answers are a few
kilobytes; a Mastodon instance's description is the largest, at tens of kilobytes.

The platform clients (`adapters.DeadlineClient`) read through `read_bounded`; the others (OAuth
connect, GitHub, the AI provider) are `BoundedClient`s.
"""

from __future__ import annotations

from typing import Any

import httpx

MAX_ANSWER = 8 * 1024 * 1024  # bytes, decoded


class AnswerTooLarge(httpx.ReadError):
    """More than MAX_ANSWER bytes: for the adapters, a network error after the request was sent."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(f"the answer was larger than {MAX_ANSWER // (1024 * 1024)} MB", request=request)


class _Collected:
    """The decoded bytes of one answer, up to MAX_ANSWER."""

    def __init__(self, request: httpx.Request) -> None:
        self.request = request
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_ANSWER:
            raise AnswerTooLarge(self.request)
        self.chunks.append(chunk)

    def keep_in(self, response: httpx.Response) -> None:
        response._content = b"".join(self.chunks)  # where `read` and `aread` keep what they read


async def read_bounded(response: httpx.Response) -> None:
    """Read a streamed answer as `Response.aread` does, stopping past MAX_ANSWER decoded bytes."""
    collected = _Collected(response.request)
    try:
        async for chunk in response.aiter_bytes():
            collected.add(chunk)
    finally:
        await response.aclose()
    collected.keep_in(response)


class BoundedClient(httpx.Client):
    """An httpx.Client whose answers are read up to MAX_ANSWER bytes (a streamed one is the caller's)."""

    def send(self, request: httpx.Request, *, stream: bool = False, **kwargs: Any) -> httpx.Response:
        response = super().send(request, stream=True, **kwargs)
        if stream:
            return response
        collected = _Collected(request)
        try:
            for chunk in response.iter_bytes():
                collected.add(chunk)
        finally:
            response.close()
        collected.keep_in(response)
        return response
