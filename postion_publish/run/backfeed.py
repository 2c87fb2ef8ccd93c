"""`postion backfeed`: the replies, reposts and likes of each live copy, read where the platform
lets anyone read them (Bluesky's AppView, a Mastodon instance), into `.postion/backfeed.json` for
the site's next build. Bounded: at most `max_requests` requests a run (newest posts first), and a
copy read within the last hour is not read again unless `force`; one platform that fails keeps
what was read before and never stops the others."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postion_publish.core import registry
from postion_publish.core.config import Settings, load_settings
from postion_publish.core.dates import parse_time
from postion_publish.core.errors import PostionError
from postion_publish.core.reactions import counted
from postion_publish.store.backfeed import load_backfeed, save_backfeed
from postion_publish.store.state import PlatformStatus, load_state, utc_text

FRESH_FOR = dt.timedelta(hours=1)
REQUESTS_PER_COPY = 2  # Mastodon: the status and its context; Bluesky: one thread
CONCURRENT = 4


@dataclass(frozen=True)
class Copy:
    post: str  # the post's URL
    platform: str
    record: dict[str, Any]  # the state's record: its live id and URL


@dataclass(frozen=True)
class Outcome:
    read: int
    fresh: int  # read within the hour: left as they were
    left: int  # over this run's bound: for the next run
    problems: tuple[str, ...]


def backfeed(
    config_path: Path,
    now: dt.datetime,
    *,
    force: bool = False,
    max_requests: int = 60,
    say: Callable[[str], None] = print,
) -> Outcome:
    settings = load_settings(config_path)
    copies = _live_copies(settings)
    known = load_backfeed(settings.root)
    due, fresh = [], 0
    for copy in copies:
        read_at = parse_time(known.get(copy.post, {}).get(copy.platform, {}).get("fetched"))
        if not force and read_at is not None and now - read_at < FRESH_FOR:
            fresh += 1
        else:
            due.append(copy)
    budget = max(0, max_requests // REQUESTS_PER_COPY)
    chosen, left = due[:budget], len(due) - min(len(due), budget)
    found = asyncio.run(_read_all(settings, chosen))
    problems = []
    for copy, result in zip(chosen, found, strict=True):
        name = registry.display_name(copy.platform)
        if isinstance(result, PostionError):
            problems.append(f"{name} {copy.post}: {result}")
            continue
        entry = {"url": copy.record.get("url", ""), **result.to_json(), "fetched": utc_text(now)}
        known.setdefault(copy.post, {})[copy.platform] = entry
        said = counted(result.replies, result.reposts, result.likes) or "nothing yet"
        say(f"{name:<9} {copy.post}  {said}")
    save_backfeed(settings.root, known)
    return Outcome(len(chosen) - len(problems), fresh, left, tuple(problems))


def _live_copies(settings: Settings) -> list[Copy]:
    """The announced copies on platforms with something to read, newest first."""
    state = load_state(settings.root)
    found = []
    for entry in state.posts.values():
        for name, record in (entry.get("platforms") or {}).items():
            spec = registry.find(name)
            if spec is None or spec.backfeed is None or name not in settings.platforms:
                continue
            if (
                record.get("status") == PlatformStatus.ANNOUNCED
                and record.get("id")
                and isinstance(entry.get("url"), str)
            ):
                found.append(Copy(entry["url"], name, dict(record)))
    return sorted(found, key=lambda copy: str(copy.record.get("time") or ""), reverse=True)


async def _read_all(settings: Settings, copies: list[Copy]) -> list[Any]:
    gate = asyncio.Semaphore(CONCURRENT)

    async def one(copy: Copy) -> Any:
        reader = registry.spec(copy.platform).backfeed_reader()
        assert reader is not None
        async with gate:
            try:
                return await reader(settings.platforms[copy.platform], copy.record, settings.timeouts.request)
            except PostionError as error:
                return error

    return list(await asyncio.gather(*(one(copy) for copy in copies)))
