"""One publishing run at a time per repository: an OS lock on `.postion/lock`.

The kernel holds the lock (flock on POSIX, msvcrt on Windows) and drops it when the holder exits,
however it dies, so there is no stale lock to take over and no pid to guess: two runs that find a
dead holder cannot both proceed, and a lock file left empty (a full disk) blocks nothing. The file
itself stays (removing it would let a run lock a file another run has just replaced); what it holds
is only a note for people: which process has it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from postion_publish.core.errors import BadInput, Locked
from postion_publish.core.repofiles import open_repo_file, refuse_linked_folder
from postion_publish.store.state import STATE_DIR, utc_text

LOCK_FILE = "lock"


def _try_lock(handle: int, *, wait: bool = False) -> bool:
    """Take the lock of `handle`: at once or not at all, or (`wait`) once its holder lets go."""
    if sys.platform == "win32":  # pragma: no cover - CI runs on Linux
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def waiting_lock(path: Path) -> Iterator[None]:
    """Hold the lock on `path` (made 0600, never through a link), waiting for its holder: for short
    read-modify-writes that take turns, such as the token file's."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        if not _try_lock(handle, wait=True):  # pragma: no cover - Windows gives up after 10 s
            raise OSError(f"{path} stayed locked")
        yield
    finally:
        os.close(handle)  # closing releases the lock


def _holder_note(handle: int) -> None:
    """Best effort: a full disk may refuse the note, never the lock."""
    holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": utc_text(dt.datetime.now(dt.UTC))}
    try:
        os.ftruncate(handle, 0)
        os.pwrite(handle, json.dumps(holder).encode(), 0)
    except OSError:
        pass


def _describe(path: Path) -> str:
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {holder['pid']} on {holder['host']}, since {holder['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a run that left no note"


@contextmanager
def publishing_lock(root: Path) -> Iterator[None]:
    """Hold the lock for the duration, or raise Locked at once if another run holds it."""
    path = root / STATE_DIR / LOCK_FILE
    refuse_linked_folder(path.parent, f"folder {STATE_DIR}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open_repo_file(path, os.O_RDWR | os.O_CREAT, what="run lock")
    except OSError as error:
        raise BadInput(f"cannot create the run lock ({error.strerror}); is the folder read-only?", file=path) from None
    try:
        if not _try_lock(handle):
            raise Locked(f"another postion run holds {path} ({_describe(path)}); wait for it to finish")
        _holder_note(handle)
        yield
    finally:
        os.close(handle)  # closing releases the lock
