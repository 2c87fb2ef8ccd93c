"""Runs jobs through the adapters: concurrency, retries, intents, results → state and ledger.

Exactly once, in three rules:
1. Before a part is sent, its intent is on disk (a line of the run's journal, folded into the state
   at the end); after, its result. A crash leaves one or the other.
2. A rerun never re-sends what a result records, and never re-sends an open intent blindly: the
   adapter resolves it (Mastodon's Idempotency-Key, Bluesky's chosen rkey) or the job is marked
   `unknown` for the user to decide (Discord).
3. Only retryable errors (rate limits, transient failures) are retried, a bounded number of times,
   with backoff and jitter, honouring the platform's wait. Errors that may have posted are
   resolved first, as after a crash.
Platforms run concurrently, each in its own task, so one platform's slowness never blocks another;
the parts of a thread run in order.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from postion_publish.core import registry as platforms
from postion_publish.core.errors import (
    BadInput,
    ContentRejected,
    ErrorKind,
    PlatformError,
    RateLimited,
    Transient,
    UnknownOutcome,
)
from postion_publish.core.plan import Job, refit
from postion_publish.core.redact import Redactor
from postion_publish.core.results import JobResult, Status
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import (
    Adapter,
    AlreadyPosted,
    Intent,
    Outgoing,
    PartRef,
    SafeToResend,
)
from postion_publish.platforms.build import build_adapter
from postion_publish.run.outgoing import outgoing_for
from postion_publish.run.recorder import JobJournal, Recorder, recorded_intent
from postion_publish.store.journal import crash_point
from postion_publish.store.state import PlatformStatus, utc_text
from postion_publish.store.tokens import RedactingStore, TokenStore

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 2.0
    max_delay: float = 60.0
    max_wait: float = 300.0  # a platform asking for a longer wait: report when to try, don't sleep

    def delay(self, attempt: int, error: PlatformError) -> float:
        if isinstance(error, RateLimited) and error.retry_after is not None:
            return float(error.retry_after) + random.uniform(0, 0.5)
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return backoff / 2 + random.uniform(0, backoff / 2)  # "equal jitter"


def _fits_every_server(job: Job) -> bool:
    """A caption that fits the platform's default limit whole: a server's higher limit changes
    nothing (servers with a lower limit than the platform's default are not known)."""
    return job.whole and not any(message.problem for message in job.messages)


@dataclass
class Executor:
    recorder: Recorder
    environ: Mapping[str, str]
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    on_result: Callable[[JobResult], None] = lambda result: None
    tokens: TokenStore | None = None  # where credentials rotated during the run are handed
    on_secret: Callable[[str], None] = lambda value: None
    redactor: Redactor = field(init=False)
    deadline: float = field(init=False, default=0.0)  # on the event loop's clock: when sending stops

    def __post_init__(self) -> None:
        self.redactor = Redactor.from_environment(self.environ)
        if self.tokens is not None:
            self.tokens = RedactingStore(self.tokens, self.redactor, self.on_secret)

    def _quota_left(self) -> bool:
        quota = self.recorder.quota()
        return quota.used + self.recorder.reserved_units < quota.limit

    async def run(self, jobs: Sequence[Job]) -> list[JobResult]:
        self.deadline = asyncio.get_running_loop().time() + self.recorder.settings.timeouts.run
        by_platform: dict[str, list[Job]] = {}
        for job in jobs:
            by_platform.setdefault(job.platform, []).append(job)
        groups = await asyncio.gather(*(self._run_platform(name, group) for name, group in by_platform.items()))
        # In plan order, by (post, platform): a refit to a server's limit replaces the Job objects.
        order = {(job.post.id, job.platform): index for index, job in enumerate(jobs)}
        results = (result for group in groups for result in group)
        return sorted(results, key=lambda r: order.get((r.job.post.id, r.job.platform), len(order)))

    async def _run_platform(self, platform: str, jobs: list[Job]) -> list[JobResult]:
        client: DeadlineClient | None = None
        try:
            settings = self.recorder.settings
            built = build_adapter(
                settings.platforms[platform],
                self.environ,
                deadline=settings.timeouts.request,
                clock=self.recorder.clock,
                tokens=self.tokens,
            )
            if built is None:
                reason = f"publishing to {platform} is not available in this version; the post stays pending"
                return [
                    self._report(JobResult(job, Status.SKIPPED, error=reason, error_kind=ErrorKind.UNSUPPORTED), 0)
                    for job in jobs
                ]
            adapter, client = built
            limit = self._server_limit(adapter, platform, jobs)
            try:
                # One by one: a caption that fits whole goes out before a later one waits for the limit.
                return [await self._run_job(adapter, await self._fit_to_server(platform, job, limit)) for job in jobs]
            finally:
                if limit is not None:  # let it finish (it is kept for the next runs), or end with the run
                    await asyncio.gather(limit, return_exceptions=True)
        except PlatformError as error:  # e.g. a missing credential: every job of the platform fails
            return [
                self._report(JobResult(job, Status.FAILED, error=str(error), error_kind=error.kind), 0) for job in jobs
            ]
        finally:
            if client is not None:
                await client.aclose()

    def _server_limit(self, adapter: Adapter, platform: str, jobs: list[Job]) -> asyncio.Task[int | None] | None:
        """Some servers publish their own limit (Mastodon instances): asked alongside the first
        post (or read from the cache folder), unless the config sets it (`server_limit_key`) or
        every caption fits whole (then no limit changes anything, and the request is not made)."""
        key = platforms.spec(platform).server_limit_key
        if key is None or key in self.recorder.settings.platforms[platform].options:
            return None
        if all(map(_fits_every_server, jobs)):
            return None
        return asyncio.create_task(adapter.character_limit())

    async def _fit_to_server(self, platform_key: str, job: Job, limit: asyncio.Task[int | None] | None) -> Job:
        """The job refitted to the server's limit where that changes it. A caption that fits the
        default limit whole goes out at once, without waiting for the limit."""
        if limit is None or _fits_every_server(job):
            return job
        try:
            server_limit = await limit
        except Exception:  # an optional fact: a server that cannot tell it leaves the default limit
            server_limit = None
        if server_limit is None or all(message.limit == server_limit for message in job.messages):
            return job
        platform = self.recorder.settings.platforms[platform_key]
        key = platforms.spec(platform_key).server_limit_key
        assert key is not None
        return refit(job, replace(platform, options={**platform.options, key: server_limit}), self.recorder.settings)

    def _report(self, result: JobResult, parts: int) -> JobResult:
        if result.error is not None:  # platforms echo what they were sent: never store a credential
            result = replace(result, error=self.redactor.scrub(result.error))
        finished = self.recorder.finish(result, parts)
        self.on_result(finished)
        return finished

    async def _run_job(self, adapter: Adapter, job: Job) -> JobResult:
        record = self.recorder.state.record(job.post, job.platform)
        if record.get("status") == PlatformStatus.ANNOUNCED and not job.again:
            # Whatever command asked: an announced job goes out again only on the user's word.
            where = f": {record['url']}" if record.get("url") else ""
            note = f"already announced on {job.platform}{where}; not sent again"
            skipped = JobResult(job, Status.SKIPPED, url=record.get("url"), error=note, error_kind=ErrorKind.ALREADY)
            self.on_result(skipped)
            return skipped
        if not self._quota_left():
            quota = self.recorder.quota()
            reason = f"quota exhausted: all {quota.limit} units of this cycle are spent; it resets on {quota.resets}"
            return self._report(JobResult(job, Status.SKIPPED, error=reason, error_kind=ErrorKind.QUOTA), 0)
        attached = job.attachment.problem if job.attachment is not None else None
        if problems := [m.problem for m in job.messages if m.problem] + ([attached] if attached else []):
            # The platform would refuse it, on every run: it never reaches the network. It fails
            # once; then, until its text changes or `postion retry`, it is skipped without a word
            # in the history, so that every later run (and CI) is not failed by the same message.
            digest = hashlib.sha256("\x00".join(m.text for m in job.messages).encode()).hexdigest()[:16]
            if self.recorder.state.record(job.post, job.platform).get("rejected") == digest:
                reason = (
                    f"still refused ({problems[0]}), unchanged since it failed: not tried again. Change the "
                    "post or its caption, or `postion retry` it"
                )
                muted = JobResult(job, Status.SKIPPED, error=reason, error_kind=ErrorKind.CONTENT_REJECTED)
                self.on_result(muted)
                return muted
            refused = ContentRejected(
                job.platform,
                f"{problems[0]}: not sent. "
                + (
                    "Shorten the title or the template, write this platform's caption by hand "
                    f"(`postion: {{{job.platform}: …}}`), or set `thread: true` for it"
                    if problems[0].startswith("too long")
                    else f"Change the template, or write this caption by hand (`postion: {{{job.platform}: …}}`)"
                ),
            )
            self.recorder.update(job.post, job.platform, rejected=digest)
            return self._failed(job, self._journal(job), refused, 0)
        timeout = self.recorder.settings.timeouts.run
        if asyncio.get_running_loop().time() >= self.deadline:
            late = Transient(job.platform, f"not sent: the run's deadline ({timeout:g} s, timeouts.run) had passed")
            return self._failed(job, self._journal(job), late, 0)
        self.recorder.reserved_units += 1
        journal = self._journal(job)
        try:
            async with asyncio.timeout_at(self.deadline):
                return await self._send_job(adapter, job, journal)
        except TimeoutError:
            # Cut off mid-send: an open intent stays open and is resolved before any resend.
            cut = Transient(job.platform, f"the run's deadline ({timeout:g} s, timeouts.run) passed while sending")
            return self._failed(job, journal, cut, 1)
        finally:
            self.recorder.reserved_units -= 1

    def _journal(self, job: Job) -> JobJournal:
        record = self.recorder.state.record(job.post, job.platform)
        if job.again and record.get("status") == PlatformStatus.ANNOUNCED:
            return JobJournal(self.recorder, job, [])  # a new post: the parts of the first copy are not its own
        journal = JobJournal(self.recorder, job, [PartRef.from_json(p) for p in record.get("parts", [])])
        journal.open_intent = recorded_intent(record)  # left by a run that died mid-send
        return journal

    async def _send_job(self, adapter: Adapter, job: Job, journal: JobJournal) -> JobResult:
        resend: Intent | None = None
        attempts = 0
        # A deliberate re-post (`retry --again`) has keys of its own, or the platform would answer
        # with the first copy (Mastodon's Idempotency-Key, Bluesky's record key).
        repost = self.recorder.state.record(job.post, job.platform).get("repost")
        while True:
            attempts += 1
            try:
                settings = self.recorder.settings
                outgoing = await outgoing_for(job, self.recorder.clock(), settings, settings.timeouts.request)
                if repost:
                    outgoing = replace(outgoing, key=f"{outgoing.key}|repost{repost}")
                if journal.open_intent is not None:  # a crash or an unclear failure hid the outcome
                    resend = await self._resolve(adapter, outgoing, journal)
                if len(journal.done) < len(outgoing.parts):
                    await adapter.publish(outgoing, done=list(journal.done), resend=resend, journal=journal)
                return self._announced(job, journal, attempts)
            except UnknownOutcome as error:
                return self._unknown(job, journal, error, attempts)
            except PlatformError as error:
                resend = None
                if not error.maybe_sent and journal.open_intent is not None:
                    journal.open_intent = None  # refused for sure: the intent is void
                    self.recorder.update(job.post, job.platform, intent=None)
                # An intent left open (the send may have gone out) is resolved before any resend,
                # in this run or, if this one gives up, in the next.
                if not error.retryable or attempts >= self.policy.max_attempts:
                    return self._failed(job, journal, error, attempts)
                wait = self.policy.delay(attempts, error)
                if wait > self.policy.max_wait:
                    until = self.recorder.clock() + dt.timedelta(seconds=wait)
                    message = f"{error.reason}; the platform asks to wait until {utc_text(until)}"
                    return self._failed(job, journal, PlatformError(job.platform, message), attempts, error.kind)
                await asyncio.sleep(wait)
            except BadInput:  # state or ledger cannot be written (read-only folder, full disk): stop
                raise
            except Exception as error:  # a response of an unexpected shape, or a bug of ours
                # The send may have gone out: the open intent stays, so the next run resolves it
                # before sending again. Other jobs and platforms go on.
                what = "its answer could not be read" if journal.open_intent else "unexpected error while publishing"
                unexpected = PlatformError(job.platform, f"{what} ({type(error).__name__})")
                return self._failed(job, journal, unexpected, attempts)

    async def _resolve(self, adapter: Adapter, outgoing: Outgoing, journal: JobJournal) -> Intent | None:
        intent = journal.open_intent
        assert intent is not None
        resolution = await adapter.resolve(outgoing, intent)
        if isinstance(resolution, AlreadyPosted):
            await journal.after(intent.index, resolution.ref)
            return None
        journal.open_intent = None
        if isinstance(resolution, SafeToResend):
            return intent
        raise UnknownOutcome(adapter.name, resolution.reason)

    def _announced(self, job: Job, journal: JobJournal, attempts: int) -> JobResult:
        first = journal.done[0]
        crash_point("before-announced")
        self.recorder.update(
            job.post,
            job.platform,
            status=PlatformStatus.ANNOUNCED,
            id=first.id,
            url=first.url,
            time=utc_text(self.recorder.clock()),
        )
        crash_point("before-ledger")  # announced in the state, not yet in history: reconciled next run
        kind = ErrorKind.AGAIN if job.again else None
        result = JobResult(job, Status.PUBLISHED, first.url, first.id, error_kind=kind, attempts=attempts)
        return self._report(result, len(journal.done))

    def _failed(
        self, job: Job, journal: JobJournal, error: PlatformError, attempts: int, kind: ErrorKind | None = None
    ) -> JobResult:
        """Not announced. With an intent still open the send may have gone out: that is reported as
        unknown, never as failed (a user who retried a "failed" send would post twice); the intent
        stays, so the next run asks the platform (or the user) before sending again."""
        # A re-post that did not go out leaves the job as it was: announced, at its first copy.
        status = PlatformStatus.ANNOUNCED if job.again else PlatformStatus.PENDING
        self.recorder.update(job.post, job.platform, status=status)
        if journal.open_intent is not None:
            message = (
                f"{error}; it may have gone out: the next run asks {platforms.display_name(job.platform)} before "
                "sending it again"
            )
            result = JobResult(job, Status.UNKNOWN, error=message, error_kind=ErrorKind.UNKNOWN, attempts=attempts)
            return self._report(result, len(journal.done))
        result = JobResult(job, Status.FAILED, error=str(error), error_kind=kind or error.kind, attempts=attempts)
        return self._report(result, len(journal.done))

    def _unknown(self, job: Job, journal: JobJournal, error: PlatformError, attempts: int) -> JobResult:
        self.recorder.update(
            job.post, job.platform, status=PlatformStatus.UNKNOWN, reason=self.redactor.scrub(error.reason)
        )
        message = f"{job.platform}: outcome unknown, it may have gone out; not sent again: {error.reason}"
        result = JobResult(job, Status.UNKNOWN, error=message, error_kind=ErrorKind.UNKNOWN, attempts=attempts)
        return self._report(result, len(journal.done))
