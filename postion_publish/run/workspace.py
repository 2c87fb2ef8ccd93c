"""The edge that works on a user's repository: read config, posts, state and ledger from disk,
plan (pure), run the jobs, write back. The CLI and the Action call these; they hold no logic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from postion_publish.core.config import Settings, load_settings
from postion_publish.core.errors import BadInput, ErrorKind, PostionError
from postion_publish.core.plan import Job, Plan, Waiting, make_plan
from postion_publish.core.posts import Post
from postion_publish.core.results import JobResult, Status
from postion_publish.run.attach import attachment_of, with_attachments
from postion_publish.sources import read_posts
from postion_publish.store.captions import load_captions
from postion_publish.store.folding import fold_journal, with_missing_history
from postion_publish.store.journal import journal_path
from postion_publish.store.ledger import Ledger, Quota, load_ledger
from postion_publish.store.state import STATE_DIR, PlatformStatus, State, load_state, state_path

if TYPE_CHECKING:  # publishing needs httpx and the adapters; `postion plan` does not load them
    from postion_publish.run.execute import RetryPolicy
    from postion_publish.store.checked import CheckedFiles
    from postion_publish.store.tokens import TokenStore

Clock = Callable[[], dt.datetime]


def load_plan(
    config_path: Path, now: dt.datetime, on_job: Callable[[int, int], None] | None = None
) -> tuple[Plan, list[Unsettled]]:
    """The plan, and the sends of earlier runs whose outcome the user has still to settle.
    `on_job(done, total)`: as each job's attachment is checked (a progress line)."""
    settings = load_settings(config_path)
    state = load_state(settings.root)  # before reading posts: a missing state is the first thing to fix
    posts = read_posts(settings, settled=state.is_settled)
    plan = make_plan(posts, state, settings, now, load_captions(settings.root))
    ledger = load_ledger(settings.root)
    planned = _warn_of_caps(with_attachments(plan, settings, on_job), ledger, now, settings)
    return planned, find_unsettled(state, ledger)


def _warn_of_caps(plan: Plan, ledger: Ledger, now: dt.datetime, settings: Settings) -> Plan:
    """Each job a platform's cap would hold back at publish, with a warning that says until when."""
    from postion_publish.core.errors import PlanWarning
    from postion_publish.run.caps import held_by_caps

    _, held = held_by_caps(plan.jobs, ledger, now, settings)
    if not held:
        return plan
    reasons = {id(found.job): found.reason for found in held}
    jobs = tuple(
        replace(
            job, warnings=(*job.warnings, PlanWarning(reasons[id(job)], job.post.source_file, job.post.source_line))
        )
        if id(job) in reasons
        else job
        for job in plan.jobs
    )
    return replace(plan, jobs=jobs)


@dataclass(frozen=True)
class RunOptions:
    environ: Mapping[str, str]
    clock: Clock = lambda: dt.datetime.now(dt.UTC)
    on_result: Callable[[JobResult], None] = lambda result: None
    policy: RetryPolicy | None = None  # None: the default policy
    dry_run: bool = False
    wait_live: float | None = None  # seconds to wait for each new post's page to be served
    wait_interval: float = 10.0
    # Where credentials rotated during the run go. None: as `tokens.github.store_for_run` chooses
    # (the token file on a laptop, the repository's secrets in GitHub Actions).
    tokens: TokenStore | None = None
    on_notice: Callable[[str], None] = lambda notice: None  # e.g. a rotation that could not be kept
    on_secret: Callable[[str], None] = lambda value: None  # a new secret (the Action masks it in the log)
    on_progress: Callable[[str], None] = lambda line: None  # what a long step is doing (--wait-live)


@dataclass(frozen=True)
class Unsettled:
    """A send whose outcome is unknown (a Discord webhook that failed mid-answer): never sent again
    on its own, and listed by every plan and run until the user says what happened."""

    post: str  # the post's URL
    platform: str
    reason: str
    attempt_id: str | None  # the attempt to name in `postion retry`


def find_unsettled(state: State, ledger: Ledger) -> list[Unsettled]:
    if not state.any_unknown():  # the usual case
        return []
    unknown = [
        (post_id, entry, platform, record)
        for post_id, entry in state.posts.items()
        for platform, record in entry.get("platforms", {}).items()
        if record.get("status") == PlatformStatus.UNKNOWN
    ]
    latest = {(attempt.post_id, attempt.platform): attempt for attempt in ledger.attempts}
    found = []
    for post_id, entry, platform, record in unknown:
        last = latest.get((post_id, platform))
        reason = str(record.get("reason") or "the platform's answer was lost")
        found.append(Unsettled(str(entry.get("url", post_id)), platform, reason, last.id if last else None))
    return found


@dataclass(frozen=True)
class RunOutcome:
    results: list[JobResult]
    quota: Quota
    scheduled: tuple[Post, ...] = field(default_factory=tuple)
    unsettled: tuple[Unsettled, ...] = ()  # from earlier runs, still waiting for the user

    @property
    def failed(self) -> bool:
        """Exit status 1: a job failed or its outcome is unknown, or it was skipped because the quota
        or a platform's cap is spent or its page is not live."""
        return any(
            r.status in (Status.FAILED, Status.UNKNOWN)
            or (r.status == Status.DRY_RUN and r.error)
            or r.error_kind in (ErrorKind.QUOTA, ErrorKind.NOT_LIVE, ErrorKind.RATE_LIMITED)
            for r in self.results
        )


def open_records(settings: Settings, options: RunOptions) -> tuple[State, Ledger, CheckedFiles]:
    """State and ledger, read under the lock, with what a killed run left: its journal is folded
    into the files, and what it announced but never recorded is added to the history (so that
    history and quota match what is on the platforms). Written back at once. Files as a run left
    them are not checked again (see `checked`)."""
    from postion_publish.store.checked import CheckedFiles  # here: `plan` does without hashlib

    checked = CheckedFiles.of(settings.root, options.environ)
    state = load_state(settings.root, checked)
    ledger = load_ledger(settings.root, checked)
    added = 0
    if not checked.vouches_for_both():
        ledger, added = with_missing_history(ledger, state)
    journal_left = journal_path(settings.root / STATE_DIR).exists()
    if not options.dry_run:
        if added or journal_left:
            fold_journal(settings.root, state, ledger, ledger.quota(settings.quota, options.clock()), checked)
        else:
            checked.remember_seen()
    return state, ledger, checked


def refuse_placeholder(settings: Settings, jobs: Sequence[Job], environ: Mapping[str, str]) -> None:
    """A placeholder site_url (`https://blog.example.com`) announced is a dead link nobody can take
    back: refused before anything is written, unless every platform it would go to is on this
    machine (the sandbox, the demo, a test server)."""
    from postion_publish.core import registry as platforms
    from postion_publish.core.placeholder import is_placeholder_site
    from postion_publish.core.urls import split_url

    if not jobs or not is_placeholder_site(settings.site_url):
        return
    for name in dict.fromkeys(job.platform for job in jobs):
        parts = split_url(platforms.spec(name).endpoint(settings.platforms[name], environ))
        host = (parts.hostname or "") if parts is not None else ""
        # No address known (a credential missing): that job fails on its own, with that reason.
        if host and host != "localhost" and not host.startswith("127.") and host != "::1":
            raise BadInput(
                f"{settings.site_url} is a placeholder: set your site's address before announcing it "
                f"(nothing was sent to {platforms.display_name(name)} or any other platform)",
                file=settings.file,
                key="site_url",
            )


def check_platforms(settings: Settings, platforms: Sequence[str]) -> None:
    for name in platforms:
        if name not in settings.platforms:
            raise BadInput(f"--platform {name}: not in the configuration (configured: {', '.join(settings.platforms)})")


def execute(
    settings: Settings,
    state: State,
    ledger: Ledger,
    jobs: list[Job],
    options: RunOptions,
    checked: CheckedFiles,
    due: Sequence[Job] = (),
    waiting: Sequence[Waiting] = (),
) -> tuple[list[JobResult], Quota]:
    """Send `jobs`. `due`: every job of the plan, recorded as pending first (see Recorder.mark_pending);
    `waiting`: what `delay` holds back, recorded too, with when this run first saw it."""
    if options.dry_run:
        results = _dry_run(settings, jobs, options)
        for result in results:
            options.on_result(result)
        return results, ledger.quota(settings.quota, options.clock())
    import asyncio

    from postion_publish.run.execute import Executor, RetryPolicy
    from postion_publish.run.recorder import Recorder
    from postion_publish.store.tokens import RedactingStore
    from postion_publish.tokens.github import notices_of, store_for_run

    recorder = Recorder(settings.root, settings, state, ledger, options.clock, checked)
    recorder.mark_pending([*((job.post, job.platform) for job in due), *((w.post, w.platform) for w in waiting)])
    tokens = options.tokens or store_for_run(options.environ, settings.token_scope)
    executor = Executor(
        recorder,
        options.environ,
        options.policy or RetryPolicy(),
        on_result=options.on_result,
        tokens=tokens,
        on_secret=options.on_secret,
    )
    try:
        results = asyncio.run(executor.run(jobs))
        if isinstance(executor.tokens, RedactingStore) and executor.tokens.rotated:
            from postion_publish.tokens.connections import after_rotation

            # The connection records: refreshed now (and, for Threads, 60 more days).
            rotated = after_rotation(
                recorder.ledger.tokens, executor.tokens.rotated, options.clock(), settings.platforms
            )
            recorder.with_tokens(rotated)
    finally:
        recorder.close()
    for notice in notices_of(tokens):
        options.on_notice(notice)
    return results, recorder.quota()


def publish(
    config_path: Path, options: RunOptions, *, platforms: Sequence[str] = (), post_url: str | None = None
) -> RunOutcome:
    """Publish what the plan holds: every due (post, platform), or those chosen."""
    settings = load_settings(config_path)
    check_platforms(settings, platforms)
    with lock(settings, options):
        state, ledger, checked = open_records(settings, options)  # under the lock: a run that just ended is seen
        posts = read_posts(settings, settled=state.is_settled, publishing=not options.dry_run)
        plan = make_plan(posts, state, settings, options.clock(), load_captions(settings.root))
        if settings.ai is not None and settings.ai.unreviewed == "generate" and not options.dry_run:
            plan = _with_generated_captions(config_path, settings, posts, state, plan, options)
        chosen = [
            replace(job, attachment=attachment_of(job, settings))  # refused here, before any request
            for job in plan.jobs
            if (not platforms or job.platform in platforms) and (post_url is None or job.post.url == post_url)
        ]
        if post_url is not None and not any(job.post.url == post_url for job in plan.jobs):
            raise BadInput(f"--post {post_url}: no new post has that URL (see `postion plan`)")
        if not options.dry_run:
            refuse_placeholder(settings, chosen, options.environ)
        chosen, waiting = _live_only(chosen, options)
        chosen, held = _within_caps(chosen, ledger, options, settings)
        waiting += held
        # Every due pair is recorded as pending before anything is sent, those not chosen included.
        results, quota = execute(settings, state, ledger, chosen, options, checked, due=plan.jobs, waiting=plan.waiting)
    return RunOutcome(waiting + results, quota, plan.scheduled, tuple(find_unsettled(state, ledger)))


def _with_generated_captions(
    config_path: Path, settings: Settings, posts: list[Post], state: State, plan: Plan, options: RunOptions
) -> Plan:
    """`ai.unreviewed: generate`: captions no one reviewed are written now, stored as unreviewed
    (and the attempts flagged so in the history). A model that fails leaves the template."""
    from postion_publish.ai.adapt import adapt, needing_captions

    missing = needing_captions(plan, load_captions(settings.root))
    if not missing:
        return plan
    try:
        adapt(config_path, options.environ, options.clock(), missing, reviewed=False)
    except PostionError as error:
        options.on_notice(f"captions were not generated ({error}): the template caption is used")
        return plan
    return make_plan(posts, state, settings, options.clock(), load_captions(settings.root))


def _within_caps(
    jobs: list[Job], ledger: Ledger, options: RunOptions, settings: Settings
) -> tuple[list[Job], list[JobResult]]:
    """The jobs the platforms' caps let through now; a skipped result for each one held back."""
    from postion_publish.run.caps import held_by_caps

    kept, held = held_by_caps(jobs, ledger, options.clock(), settings)
    results = []
    for found in held:
        results.append(JobResult(found.job, Status.SKIPPED, error=found.reason, error_kind=ErrorKind.RATE_LIMITED))
        options.on_result(results[-1])
    return kept, results


def _live_only(jobs: list[Job], options: RunOptions) -> tuple[list[Job], list[JobResult]]:
    """With --wait-live: the jobs whose post is served, and a skipped result for each other one."""
    if options.wait_live is None or options.dry_run or not jobs:
        return jobs, []
    from postion_publish.run.live import wait_until_live

    outcomes = wait_until_live(
        (job.post.url for job in jobs), options.wait_live, options.wait_interval, options.on_progress
    )
    waiting = []
    for job in jobs:
        if (why := outcomes.get(job.post.url)) is not None:
            reason = (
                f"{job.post.url} {why} (is the deploy finished?); not announced yet: it stays pending for the next run"
            )
            waiting.append(JobResult(job, Status.SKIPPED, error=reason, error_kind=ErrorKind.NOT_LIVE))
            options.on_result(waiting[-1])
    return [job for job in jobs if outcomes.get(job.post.url) is None], waiting


def _dry_run(settings: Settings, jobs: Sequence[Job], options: RunOptions) -> list[JobResult]:
    """What a real run would need, checked without sending or writing: each platform's credentials
    are there (never shown), what each job attaches passes publish's checks, the state folder can be
    written, the site_url is not a placeholder. A job that would fail says why (exit 1)."""
    from postion_publish.platforms.build import credentials_of
    from postion_publish.store.tokens import MemoryStore

    problems: dict[str, str] = {}
    try:
        refuse_placeholder(settings, jobs, options.environ)
    except BadInput as error:
        problems[""] = error.reason
    folder_problem = _unwritable(settings.root / STATE_DIR)
    results = []
    for job in jobs:
        why = problems.get("") or folder_problem
        if why is None and job.platform not in problems:
            try:
                credentials_of(job.platform, options.environ, MemoryStore())
            except PostionError as error:
                problems[job.platform] = str(error)
        attached = job.attachment.problem if job.attachment is not None else None  # see run.attach
        why = why or problems.get(job.platform) or attached
        results.append(JobResult(job, Status.DRY_RUN, error=f"would fail: {why}" if why else None))
    return results


def _unwritable(folder: Path) -> str | None:
    """Why a run could not write its records here, else None (a file made and removed at once)."""
    import tempfile

    try:  # the folder itself, or where it would be made
        with tempfile.NamedTemporaryFile(dir=folder if folder.is_dir() else folder.parent, prefix=".dry-run-"):
            pass
    except OSError as error:
        return f"{folder} cannot be written ({error.strerror or type(error).__name__})"
    return None


def lock(settings: Settings, options: RunOptions) -> AbstractContextManager[None]:
    """A dry run writes nothing, so it needs no lock. Without a state file the run is refused
    before the lock, so that a refused run creates nothing (not even `.postion/`)."""
    from postion_publish.store.lock import publishing_lock

    if not state_path(settings.root).exists():
        load_state(settings.root)  # raises the error that explains `postion init --baseline`
    return nullcontext() if options.dry_run else publishing_lock(settings.root)
