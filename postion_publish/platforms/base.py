"""The adapter protocol: one small interface every platform module implements.

An adapter publishes one job — a message or a thread, with an optional image or link card — and
returns the post's id and public URL. It maps the platform's responses onto the error family in
`postion_publish.core.errors`; it never retries by itself (the executor does, for retryable errors).

Threads are posted part by part: after each part the adapter calls `on_part`, which records it at
once, so that a run that dies half-way resumes after the last recorded part instead of posting the
first parts again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from postion_publish.core.errors import AuthExpired, ContentRejected, PlatformError, RateLimited, Transient
from postion_publish.core.media import Image as Image
from postion_publish.net.answers import AnswerTooLarge

if TYPE_CHECKING:
    from postion_publish.store.tokens import TokenStore

Clock = Callable[[], dt.datetime]


def wall_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class BuildContext:
    """What an adapter is built with, beside its settings and its HTTP client."""

    secrets: Mapping[str, str]  # the platform's credentials (one complete set of its variables)
    environ: Mapping[str, str]
    clock: Clock = wall_clock  # adapters never read the wall clock for a decision themselves
    tokens: TokenStore | None = None  # where a credential rotated during the run is handed


@dataclass(frozen=True)
class LinkCard:
    url: str
    title: str
    description: str
    thumb: Image | None = None


@dataclass(frozen=True)
class Part:
    text: str


@dataclass(frozen=True)
class PartRef:
    """A part already on the platform: enough to reply to it and to link to it."""

    id: str
    url: str
    extra: Mapping[str, str] = field(default_factory=dict)  # e.g. Bluesky's cid

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, **({"extra": dict(self.extra)} if self.extra else {})}

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> PartRef:
        return PartRef(str(data["id"]), str(data["url"]), dict(data.get("extra", {})))


@dataclass(frozen=True)
class Outgoing:
    """What to publish for one (post, platform)."""

    key: str  # stable for this (post, platform): the base of idempotency keys and record keys
    parts: tuple[Part, ...]
    created_at: dt.datetime
    link: LinkCard | None = None
    image: Image | None = None

    def part_key(self, index: int) -> str:
        return hashlib.sha256(f"{self.key}#{index}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Intent:
    """What a previous run recorded before sending part `index`, when it never recorded the result."""

    index: int
    started: dt.datetime
    data: Mapping[str, Any] = field(default_factory=dict)  # adapter-specific, e.g. the Bluesky rkey


@dataclass(frozen=True)
class AlreadyPosted:
    ref: PartRef


@dataclass(frozen=True)
class SafeToResend:
    """The platform will not post twice (idempotency key, or the record provably does not exist)."""


@dataclass(frozen=True)
class Unknowable:
    reason: str


Resolution = AlreadyPosted | SafeToResend | Unknowable


def posted_where_unknown(outgoing: Outgoing, index: int, platform: str) -> Resolution:
    """The platform confirms part `index` went out but not where (X's duplicate answer, a
    published Threads container). The last part: announced, link unknown. An earlier one: the
    rest of the thread could not reply to it, so the user finishes it."""
    if index == len(outgoing.parts) - 1:
        return AlreadyPosted(PartRef("", ""))
    return Unknowable(
        f"{platform} says part {index + 1} went out, but it cannot be found, so the rest of the thread cannot "
        "reply to it: finish the thread by hand, then `postion retry ID --posted URL`"
    )


class Journal(Protocol):
    """Where an adapter records each part: before sending (the intent) and after (the result)."""

    async def before(self, index: int, data: Mapping[str, Any]) -> None: ...

    async def after(self, index: int, ref: PartRef) -> None:
        """Part `index` is on the platform. Called again for the same index, it updates the record
        (Threads: the id at once, the permalink when it is known)."""
        ...


@dataclass(frozen=True)
class TokenInfo:
    """What a live check or a refresh learnt about a connection."""

    account: str | None = None  # as people write it: @name, a page's name
    expires: dt.datetime | None = None  # when it stops working unless refreshed; None: not known or never


class Adapter(Protocol):
    name: str

    async def publish(
        self, outgoing: Outgoing, *, done: list[PartRef], resend: Intent | None, journal: Journal
    ) -> list[PartRef]:
        """Post the parts after `done` (already posted), each replying to the one before.
        `resend`: the next part was tried before and `resolve` said it is safe to send it again
        with the same intent data. Records every part through `journal`; returns all refs."""
        ...

    async def resolve(self, outgoing: Outgoing, intent: Intent) -> Resolution:
        """After a crash or an unclear failure: did the part in `intent` go out?"""
        ...

    async def character_limit(self) -> int | None:
        """The server's own limit, where it publishes one (Mastodon); else None."""
        ...

    async def check(self) -> TokenInfo:
        """One cheap authenticated call, no post: raises AuthExpired when the credential is refused."""
        ...

    async def refresh(self) -> TokenInfo | None:
        """Refresh what can be refreshed (new values go to the token store); None where nothing can."""
        ...


def network_error(platform: str, error: httpx.HTTPError) -> PlatformError:
    """A request that got no answer. The message names the kind only: httpx's own text can carry
    the URL, and a Discord webhook URL is a secret. Only a failure to connect proves nothing
    was sent."""
    never_sent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    if isinstance(error, AnswerTooLarge):
        return Transient(platform, str(error), maybe_sent=True)
    if isinstance(error, httpx.TimeoutException):
        return Transient(platform, "the request timed out", maybe_sent=not never_sent)
    return Transient(platform, f"network error ({error.__class__.__name__})", maybe_sent=not never_sent)


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """A Retry-After header: seconds, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, (parsedate_to_datetime(value) - now).total_seconds())
    except (TypeError, ValueError):
        return None


def http_error(
    platform: str, response: httpx.Response, reason: str, *, retry_after: float | None = None
) -> PlatformError:
    """The general mapping: 401 auth, 429 rate limit, 5xx transient, other 4xx content."""
    status = response.status_code
    if status == 401:
        return AuthExpired(platform, f"the credential was refused ({reason})")
    if status == 429:
        return RateLimited(platform, f"rate limited ({reason})", retry_after)
    if status >= 500:
        return Transient(platform, f"server error {status} ({reason})", maybe_sent=True)
    return ContentRejected(platform, f"{status}: {reason}")


def json_or_empty(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
