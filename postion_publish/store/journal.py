"""`.postion/journal.jsonl`: what a run records while it sends, one small line per event.

Writing the whole state and ledger after every send made a run's cost grow with the blog (10,000
announced posts: 3 MB rewritten three times per message). Instead, each intent, result and attempt
is appended here as one JSON line and flushed to disk (fsync) before the run goes on, so that its
cost does not depend on the size of the files. At the end of the run the journal is folded into
`state.json` and `ledger.json` (each written once, atomically) and removed.

A run that dies leaves its journal: every reader applies it on top of the files (so `plan` and
`history` see what was sent), and the next publishing run folds it first, under the lock. Folding
twice is harmless: a state line sets a record to its final value and an attempt is added once (by
id). A line cut short by a crash mid-write is ignored: its event had not been acted on, since a
send only starts after its intent's line is on disk.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from postion_publish.core.errors import BadInput
from postion_publish.core.repofiles import open_repo_file, read_repo_file

JOURNAL_FILE = "journal.jsonl"
STATE_EVENT = "state"  # {"post": key, "url": the post's URL, "platform": name, "record": {...}}
ATTEMPT_EVENT = "attempt"  # an Attempt, as the ledger holds it


def journal_path(folder: Path) -> Path:
    """The journal beside the state file, in `.postion/`."""
    return folder / JOURNAL_FILE


class JournalWriter:
    """Appends events to the journal. The file is created at the first event (a run that sends
    nothing leaves none); each line is on disk before `append` returns."""

    def __init__(self, folder: Path) -> None:
        self.path = journal_path(folder)
        self.written = False  # an event was appended (the journal has to be folded)
        self._handle: int | None = None

    def append(self, kind: str, *events: Mapping[str, Any]) -> None:
        """One line per event, all on disk (one fsync) before it returns."""
        if not events:
            return
        line = "".join(json.dumps({kind: e}, ensure_ascii=False, separators=(",", ":")) + "\n" for e in events).encode()
        try:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = open_repo_file(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, what="journal")
                _sync_folder(self.path.parent)  # the new file's name survives a power cut too
            while line:  # a regular file takes it all at once, short of a full disk
                line = line[os.write(self._handle, line) :]
            os.fsync(self._handle)
            self.written = True
        except OSError as error:
            raise BadInput(
                f"cannot write ({error.strerror or type(error).__name__}); is the folder read-only or the disk full?",
                file=self.path,
            ) from None

    def close(self) -> None:
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every system can open a folder (Windows)
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def read_events(folder: Path, kind: str) -> Iterator[tuple[Mapping[str, Any], int]]:
    """The events of one kind, oldest first, with their line numbers. A damaged line is a BadInput
    naming it, except the last one when it is incomplete: a crash cut it mid-write."""
    path = journal_path(folder)
    try:
        data = read_repo_file(path, what="journal")
    except FileNotFoundError:
        return
    except OSError as error:
        raise BadInput(f"the journal cannot be read ({error.strerror})", file=path) from None
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            event = json.loads(raw)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than Python recurses
            if number == len(lines):  # no newline after it: written in part when the run died
                return
            raise BadInput(
                "a damaged line; restore .postion/ from git or remove this line", file=path, line=number
            ) from None
        if not isinstance(event, dict) or len(event) != 1 or not isinstance(next(iter(event.values())), dict):
            raise BadInput("each line must hold one event object", file=path, line=number)
        if kind in event:
            yield event[kind], number


def remove_journal(folder: Path) -> None:
    """After a fold: the events are in the files now."""
    with contextlib.suppress(FileNotFoundError):
        journal_path(folder).unlink()


def crash_point(name: str) -> None:
    """Fault injection for the crash tests: POSTION_CRASH_AT=name dies here, like a kill -9."""
    if os.environ.get("POSTION_CRASH_AT") == name:
        os._exit(99)
