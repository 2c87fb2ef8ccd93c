"""What became of one job: kept apart from the executor so that reports need no network code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from postion_publish.core.errors import ErrorKind

if TYPE_CHECKING:  # light to import: the ledger needs `Status`, not the planner
    from postion_publish.core.plan import Job


class Status(StrEnum):
    PUBLISHED = "published"
    FAILED = "failed"
    SKIPPED = "skipped"  # with the reason in `error`
    UNKNOWN = "unknown"  # sent, or maybe sent, and no readable answer: never reported as failed
    DRY_RUN = "dry-run"


@dataclass(frozen=True)
class JobResult:
    job: Job
    status: Status
    url: str | None = None
    id: str | None = None
    error: str | None = None
    error_kind: ErrorKind | None = None
    attempts: int = 0
    attempt_id: str | None = None
