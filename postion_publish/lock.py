"""One publishing run at a time per repository: `.postion/lock`, created exclusively."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from postion_publish.errors import Locked
from postion_publish.state import STATE_DIR, utc_text

LOCK_FILE = "lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _take(path: Path) -> bool:
    try:
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": utc_text(dt.datetime.now(dt.UTC))}
        json.dump(holder, stream)
    return True


@contextmanager
def publishing_lock(root: Path) -> Iterator[None]:
    """Hold the lock for the duration. A lock left by a dead process on this host is taken over."""
    path = root / STATE_DIR / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not _take(path):
        try:
            holder = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            holder = {}
        same_host = holder.get("host") == socket.gethostname()
        if same_host and isinstance(holder.get("pid"), int) and not _alive(holder["pid"]):
            path.unlink(missing_ok=True)  # its owner died without releasing it
        if not _take(path):
            raise Locked(
                f"another postion run holds {path} (pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
                f"since {holder.get('since', '?')}); if no run is going on, delete that file"
            )
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
