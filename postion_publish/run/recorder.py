"""The records of a run as it sends: each job's intent before its first request, each part as it
goes out, each attempt as it ends, in the journal (fsynced), folded into state and ledger at the
end. What makes a rerun after a crash resume instead of posting twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postion_publish.core.config import Settings
from postion_publish.core.plan import Job
from postion_publish.core.posts import Post
from postion_publish.core.results import JobResult, Status
from postion_publish.platforms.base import (
    Intent,
    PartRef,
)
from postion_publish.store.folding import fold_journal
from postion_publish.store.journal import ATTEMPT_EVENT, STATE_EVENT, JournalWriter, crash_point
from postion_publish.store.ledger import Attempt, Ledger, Quota, new_attempt_id
from postion_publish.store.state import STATE_DIR, PlatformStatus, State, editable_posts, put_record, utc_text

if TYPE_CHECKING:
    from postion_publish.store.checked import CheckedFiles


Clock = Callable[[], dt.datetime]


@dataclass
class Recorder:
    """The one writer of state and ledger during a run (asyncio: one thread, so no races). Each
    change is appended to the journal at once, and the files are written once, by `close`."""

    root: Path
    settings: Settings
    state: State
    ledger: Ledger
    clock: Clock
    checked: CheckedFiles | None = None  # where the files written are remembered as checked
    reserved_units: int = 0  # jobs under way, counted against the quota before they succeed
    journal: JournalWriter = field(init=False)
    tokens_changed: bool = False
    _quota: Quota | None = None
    _posts: MutableMapping[str, Any] | None = None  # the recorder's own copy of the state's posts (see `update`)

    def __post_init__(self) -> None:
        self.journal = JournalWriter(self.root / STATE_DIR)

    def mark_pending(self, pairs: Iterable[tuple[Post, str]]) -> None:
        """Every due (post, platform) not yet recorded, recorded as pending before anything is sent
        (so that a post first seen in a run that sends on some platforms stays due on the others),
        in one write to the journal."""
        seen = utc_text(self.clock())  # when `delay` counts from, for a post deployed after its date
        self.state, marked = self.state.with_pending(pairs, seen)
        events = [
            {"post": key, "url": url, "platform": platform, "record": {"status": PlatformStatus.PENDING, "seen": seen}}
            for key, url, platform in marked
        ]
        self.journal.append(STATE_EVENT, *events)

    def update(self, post: Post, platform: str, **changes: Any) -> None:
        key = self.state.entry_id(post) or post.id
        record = {**self.state.record(post, platform), **changes}
        if record.get("status") == PlatformStatus.ANNOUNCED:
            record.pop("seen", None)  # when `delay` counts from: of no use once it went out
        record = {name: value for name, value in record.items() if value is not None}
        self.journal.append(STATE_EVENT, {"post": key, "url": post.url, "platform": platform, "record": record})
        if self._posts is None:  # copied once, then changed in place: not 10,000 posts copied per event
            self._posts = editable_posts(self.state.posts)
        put_record(self._posts, key, post.url, platform, record)
        self.state = State(self._posts)

    def finish(self, result: JobResult, parts: int) -> JobResult:
        attempt = Attempt(
            id=new_attempt_id(),
            time=utc_text(self.clock()),
            post=result.job.post.url,
            post_id=result.job.post.id,
            platform=result.job.platform,
            status=result.status,
            url=result.url,
            error=result.error,
            error_kind=result.error_kind,
            attempts=result.attempts,
            parts=parts,
            unreviewed=result.job.unreviewed and result.status == Status.PUBLISHED,
        )
        self.journal.append(ATTEMPT_EVENT, attempt.to_json())
        self.ledger = self.ledger.with_attempt(attempt)
        if self._quota is not None and attempt.status == Status.PUBLISHED:
            self._quota = replace(self._quota, used=self._quota.used + 1)
        return replace(result, attempt_id=attempt.id)

    def quota(self) -> Quota:
        """Counted from the history once (it may hold thousands of attempts), then kept by `finish`."""
        if self._quota is None:
            self._quota = self.ledger.quota(self.settings.quota, self.clock())
        return self._quota

    def with_tokens(self, tokens: Mapping[str, Any]) -> None:
        """New connection records (a token rotated during the run), written with the rest by `close`."""
        self.ledger = replace(self.ledger, tokens=dict(tokens))
        self.tokens_changed = True

    def close(self) -> None:
        """Fold the run's journal into state and ledger."""
        self.journal.close()
        if self.journal.written or self.tokens_changed:
            crash_point("before-fold")
            fold_journal(self.root, self.state, self.ledger, self.quota(), self.checked)


@dataclass
class JobJournal:
    """What an adapter reports part by part, written through at once."""

    recorder: Recorder
    job: Job
    done: list[PartRef]
    open_intent: Intent | None = None

    async def before(self, index: int, data: Mapping[str, Any]) -> None:
        now = self.recorder.clock()
        self.open_intent = Intent(index, now, dict(data))
        intent = {"index": index, "started": utc_text(now), "data": dict(data)}
        self.recorder.update(self.job.post, self.job.platform, status=PlatformStatus.PENDING, intent=intent)
        crash_point("after-intent")

    async def after(self, index: int, ref: PartRef) -> None:
        crash_point("before-result")
        if index < len(self.done):
            self.done[index] = ref
        else:
            self.done.append(ref)
        self.open_intent = None
        parts = [part.to_json() for part in self.done]
        self.recorder.update(self.job.post, self.job.platform, parts=parts, intent=None)


def recorded_intent(record: Mapping[str, Any]) -> Intent | None:
    intent = record.get("intent")
    if not isinstance(intent, dict):
        return None
    started = dt.datetime.fromisoformat(str(intent["started"]).replace("Z", "+00:00"))
    return Intent(int(intent["index"]), started, dict(intent.get("data", {})))
