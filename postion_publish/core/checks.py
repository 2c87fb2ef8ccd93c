"""Checks of configuration values: each returns what is wrong with a value, or None."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from postion_publish.core.urls import split_url

Check = Callable[[Any], str | None]  # returns what is wrong, or None


def is_str(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be text, not {type_name(value)}"


def is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {type_name(value)}"


def is_http_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a URL, not {type_name(value)}"
    parts = split_url(value)  # None: urllib cannot read it, e.g. "https://[::1"
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an http(s) URL, not '{value}'"
    return None


def int_between(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"must be a whole number from {low} to {high}, not {value!r}"
        return None

    return check


def number_between(low: float, high: float) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            return f"must be a number of seconds from {low:g} to {high:g}, not {value!r}"
        return None

    return check


def one_of(*choices: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}; not {value!r}"

    return check


def is_date(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return None
    return f"must be a date like 2026-01-31, not {value!r}"


_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
MAX_DELAY = dt.timedelta(days=30)


def duration(value: Any) -> dt.timedelta | None:
    """`30m`, `2h`, `1h30m`, `1d`, `45s` (or a whole number of minutes) as a timedelta; None if not one."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return dt.timedelta(minutes=value)
    found = _DURATION.fullmatch(value.strip()) if isinstance(value, str) and value.strip() else None
    if found is None:
        return None
    days, hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def is_duration(value: Any) -> str | None:
    found = duration(value)
    if found is None:
        return f"must be a duration like 30m, 2h or 1d, not {value!r}"
    return None if found <= MAX_DELAY else f"must be a duration of at most 30 days, not {value!r}"


_CAP = re.compile(r"(\d+)\s*(?:/|per)\s*(\S+)")


def cap(value: Any) -> tuple[int, dt.timedelta] | None:
    """`500 per 30d`, `250/24h`: at most so many posts in any such window; None if not one."""
    found = _CAP.fullmatch(value.strip()) if isinstance(value, str) else None
    window = duration(found.group(2)) if found else None
    return (int(found.group(1)), window) if found and window else None


def is_cap(value: Any) -> str | None:
    return None if cap(value) else f"must be a cap like '500 per 30d' or '250 per 24h', not {value!r}"


def is_str_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    return "must be a list of text values"


def type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )
