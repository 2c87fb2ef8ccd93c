"""What became of one job: kept apart from the executor so that reports need no network code."""

from __future__ import annotations

from dataclasses import dataclass

from postion_publish.plan import Job


@dataclass(frozen=True)
class JobResult:
    job: Job
    status: str  # published | failed | skipped | dry-run
    url: str | None = None
    id: str | None = None
    error: str | None = None
    error_kind: str | None = None
    attempts: int = 0
    attempt_id: str | None = None
