"""`publish --wait-live`: never announce a link before the page is served.

Deploys finish after the build: each new post's URL is polled until it answers 200, within a
bound. A post that is not live by then is not announced in this run: it stays pending. What it
waits for, and how long it has waited, is said as it goes; a host that does not resolve or a
connection refused is not a deploy still under way but a wrong address: said at once, not waited on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

import httpx

from postion_publish.net.client import USER_AGENT, DeadlineClient

REQUEST_DEADLINE = 20.0
PROGRESS_EVERY = 30.0  # seconds between two "still waiting" lines


async def _poll(
    client: DeadlineClient, url: str, deadline: float, interval: float, last: dict[str, str], timeout: float
) -> str | None:
    """None once the page answers 200; else why it never will in this run."""
    while True:
        try:
            status = await client.status(url)  # the page itself is never read
            if status == 200:
                return None
            last[url] = f"HTTP {status}"
        except httpx.ConnectError as error:  # no such host, connection refused, a certificate refused
            return f"cannot reach it: {error or type(error).__name__}"
        except httpx.HTTPError as error:  # a timeout, a dropped connection: the deploy may be switching over
            last[url] = type(error).__name__
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return f"did not answer 200 within {timeout:g} s (last: {last.get(url, 'no answer')})"
        await asyncio.sleep(min(interval, remaining))


async def _report(
    started: float, timeout: float, pending: set[str], last: dict[str, str], say: Callable[[str], None]
) -> None:
    while pending:
        await asyncio.sleep(PROGRESS_EVERY)
        waited = time.monotonic() - started
        for url in sorted(pending):
            say(f"still waiting for {url} ({waited:.0f} s of {timeout:g} s; last: {last.get(url, 'no answer')})")


async def _wait(urls: list[str], timeout: float, interval: float, say: Callable[[str], None]) -> dict[str, str | None]:
    started = time.monotonic()
    deadline = started + timeout
    headers = {"User-Agent": USER_AGENT}
    last: dict[str, str] = {}
    pending = set(urls)
    # Each request ends within REQUEST_DEADLINE whatever the server does (a URL in front matter may
    # point anywhere); the whole wait within `timeout`.
    client = DeadlineClient(deadline=REQUEST_DEADLINE, timeout=10.0, follow_redirects=True, headers=headers)

    async def one(url: str) -> str | None:
        outcome = await _poll(client, url, deadline, interval, last, timeout)
        pending.discard(url)
        waited = time.monotonic() - started
        say(f"live after {waited:.0f} s: {url}" if outcome is None else f"not live: {url}: {outcome}")
        return outcome

    pages = f"{len(urls)} page{'s' if len(urls) != 1 else ''}"
    say(f"waiting up to {timeout:g} s for {pages} to be served: {', '.join(urls)}")
    reporter = asyncio.create_task(_report(started, timeout, pending, last, say))
    try:
        async with client:
            answers = await asyncio.gather(*(one(url) for url in urls))
    finally:
        reporter.cancel()
    return dict(zip(urls, answers, strict=True))


def wait_until_live(
    urls: Iterable[str], timeout: float, interval: float = 10.0, say: Callable[[str], None] = lambda line: None
) -> dict[str, str | None]:
    """Each URL: None when it answered 200 within `timeout` seconds, else why not."""
    unique = sorted(set(urls))
    return asyncio.run(_wait(unique, timeout, interval, say)) if unique else {}
