"""`publish --wait-live`: never announce a link before the page is served.

Deploys finish after the build: each new post's URL is polled until it answers 200, within a
bound. A post that is not live by then is not announced in this run: it stays pending.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

import httpx

from postion_publish.adapters import USER_AGENT
from postion_publish.adapters.client import DeadlineClient

REQUEST_DEADLINE = 20.0


async def _poll(client: DeadlineClient, url: str, deadline: float, interval: float) -> bool:
    while True:
        try:
            if await client.status(url) == 200:  # the page itself is never read
                return True
        except httpx.HTTPError:
            pass  # not served yet, or the deploy is switching over
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        await asyncio.sleep(min(interval, remaining))


async def _wait(urls: list[str], timeout: float, interval: float) -> set[str]:
    deadline = time.monotonic() + timeout
    headers = {"User-Agent": USER_AGENT}
    # Each request ends within REQUEST_DEADLINE whatever the server does (a URL in front matter may
    # point anywhere); the whole wait within `timeout`.
    client = DeadlineClient(deadline=REQUEST_DEADLINE, timeout=10.0, follow_redirects=True, headers=headers)
    async with client:
        answers = await asyncio.gather(*(_poll(client, url, deadline, interval) for url in urls))
    return {url for url, live in zip(urls, answers, strict=True) if live}


def wait_until_live(urls: Iterable[str], timeout: float, interval: float = 10.0) -> set[str]:
    """The URLs that answered 200 within `timeout` seconds."""
    unique = sorted(set(urls))
    return asyncio.run(_wait(unique, timeout, interval)) if unique else set()
