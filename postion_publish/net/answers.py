"""Answers from servers, read up to a bound. httpx reads a whole answer into memory. A hostile
server (a Mastodon instance is anyone's) could send gigabytes within the deadline. A compressed
answer could expand a thousandfold as it is decoded. So an answer is read as a stream of decoded
bytes, and more than MAX_ANSWER of them is an error. Every platform's JSON answers are a few
kilobytes; a Mastodon instance's description is the largest, at tens of kilobytes.

Every client reads up to the bound: the platform clients (`net.client.DeadlineClient`)
and the others (OAuth connect, GitHub, the AI provider), which are `BoundedClient`s.
"""

from __future__ import annotations

import threading
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
    """An httpx.Client whose answers are read up to MAX_ANSWER bytes (a streamed one is the caller's)
    and end within `deadline` seconds, headers and body together, whatever the server does: httpx's
    timeouts are per read, and a server dripping a byte at a time never trips them. The request runs
    in a daemon thread the caller stops waiting for at the deadline; that thread stops at its next
    read (a body) or ends with the process (headers dripped forever). `deadline`: by default the
    client's timeout, as a total. Used by the clients that are not the adapters': OAuth connect and
    revoke, GitHub, the AI provider (the adapters have `net.client.DeadlineClient`). A thread, not
    an event loop of its own: a rotated token is written to GitHub from inside the run's loop."""

    def __init__(self, *, deadline: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        timeout = kwargs.get("timeout")
        self.deadline = (
            deadline if deadline is not None else float(timeout) if isinstance(timeout, int | float) else 60.0
        )

    def send(self, request: httpx.Request, *, stream: bool = False, **kwargs: Any) -> httpx.Response:
        ends = time.monotonic() + self.deadline
        outcome: list[httpx.Response | BaseException] = []

        def work() -> None:
            try:
                response = super(BoundedClient, self).send(request, stream=True, **kwargs)
                if not stream:
                    read_bounded(response, ends=ends)
                outcome.append(response)
            except BaseException as error:  # handed to the caller, raised there
                outcome.append(error)

        worker = threading.Thread(target=work, name="postion-bounded-request", daemon=True)
        worker.start()
        worker.join(self.deadline)
        if not outcome:
            raise httpx.ReadTimeout(f"no complete answer within {self.deadline:g} s", request=request)
        if isinstance(outcome[0], BaseException):
            raise outcome[0]
        return outcome[0]
