"""Which state and ledger files were checked already: their digests, kept in the cache folder.

A run reads the whole state and history. With 10,000 announced posts and their 10,000 attempts,
checking every value (`parse_state`, `parse_ledger`) and looking for announcements missing from
the history (`with_missing_history`) took about 30 ms: a third of what such a blog added to a run.
Files whose bytes are those a run wrote, or found sound, need neither: the next run (the next
Action run too, which keeps the cache folder) finds their digests here and skips both. Any other
change (a hand edit, a merge, a pull request's files) changes the bytes, and everything is checked.

The record lives in the cache folder, never in the repository: files cannot vouch for themselves.
It names the code that checked (a digest of the modules that check), so that a version checking
more never trusts what an older one let through. A missing or damaged record costs the checks only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from postion_publish.cachedir import cache_dir, cache_file
from postion_publish.errors import BadInput
from postion_publish.jsonfile import write_json_atomic

STATE = "state"
LEDGER = "ledger"


def _checking_code() -> str:
    """A digest of the modules whose checks a record vouches for (read, not imported: they import this)."""
    digest = hashlib.sha256()
    for name in ("jsonfile.py", "ledger.py", "state.py"):
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


def digest_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class CheckedFiles:
    """The record of one repository's files; `vouches` tells whether bytes just read need checking."""

    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: nothing is vouched for, nothing is remembered
        self.seen: dict[str, str] = {}  # what this run read: name -> digest
        self._known: dict[str, str] | None = None
        self._code: str | None = None

    @classmethod
    def of(cls, root: Path, environ: Mapping[str, str]) -> CheckedFiles:
        return cls(cache_file(cache_dir(environ), "checked", str(root.resolve())))

    def code(self) -> str:
        if self._code is None:
            try:
                self._code = _checking_code()
            except OSError:  # the modules are not files (a zip): nothing is vouched for
                self._code, self.path = "", None
        return self._code

    def known(self) -> dict[str, str]:
        if self._known is None:
            self._known = {}
            if self.path is not None:
                with contextlib.suppress(OSError, ValueError):
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                    if isinstance(data, dict) and data.get("code") == self.code():
                        self._known = {name: data[name] for name in (STATE, LEDGER) if isinstance(data.get(name), str)}
        return self._known

    def vouches(self, name: str, raw: bytes) -> bool:
        """Whether these bytes of file `name` are those a run of this code wrote or checked."""
        if self.path is None:
            return False
        self.seen[name] = digest_of(raw)
        return self.known().get(name) == self.seen[name]

    def vouches_for_both(self) -> bool:
        """State and ledger as one run left them, together: nothing missing from the history."""
        known = self.known()
        return bool(known) and all(known.get(name) == self.seen.get(name) for name in (STATE, LEDGER))

    def remember_seen(self) -> None:
        """The files read were checked and found sound together."""
        if self.path is not None and set(self.seen) == {STATE, LEDGER} and not self.vouches_for_both():
            self._write(self.seen)

    def remember_written(self, state: bytes, ledger: bytes) -> None:
        """The bytes a run just wrote, from what it had checked."""
        if self.path is not None:
            self.seen = {STATE: digest_of(state), LEDGER: digest_of(ledger)}
            self._write(self.seen)

    def _write(self, digests: Mapping[str, str]) -> None:
        """Best effort: a folder that cannot be written only costs the next run the checks."""
        code = self.code()
        if self.path is not None:
            self._known = dict(digests)
            with contextlib.suppress(BadInput):
                write_json_atomic(self.path, {"code": code, **digests}, durable=False)
