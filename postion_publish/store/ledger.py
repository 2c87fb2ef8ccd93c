"""`.postion/ledger.json`: the history of every attempt, the quota, token expiry dates (never tokens).

The quota is derived from the history — 1 unit per successful (post, platform), a thread counting 1,
in the current billing cycle — so it cannot drift from what actually happened. The file also
carries the figures as a summary for people reading it in git.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import os
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from postion_publish.core.config import QuotaSettings
from postion_publish.core.errors import BadInput
from postion_publish.core.results import Status
from postion_publish.store.journal import ATTEMPT_EVENT, journal_path, read_events
from postion_publish.store.jsonfile import (
    COUNT,
    FLAG,
    TEXT,
    TIME,
    Expectation,
    Pieces,
    all_among,
    all_objects,
    check_fields,
    check_many,
    encoded,
    field_values,
    parse_json_object,
    read_identified,
    write_atomic,
)
from postion_publish.store.names import LEDGER_FILE as LEDGER_FILE
from postion_publish.store.state import STATE_DIR, utc_text

if TYPE_CHECKING:
    from postion_publish.store.checked import CheckedFiles

VERSION = 1
STATUSES = tuple(Status)  # "unknown": a send whose answer was lost (older ledgers: failed + kind unknown)
_STATUS_SET = frozenset(STATUSES)


def ledger_path(root: Path) -> Path:
    return root / STATE_DIR / LEDGER_FILE


def new_attempt_id() -> str:
    return os.urandom(5).hex()  # what secrets.token_hex does, without loading hmac and random for `plan`


@dataclass  # not frozen (treat it as if it were): a frozen one takes ten times as long to build, and a
class Attempt:  # ledger loads thousands
    id: str
    time: str  # UTC, ISO 8601 with Z
    post: str  # the post's URL
    post_id: str
    platform: str
    status: str
    url: str | None = None
    error: str | None = None
    error_kind: str | None = None
    attempts: int = 1
    parts: int = 0
    unreviewed: bool = False  # posted with a caption generated at publish time, never reviewed

    def to_json(self) -> dict[str, Any]:
        # Its fields as they are (text, numbers): not dataclasses.asdict, which deep-copies every
        # value, nor a loop over the fields. A ledger holds thousands of attempts.
        data = dict(self.__dict__)
        if not self.unreviewed:
            del data["unreviewed"]  # only where it says something: ledger diffs stay small
        return data

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> Attempt:
        """From a checked record. One written by a run holds only known fields, the required ones
        among them: its values are taken as they are, without the generated __init__ (a ledger
        of 10,000 attempts loads in a third of the time)."""
        if REQUIRED_FIELDS <= data.keys() <= KNOWN_ATTEMPT_FIELDS:
            attempt = object.__new__(Attempt)
            attempt.__dict__.update(ATTEMPT_DEFAULTS)
            attempt.__dict__.update(data)
            return attempt
        return Attempt(**{name: data[name] for name in ATTEMPT_FIELD_NAMES if name in data})


ATTEMPT_FIELD_NAMES = tuple(field.name for field in fields(Attempt))
KNOWN_ATTEMPT_FIELDS = frozenset(ATTEMPT_FIELD_NAMES)
ATTEMPT_DEFAULTS = {field.name: field.default for field in fields(Attempt) if field.default is not MISSING}
REQUIRED_FIELDS = KNOWN_ATTEMPT_FIELDS - ATTEMPT_DEFAULTS.keys()


@dataclass(frozen=True)
class Quota:
    used: int
    limit: int
    resets: dt.date
    cycle_start: dt.date

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)

    def to_json(self) -> dict[str, Any]:
        return {"used": self.used, "limit": self.limit, "resets": self.resets.isoformat()}


def _add_month(day: dt.date, billing_day: int) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, billing_day)


def cycle_start(today: dt.date, billing_day: int) -> dt.date:
    if today.day >= billing_day:
        return dt.date(today.year, today.month, billing_day)
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return dt.date(year, month, billing_day)


# The layout `jsonfile.encoded` gives a ledger of one attempt or more: the attempts first, each an
# object indented by four spaces, whose strings escape their line ends; then quota, tokens, version.
_ATTEMPTS_START = b'{\n  "attempts": [\n'
_ATTEMPTS_END = b"\n  ],"


class WrittenRecords:
    """The attempts of a ledger file a run wrote (see `checked.CheckedFiles.wrote`), parsed only
    when someone asks for them. A run that adds a few attempts to 10,000 needs their count in the
    quota's cycle (the file's own `quota`) and, to write the file again, their bytes as they are
    (`pieces`): parsing them and encoding them again was a fifth of what such a history added."""

    def __init__(self, raw: bytes, end: int, rest: Mapping[str, Any]) -> None:
        self.raw = raw
        self.end = end  # where the last attempt ends
        self.rest = rest  # the file's quota, tokens and version

    @classmethod
    def of(cls, raw: bytes) -> WrittenRecords | None:
        """None unless `raw` has that layout."""
        # From the end: what follows the attempts is short, and holds no array of its own.
        end = raw.rfind(_ATTEMPTS_END) if raw.startswith(_ATTEMPTS_START) else -1
        if end < 0:  # no attempts yet, or another layout
            return None
        try:
            rest = orjson.loads(b"{" + raw[end + len(_ATTEMPTS_END) :])
        except orjson.JSONDecodeError:
            return None
        return cls(raw, end, rest) if isinstance(rest, dict) and isinstance(rest.get("tokens", {}), dict) else None

    @cached_property
    def records(self) -> tuple[Mapping[str, Any], ...]:
        return tuple(orjson.loads(self.raw)["attempts"])

    def used_since(self, start: dt.date) -> int | None:
        """The published attempts from `start` on, as the file's quota counted them (None: it
        counted another cycle's)."""
        quota = self.rest.get("quota")
        if not isinstance(quota, dict) or quota.get("cycle_start") != start.isoformat():
            return None
        used = quota.get("used")
        return used if type(used) is int else None

    def pieces(self, added: tuple[Mapping[str, Any], ...], rest: Mapping[str, Any]) -> Pieces:
        """The bytes `encoded` gives the whole ledger, in pieces: these attempts (megabytes, not
        copied), then `added`, then `rest`."""
        pieces: list[bytes | memoryview] = [memoryview(self.raw)[: self.end]]
        if added:
            items = encoded({"attempts": list(added)})
            pieces += [b",\n", memoryview(items)[len(_ATTEMPTS_START) : -len(b"\n  ]\n}\n")]]
        return [*pieces, _ATTEMPTS_END, memoryview(encoded(dict(rest)))[1:]]


@dataclass(frozen=True)
class Ledger:
    """The history as the file holds it: each attempt a record of `Attempt.to_json` form, oldest
    first (new ones append, so git diffs stay small). A run reads and writes thousands of them and
    looks at a few fields: Attempt objects are made only for those who ask (`attempts`)."""

    loaded: tuple[Mapping[str, Any], ...] = ()  # the attempts, or those after `written`'s
    tokens: Mapping[str, Any] = field(default_factory=dict)
    written: WrittenRecords | None = None  # the earlier attempts, still as the file holds them

    @cached_property
    def records(self) -> tuple[Mapping[str, Any], ...]:
        """Every attempt, oldest first."""
        return (*self.written.records, *self.loaded) if self.written is not None else self.loaded

    @cached_property
    def attempts(self) -> tuple[Attempt, ...]:
        return tuple(map(Attempt.from_json, self.records))

    def appended(self, records: Iterable[Mapping[str, Any]]) -> Ledger:
        return replace(self, loaded=(*self.loaded, *records))

    def with_attempt(self, attempt: Attempt) -> Ledger:
        return self.appended((attempt.to_json(),))

    def quota(self, settings: QuotaSettings, now: dt.datetime) -> Quota:
        start = cycle_start(now.date(), settings.billing_day)
        since = utc_text(dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC))
        earlier = self.written.used_since(start) if self.written is not None else None
        counted = self.records if earlier is None else self.loaded
        used = sum(1 for record in counted if record["status"] == Status.PUBLISHED and record["time"] >= since)
        return Quota((earlier or 0) + used, settings.monthly_units, _add_month(start, settings.billing_day), start)

    def used_by_platform(self, settings: QuotaSettings, now: dt.datetime) -> dict[str, int]:
        """This cycle's units by platform key (each account of a platform on its own)."""
        start = cycle_start(now.date(), settings.billing_day)
        since = utc_text(dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC))
        used: dict[str, int] = {}
        for record in self.records:
            if record["status"] == Status.PUBLISHED and record["time"] >= since:
                used[record["platform"]] = used.get(record["platform"], 0) + 1
        return dict(sorted(used.items()))

    def newest_first(self, limit: int | None = None) -> list[Attempt]:
        ordered = list(reversed(self.attempts))
        return ordered[:limit] if limit is not None else ordered

    def find(self, attempt_id: str) -> Attempt | None:
        return next((attempt for attempt in self.attempts if attempt.id == attempt_id), None)

    def to_json(self, quota: Quota) -> dict[str, Any]:
        return {"attempts": list(self.records), **self.rest_json(quota)}

    def rest_json(self, quota: Quota) -> dict[str, Any]:
        """All but the attempts."""
        return {
            "version": VERSION,
            "quota": {**quota.to_json(), "cycle_start": quota.cycle_start.isoformat()},
            "tokens": dict(self.tokens),
        }


def load_ledger(root: Path, checked: CheckedFiles | None = None) -> Ledger:
    """The ledger; a missing one is an empty history (the first run creates it). An empty or
    corrupt file is an error, never silently replaced: the quota and history live there.
    `checked`: where the digests of files already checked are kept (see `checked`)."""
    path = ledger_path(root)
    if not path.exists():
        return with_journal(Ledger(), root)
    raw, identity = read_identified(path, what="ledger")
    if checked is not None and checked.vouches(LEDGER_FILE, raw, identity):
        written = WrittenRecords.of(raw) if checked.wrote(LEDGER_FILE) else None
        if written is not None:
            return with_journal(Ledger(tokens=written.rest.get("tokens", {}), written=written), root)
        data = parse_json_object(raw, path, what="ledger")
        return with_journal(Ledger(tuple(data["attempts"]), data.get("tokens", {})), root)
    return with_journal(parse_ledger(parse_json_object(raw, path, what="ledger"), path), root)


def with_journal(ledger: Ledger, root: Path) -> Ledger:
    """The ledger with the attempts a run still sending, or killed, recorded in the journal: each
    once, whether or not an earlier fold already wrote it (see `journal`)."""
    folder = root / STATE_DIR
    added: list[Mapping[str, Any]] = []
    known: set[str] | None = None
    for event, line in read_events(folder, ATTEMPT_EVENT):
        record = _parse_attempt(event, journal_path(folder), "attempt", line)
        known = known if known is not None else set(map(itemgetter("id"), ledger.records))
        if record["id"] not in known:
            known.add(record["id"])
            added.append(record)
    return ledger.appended(added) if added else ledger


ATTEMPT_FIELDS: dict[str, Expectation] = {
    "id": TEXT,
    "time": TIME,
    "post": TEXT,
    "post_id": TEXT,
    "platform": TEXT,
    "url": TEXT,
    "error": TEXT,
    "error_kind": TEXT,
    "attempts": COUNT,
    "parts": COUNT,
    "unreviewed": FLAG,
}
REQUIRED_ATTEMPT_FIELDS = ("id", "time", "post", "post_id", "platform")


def parse_ledger(data: Mapping[str, Any], path: Path) -> Ledger:
    """Check every value of every attempt: a damaged ledger stops the run before it sends."""
    if data.get("version") != VERSION or not isinstance(data.get("attempts"), list):
        raise BadInput(f"not a postion ledger of version {VERSION}", file=path, key="version")
    entries: list[Any] = data["attempts"]

    def keys() -> list[str]:
        return [f"attempts.{index}" for index in range(len(entries))]

    if not all_objects(entries) or not all_among(_STATUS_SET, field_values(entries, "status")):
        for key, entry in zip(keys(), entries, strict=True):
            _check_status(entry, path, key)
    check_many(entries, keys, ATTEMPT_FIELDS, file=path, required=REQUIRED_ATTEMPT_FIELDS)
    records = _in_written_form(entries)
    tokens = data.get("tokens", {})
    if not isinstance(tokens, dict):
        raise BadInput("'tokens' must be an object", file=path, key="tokens")
    return Ledger(tuple(records), tokens)


def _check_status(entry: Any, path: Path, key: str) -> None:
    if not isinstance(entry, dict) or entry.get("status") not in STATUSES:
        raise BadInput(f"each attempt needs a status, one of {', '.join(STATUSES)}", file=path, key=key)


# The fields of an attempt as `Attempt.to_json` writes them: "unreviewed" only where it is true.
_WRITTEN_FIELDS = frozenset(KNOWN_ATTEMPT_FIELDS - {"unreviewed"})


def _in_written_form(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The (checked) records with the fields a run writes, no fewer and no more: those of a ledger
    this version wrote are kept as they are (found in C, without a loop); older or hand-written
    ones are rewritten so."""
    usual = list(map(operator.eq, itertools.repeat(_WRITTEN_FIELDS), map(dict.keys, records)))
    if all(usual):
        return records
    return [record if written else _written_form(record) for record, written in zip(records, usual, strict=True)]


def _written_form(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record as a run writes it: older or hand-written ones gain their fields' defaults."""
    return Attempt.from_json(record).to_json()


def _parse_attempt(entry: Any, path: Path, key: str, line: int) -> dict[str, Any]:
    """An attempt of the journal, in written form."""
    try:
        _check_status(entry, path, key)
        check_fields(entry, ATTEMPT_FIELDS, file=path, key=key, required=REQUIRED_ATTEMPT_FIELDS)
    except BadInput as error:
        raise BadInput(error.reason, file=path, line=line, key=error.key) from None
    return _written_form(entry)


def save_ledger(root: Path, ledger: Ledger, settings: QuotaSettings, now: dt.datetime) -> None:
    write_ledger(root, ledger, ledger.quota(settings, now))


def write_ledger(root: Path, ledger: Ledger, quota: Quota) -> bytes:
    """`quota`: the ledger's, as counted already (from a history of thousands of attempts).
    Returns the bytes written."""
    raw = ledger_text(ledger, quota)
    raw = raw if isinstance(raw, bytes) else b"".join(raw)
    write_atomic(ledger_path(root), raw)
    return raw


def ledger_text(ledger: Ledger, quota: Quota) -> bytes | Pieces:
    """The ledger file's text; of a file a run wrote, in pieces: the attempts added after its own."""
    if ledger.written is None:
        return encoded(ledger.to_json(quota))
    return ledger.written.pieces(ledger.loaded, ledger.rest_json(quota))
