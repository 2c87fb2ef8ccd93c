"""`postion retry` and `postion post`: one job sent again, or one post sent by hand; each through the
same records, lock and executor as `publish`, so that neither can post what is already announced."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from postion_publish.core.config import Settings, load_settings
from postion_publish.core.errors import BadInput, ErrorKind
from postion_publish.core.plan import Job, build_job
from postion_publish.core.posts import Post
from postion_publish.core.results import JobResult, Status
from postion_publish.sources import read_posts
from postion_publish.store.captions import load_captions
from postion_publish.store.ledger import Attempt, Ledger
from postion_publish.store.state import PlatformStatus, State, save_state, utc_text

if TYPE_CHECKING:  # publishing needs httpx and the adapters; `postion plan` does not load them
    from postion_publish.store.checked import CheckedFiles
from postion_publish.run.workspace import (
    RunOptions,
    RunOutcome,
    check_platforms,
    execute,
    find_unsettled,
    lock,
    open_records,
    refuse_placeholder,
)


def post_manually(
    config_path: Path,
    url: str,
    options: RunOptions,
    *,
    platforms: Sequence[str] = (),
    captions: Mapping[str, str] | None = None,
) -> RunOutcome:
    """`postion post URL`: one post, chosen platforms, captions given by hand. A platform the
    post is already announced on is skipped: the state never lets it go out twice."""
    settings = load_settings(config_path)
    check_platforms(settings, platforms)
    captions = captions or {}
    with lock(settings, options):
        state, ledger, checked = open_records(settings, options)
        post = next((p for p in read_posts(settings, publishing=not options.dry_run) if p.url == url), None)
        if post is None:
            if not captions:
                raise BadInput(f"{url} is not a post of this site; give its text with --caption")
            post = Post(id=url, url=url, title=url, date=options.clock(), description="")
        names = list(platforms or settings.enabled_platforms)
        stored = load_captions(settings.root).get(post.id)  # reviewed captions, as `publish` posts them
        jobs = []
        skipped = []
        for name in names:
            if state.status(state.entry_id(post) or post.id, name) in (
                PlatformStatus.ANNOUNCED,
                PlatformStatus.UNKNOWN,
            ):
                skipped.append(name)
                continue
            jobs.append(build_job(post, settings.platforms[name], settings, captions.get(name), stored=stored))
        if not options.dry_run:
            refuse_placeholder(settings, jobs, options.environ)
        results, quota = execute(settings, state, ledger, jobs, options, checked, due=jobs)
    for name in skipped:
        record = state.record(post, name)
        note = f"already {record.get('status')} on {name}" + (f": {record['url']}" if record.get("url") else "")
        placeholder = build_job(post, settings.platforms[name], settings, captions.get(name))
        skip = JobResult(placeholder, Status.SKIPPED, url=record.get("url"), error=note, error_kind=ErrorKind.ALREADY)
        options.on_result(skip)
        results.append(skip)
    return RunOutcome(results, quota)


def retry(
    config_path: Path,
    attempt_ids: Iterable[str],
    options: RunOptions,
    *,
    posted_url: str | None = None,
    again: bool = False,
) -> RunOutcome:
    """Retry failed attempts. Without ids: every (post, platform) whose latest attempt failed and
    is still pending. An id of an attempt whose outcome is unknown is the user's word that it did
    not go out: its open intent is dropped and it is sent again. With `posted_url`, the user's word
    that it did go out, there: it is recorded as published (and counted in the quota), not sent.
    A (post, platform) announced already is never sent again (whatever attempt names it) unless
    `again`: the user's word, a deliberate re-post recorded as such."""
    settings = load_settings(config_path)
    ids = list(dict.fromkeys(attempt_ids))  # an id named twice is one job
    if again and (not ids or posted_url is not None):
        raise BadInput("--again re-posts the attempts named by id (see `postion history`), and not with --posted")
    with lock(settings, options):
        state, ledger, checked = open_records(settings, options)
        attempts = _attempts_to_retry(ledger, state, ids)
        if posted_url is not None:
            return _settle_as_posted(settings, state, ledger, attempts, posted_url, options, checked)
        posts = {post.id: post for post in read_posts(settings, publishing=True)}
        jobs: list[Job] = []
        already: list[JobResult] = []
        for attempt in attempts:
            post = posts.get(attempt.post_id) or next((p for p in posts.values() if p.url == attempt.post), None)
            if post is None:
                raise BadInput(f"attempt {attempt.id}: the post {attempt.post} is no longer on the site")
            if attempt.platform not in settings.platforms:
                raise BadInput(f"attempt {attempt.id}: {attempt.platform} is no longer configured")
            if any(job.post.id == post.id and job.platform == attempt.platform for job in jobs) or any(
                done.job.post.id == post.id and done.job.platform == attempt.platform for done in already
            ):
                continue  # two attempts of one job: it is sent (at most) once
            record = state.record(post, attempt.platform)
            status = state.status(state.entry_id(post) or post.id, attempt.platform)
            job = build_job(post, settings.platforms[attempt.platform], settings)
            if status == PlatformStatus.ANNOUNCED and not again:
                already.append(_already_announced(job, record, attempt.id))
                continue
            if status == PlatformStatus.ANNOUNCED:  # --again: a new post, with keys of its own
                # The first copy's parts are not this one's: a crash mid-send must not take them for it.
                fresh = {k: v for k, v in record.items() if k != "parts"}
                state = state.with_record(post, attempt.platform, {**fresh, "repost": int(record.get("repost", 0)) + 1})
                job = replace(job, again=True)
            elif status == PlatformStatus.UNKNOWN:
                record = {k: v for k, v in record.items() if k not in ("intent", "reason")}
                state = state.with_record(post, attempt.platform, {**record, "status": PlatformStatus.PENDING})
            elif "rejected" in record:  # a message too long, muted since it failed: tried (locally) again
                state = state.with_record(post, attempt.platform, {k: v for k, v in record.items() if k != "rejected"})
            jobs.append(job)
        if not options.dry_run:
            refuse_placeholder(settings, jobs, options.environ)
        for result in already:
            options.on_result(result)
        if not options.dry_run and jobs:
            save_state(settings.root, state)
        results, quota = execute(settings, state, ledger, jobs, options, checked)
        retried = {attempt.id for attempt in attempts}
        left = [u for u in find_unsettled(state, ledger) if u.attempt_id not in retried]
    return RunOutcome(already + results, quota, unsettled=tuple(left))


def _already_announced(job: Job, record: Mapping[str, object], attempt_id: str) -> JobResult:
    """What `retry` says of a job that went out already: where, and how to post it again on purpose."""
    where = f": {record['url']}" if record.get("url") else ""
    note = (
        f"already announced on {job.platform}{where}; not sent again "
        f"(`postion retry {attempt_id} --again` posts it once more, on purpose)"
    )
    url = str(record["url"]) if record.get("url") else None
    return JobResult(job, Status.SKIPPED, url=url, error=note, error_kind=ErrorKind.ALREADY)


def _settle_as_posted(
    settings: Settings,
    state: State,
    ledger: Ledger,
    attempts: list[Attempt],
    url: str,
    options: RunOptions,
    checked: CheckedFiles,
) -> RunOutcome:
    from postion_publish.core.urls import split_url
    from postion_publish.run.recorder import Recorder

    if len(attempts) != 1:
        raise BadInput("--posted takes exactly one attempt id: the one whose post is at that URL")
    parts = split_url(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadInput(f"--posted needs the post's live URL (http or https), not {url!r}")
    attempt = attempts[0]
    post = Post(id=attempt.post_id, url=attempt.post, title=attempt.post, date=options.clock())
    if state.status(attempt.post_id, attempt.platform) == PlatformStatus.ANNOUNCED:
        recorded = state.posts.get(attempt.post_id, {}).get("platforms", {}).get(attempt.platform, {}).get("url")
        if recorded != url:
            raise BadInput(
                f"attempt {attempt.id}: {attempt.post} is already announced on {attempt.platform}, at {recorded}"
            )
        job = Job(post, attempt.platform, ())
        done = _already_announced(job, {"url": url}, attempt.id)
        options.on_result(done)
        return RunOutcome([done], ledger.quota(settings.quota, options.clock()))
    recorder = Recorder(settings.root, settings, state, ledger, options.clock, checked)
    now = utc_text(options.clock())
    try:
        recorder.update(
            post, attempt.platform, status=PlatformStatus.ANNOUNCED, url=url, time=now, intent=None, reason=None
        )
        job = Job(post, attempt.platform, ())
        settled = JobResult(job, Status.PUBLISHED, url=url, error_kind=ErrorKind.SETTLED, attempts=0)
        result = recorder.finish(settled, 0)
    finally:
        recorder.close()
    options.on_result(result)
    left = find_unsettled(recorder.state, recorder.ledger)
    return RunOutcome([result], recorder.ledger.quota(settings.quota, options.clock()), unsettled=tuple(left))


def _attempts_to_retry(ledger: Ledger, state: State, ids: list[str]) -> list[Attempt]:
    if ids:
        chosen = []
        for attempt_id in ids:
            attempt = ledger.find(attempt_id)
            if attempt is None:
                raise BadInput(f"no attempt with id {attempt_id} in the history (see `postion history`)")
            # A published one is named to say where it went, or to post it again (--again).
            if attempt.status not in (Status.FAILED, Status.UNKNOWN, Status.PUBLISHED):
                raise BadInput(f"attempt {attempt_id} is {attempt.status}, not failed: nothing to retry")
            chosen.append(attempt)
        return chosen
    latest: dict[tuple[str, str], Attempt] = {}
    for attempt in ledger.attempts:
        latest[(attempt.post_id, attempt.platform)] = attempt
    return [
        attempt
        for (post_id, platform), attempt in latest.items()
        if attempt.status == Status.FAILED and state.status(post_id, platform) == PlatformStatus.PENDING
    ]
