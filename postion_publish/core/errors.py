"""The one exception family. Every class is something a user can act on.

Messages never contain secrets: adapters build them from the platform's reason, never from
request headers, URLs with credentials or tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class ErrorKind(StrEnum):
    """Why a job did not publish: in results, `--json`, the ledger and the Action's outputs."""

    ERROR = "error"
    AUTH_EXPIRED = "auth_expired"
    NOT_CONNECTED = "not_connected"  # no credential was ever set: connect it, nothing expired
    RATE_LIMITED = "rate_limited"
    UNKNOWN = "unknown"  # it may have gone out: the user decides
    CONTENT_REJECTED = "content_rejected"
    DUPLICATE = "duplicate"
    TRANSIENT = "transient"
    QUOTA = "quota"
    NOT_LIVE = "not_live"  # --wait-live: the post's page is not served yet
    UNSUPPORTED = "unsupported"  # no adapter in this version
    ALREADY = "already"  # `postion post`: announced there already
    SETTLED = "settled"  # `postion retry ID --posted URL`: the user's word that it went out
    AGAIN = "again"  # `postion retry ID --again`: a deliberate re-post of an announced job
    RECONCILED = "reconciled"  # announced in the state by a run killed before it wrote the history


class PostionError(Exception):
    """Base of every error postion-publish raises on purpose."""


class BadInput(PostionError):
    """A file, key or value the user must fix. Exit status 2; nothing already written changes."""

    def __init__(
        self, message: str, *, file: Path | str | None = None, line: int | None = None, key: str | None = None
    ) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key
        self.reason = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.file or ""
        if where and self.line is not None:
            where += f", line {self.line}"
        if self.key:
            where += f"{', ' if where else ''}key '{self.key}'"
        return f"{where}: {self.reason}" if where else self.reason


class ConfigProblems(BadInput):
    """Several problems of one file, all said at once (each with its line and key), so that a
    user fixes them in one go, not one per run. Where it points (file, line, key) is the first's."""

    def __init__(self, problems: list[BadInput]) -> None:
        self.problems = problems
        first = problems[0]
        self.file, self.line, self.key, self.reason = first.file, first.line, first.key, first.reason
        listing = "\n".join(f"  {problem}" for problem in problems)
        PostionError.__init__(self, f"{len(problems)} problems in the configuration:\n{listing}")


class PlatformError(PostionError):
    """A platform refused or failed a request. `retryable` says whether trying again can help;
    `maybe_sent` whether the platform may have created the post anyway (a timeout after the
    request went out, a 5xx): then it is never re-sent before checking."""

    retryable = False
    kind = ErrorKind.ERROR

    def __init__(self, platform: str, message: str, *, maybe_sent: bool = False) -> None:
        self.platform = platform
        self.reason = message
        self.maybe_sent = maybe_sent
        super().__init__(f"{platform}: {message}")


class AuthExpired(PlatformError):
    """The credential was refused: refresh or reconnect (`postion connect PLATFORM`)."""

    kind = ErrorKind.AUTH_EXPIRED


class NotConnected(AuthExpired):
    """No credential at all for the platform: it was never connected here (not an expiry)."""

    kind = ErrorKind.NOT_CONNECTED


class RateLimited(PlatformError):
    """The platform asked us to wait `retry_after` seconds (None when it did not say)."""

    retryable = True
    kind = ErrorKind.RATE_LIMITED

    def __init__(self, platform: str, message: str, retry_after: float | None) -> None:
        self.retry_after = retry_after
        super().__init__(platform, message)


class UnknownOutcome(PlatformError):
    """A send that may or may not have posted, on a platform that cannot tell: the user decides."""

    kind = ErrorKind.UNKNOWN


class ContentRejected(PlatformError):
    """The platform refused this content (too long, bad media, policy): change the input."""

    kind = ErrorKind.CONTENT_REJECTED


class Duplicate(PlatformError):
    """The platform says this was posted already."""

    kind = ErrorKind.DUPLICATE


class Transient(PlatformError):
    """Network failure or a 5xx: trying again later may work."""

    retryable = True
    kind = ErrorKind.TRANSIENT


class QuotaExhausted(PostionError):
    """This billing cycle's units are spent."""

    kind = ErrorKind.QUOTA


class Locked(PostionError):
    """Another run holds the lock on this repository's state."""


@dataclass(frozen=True)
class PlanWarning:
    """Not an exception: something in the plan the user should see. `file`/`line` point at its cause."""

    message: str
    file: str | None = None
    line: int | None = None
