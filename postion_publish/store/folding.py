"""What the journal of a run adds to the history at its end (`fold_journal`), and the history a
state file implies where the ledger lacks it (`with_missing_history`): both written with the state,
under the run's lock."""

from __future__ import annotations

from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from postion_publish.core.errors import ErrorKind
from postion_publish.core.results import Status
from postion_publish.store.journal import crash_point, remove_journal
from postion_publish.store.jsonfile import (
    write_atomic,
)
from postion_publish.store.state import STATE_DIR, PlatformStatus, State, state_path, state_text

if TYPE_CHECKING:
    from postion_publish.store.checked import CheckedFiles
from postion_publish.store.ledger import Attempt, Ledger, Quota, ledger_path, ledger_text, new_attempt_id


def with_missing_history(ledger: Ledger, state: State) -> tuple[Ledger, int]:
    """The ledger with an attempt for each (post, platform) the state says is announced but the
    history does not hold: a run killed between the two writes. The post is live, so it belongs in
    the history and the quota. Returns (ledger, number added)."""
    published = [record for record in ledger.records if record["status"] == Status.PUBLISHED]
    recorded = set(map(itemgetter("post_id", "platform"), published))
    pairs = {(post_id, platform) for post_id, entry in state.posts.items() for platform in entry.get("platforms", {})}
    if pairs <= recorded:  # the usual case, in set operations: the state may hold thousands of posts
        return ledger, 0
    recorded.update(map(itemgetter("post", "platform"), published))
    added = []
    for post_id, entry in state.posts.items():
        for platform, record in entry.get("platforms", {}).items():
            if (post_id, platform) in recorded:
                continue
            announced = record.get("status") == PlatformStatus.ANNOUNCED and record.get("time")
            url = str(entry.get("url", post_id))
            if announced and (url, platform) not in recorded:
                added.append(
                    Attempt(
                        id=new_attempt_id(),
                        time=str(record["time"]),
                        post=url,
                        post_id=post_id,
                        platform=platform,
                        status=Status.PUBLISHED,
                        url=record.get("url"),
                        error_kind=ErrorKind.RECONCILED,
                        parts=len(record.get("parts") or []),
                    )
                )
    if not added:
        return ledger, 0
    ordered = sorted(added, key=lambda attempt: attempt.time)
    return ledger.appended(attempt.to_json() for attempt in ordered), len(added)


def fold_journal(root: Path, state: State, ledger: Ledger, quota: Quota, checked: CheckedFiles | None = None) -> None:
    """Write state and ledger (which hold the journal's events, as loaded or as recorded) once
    each, atomically, then remove the journal. A crash before the removal only means folding again.
    `checked`: where to remember the files written, as checked (see `checked`)."""
    state_raw, ledger_raw = state_text(state), ledger_text(ledger, quota)
    digests = checked.digests_meanwhile(state_raw, ledger_raw) if checked is not None else None
    write_atomic(state_path(root), state_raw)
    crash_point("during-fold")
    write_atomic(ledger_path(root), ledger_raw)
    remove_journal(root / STATE_DIR)
    if checked is not None and digests is not None:
        checked.remember_written(root, digests())
