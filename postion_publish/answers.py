"""Answers from servers, read up to a bound. httpx reads a whole answer into memory. A hostile
server (a Mastodon instance is anyone's) could send gigabytes within the deadline. A compressed
answer could expand a thousandfold as it is decoded. So an answer is read as a stream of decoded
bytes, and more than MAX_ANSWER of them is an error. Every platform's JSON answers are a few
kilobytes; a Mastodon instance's description is the largest, at tens of kilobytes.

Every client reads through `read_bounded`: the platform clients (`adapters.client.DeadlineClient`)
and the others (OAuth connect, GitHub, the AI provider), which are `BoundedClient`s.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

MAX_ANSWER = 8 * 1024 * 1024  # bytes, decoded


class AnswerTooLarge(httpx.ReadError):
    """More than the bound: for the adapters, a network error after the request was sent."""

    def __init__(self, request: httpx.Request, limit: int = MAX_ANSWER) -> None:
        super().__init__(f"the answer was larger than {limit // (1024 * 1024)} MB", request=request)


def read_bounded(response: httpx.Response, *, limit: int = MAX_ANSWER, ends: float | None = None) -> None:
    """Read a streamed answer as `Response.read` does, stopping past `limit` decoded bytes, and
    past `ends` (on `time.monotonic`'s clock) at the first read that ends after it."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise AnswerTooLarge(response.request, limit)
            if ends is not None and time.monotonic() > ends:
                raise httpx.ReadTimeout("the answer took longer than its deadline", request=response.request)
            chunks.append(chunk)
    finally:
        response.close()
    response._content = b"".join(chunks)  # where `read` keeps what it read


class BoundedClient(httpx.Client):
    """An httpx.Client whose answers are read up to MAX_ANSWER bytes (a streamed one is the caller's)."""

    def send(self, request: httpx.Request, *, stream: bool = False, **kwargs: Any) -> httpx.Response:
        response = super().send(request, stream=True, **kwargs)
        if not stream:
            read_bounded(response)
        return response
