"""Files that come with the repository: the config, state, ledger, journal, run lock and caption
files. A pull request can commit any of them as a symbolic link. It can point at a file of the
runner, which a run would then read, truncate (the lock) or append to (the journal). It can point
at a device that never ends (`/dev/zero`), or at a FIFO that never answers.

So each of these files is opened without following a link, must be a regular file, and is read
only up to a bound. The config is the one exception: a user may link `postion.yml` on purpose, so
its link is followed, but only to a regular file in its own folder (`config`). Links among a
post's images and files are handled where those are found (`attachments`, `sources.content`). The
folders that hold these files must not be links either (`refuse_linked_folder`).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from postion_publish.core.errors import BadInput

MAX_RECORD_FILE = 64 * 1024 * 1024  # state, ledger, journal, manifest: 20 times a 10,000-post blog's
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)  # Windows has none: see `open_repo_file`
_CHUNK = 256 * 1024


def open_repo_file(path: Path, flags: int, *, what: str, follow_link: bool = False, mode: int = 0o644) -> int:
    """`os.open` for a file of the repository, refusing a link (unless `follow_link`) and anything
    but a regular file with a BadInput naming it. FileNotFoundError and other OSErrors propagate,
    so that callers word them. O_NONBLOCK: a FIFO is refused without waiting for its other end."""
    if not follow_link and not _NO_FOLLOW and os.path.islink(path):
        raise _link_refused(path, what)
    extra = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | (0 if follow_link else _NO_FOLLOW)
    try:
        handle = os.open(path, flags | extra, mode)
    except OSError as error:
        if error.errno == errno.ELOOP and not follow_link:
            raise _link_refused(path, what) from None
        raise
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise BadInput(f"the {what} is not a regular file; replace it with the file itself", file=path)
    return handle


def read_repo_file(path: Path, *, what: str, limit: int | None = None, follow_link: bool = False) -> bytes:
    """The bytes of a file of the repository (see `open_repo_file`), at most `limit` of them (whole
    megabytes; None: MAX_RECORD_FILE): more is a BadInput."""
    limit = MAX_RECORD_FILE if limit is None else limit
    data = _read_at_most(open_repo_file(path, os.O_RDONLY, what=what, follow_link=follow_link), limit + 1)
    if len(data) > limit:
        raise BadInput(f"the {what} is larger than {limit // (1024 * 1024)} MB, far more than a real one", file=path)
    return data


def read_site_page(path: Path, folder: Path, limit: int) -> bytes:
    """The first `limit` bytes of a page of a built site: a regular file, and if it is a link, one
    to a file inside the site's `folder` (a page linked to a file of the runner is a BadInput).
    Only the page itself can be a link: `rglob` never descends into a linked folder."""
    if os.path.islink(path) and not path.resolve().is_relative_to(folder.resolve()):
        raise BadInput("this page links outside the built site; postion reads only the site's own files", file=path)
    return _read_at_most(open_repo_file(path, os.O_RDONLY, what="page", follow_link=True), limit)


def _read_at_most(handle: int, limit: int) -> bytes:
    """Up to `limit` bytes of an open file, which it closes. Files of /proc say they are empty, so
    the size only sets the first read."""
    try:
        first = min(os.fstat(handle).st_size + 1, limit)  # usually the whole file, in one read
        chunks: list[bytes] = []
        total = 0
        while total < limit and (chunk := os.read(handle, min(max(first - total, _CHUNK), limit - total))):
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(handle)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def refuse_linked_folder(folder: Path, what: str) -> None:
    """A folder of the repository (`.postion/`, its captions) must not be a link either: every file
    below it would be read and written wherever it points."""
    if os.path.islink(folder):
        raise _link_refused(folder, what)


def _link_refused(path: Path, what: str) -> BadInput:
    return BadInput(f"the {what} is a symbolic link; postion never follows one there: put the real one here", file=path)
