"""Dates as posts give them (front matter, metadata, feeds, manifests): one aware UTC datetime.
Apart from the Post model, so that a build hook with nothing new never creates it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from postion_publish.core.errors import BadInput


def to_utc(value: Any, *, file: str, line: int | None, key: str = "date") -> dt.datetime:
    """A front-matter date as an aware UTC datetime. Bare dates are midnight UTC; naive times are UTC."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace(" ", "T", 1))
        except ValueError:
            raise BadInput(
                f"cannot read the date {value!r}; write it like 2026-01-31 or 2026-01-31T09:30:00+01:00",
                file=file,
                line=line,
                key=key,
            ) from None
    else:
        raise BadInput(f"a date is needed, not {value!r}", file=file, line=line, key=key)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def parse_time(value: Any) -> dt.datetime | None:
    """A time the state or ledger recorded (ISO 8601, `Z` or an offset; none: UTC); None if it is none."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
