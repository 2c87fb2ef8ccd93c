"""The platforms' caps on posts (Threads: 250 per rolling 24 hours), counted from the ledger's
history, before anything is sent: the jobs within a cap go; the rest are held back, each with the
moment it becomes possible (when enough of the posts in the window have aged out of it), and are
left pending for a later run. `plan` warns about the same jobs. Posts made elsewhere are not in
the ledger: the adapter's own check (Threads' `threads_publishing_limit`) still stands behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from postion_publish.core import registry
from postion_publish.core.config import Settings
from postion_publish.core.dates import parse_time
from postion_publish.core.plan import Job
from postion_publish.core.spec import Cap
from postion_publish.store.ledger import Ledger


@dataclass(frozen=True)
class Held:
    job: Job
    reason: str  # what the cap is, how much of it is used, and from when the job is possible


def held_by_caps(
    jobs: Sequence[Job], ledger: Ledger, now: dt.datetime, settings: Settings | None = None
) -> tuple[list[Job], list[Held]]:
    """The jobs the caps let through now, in the plan's order, and those held back: the platform's
    known caps, and the one postion.yml sets (`cap: 500 per 30d`, e.g. an API plan's)."""
    kept: list[Job] = []
    held: list[Held] = []
    room: dict[tuple[str, int], int] = {}  # (platform, cap) → posts still allowed in this run
    used: dict[tuple[str, int], list[dt.datetime]] = {}  # the posts in each cap's window, oldest first
    for job in jobs:
        spec = registry.find(job.platform)
        reason = None
        for number, cap in enumerate(_caps(job.platform, settings)):
            if (job.platform, number) not in used:
                used[(job.platform, number)] = _published_within(ledger, job.platform, now - cap.window)
            times = used[(job.platform, number)]
            left = room.setdefault((job.platform, number), cap.limit - len(times))
            if left <= 0:
                # The k-th job past the cap waits for the k-th oldest post of the window to leave it.
                behind = -left
                when = times[behind] + cap.window if behind < len(times) else now + cap.window
                reason = (
                    f"held back: {spec.display if spec else job.platform} allows {cap.limit} {cap.what} and "
                    f"{len(times)} are used (this blog's history); possible from {when:%Y-%m-%d %H:%M} UTC, "
                    "it stays pending for a later run"
                )
            room[(job.platform, number)] = left - 1
        if reason is None:
            kept.append(job)
        else:
            held.append(Held(job, reason))
    return kept, held


def _caps(platform: str, settings: Settings | None) -> tuple[Cap, ...]:
    spec = registry.find(platform)
    known = spec.caps if spec is not None else ()
    given = settings.platforms[platform].cap if settings is not None and platform in settings.platforms else None
    if given is None:
        return known
    limit, window = given
    return (*known, Cap(limit, window, f"posts per {_window(window)} (your cap in postion.yml)"))


def _window(window: dt.timedelta) -> str:
    hours = window.total_seconds() / 3600
    return f"{hours / 24:g} days" if hours >= 48 else f"{hours:g} hours"


def _published_within(ledger: Ledger, platform: str, since: dt.datetime) -> list[dt.datetime]:
    """The times of the platform's posts since `since`, oldest first (a thread is one post)."""
    found = []
    for attempt in ledger.attempts:
        if attempt.platform == platform and attempt.status == "published":
            moment = parse_time(attempt.time)
            if moment is not None and moment >= since:
                found.append(moment)
    return sorted(found)
