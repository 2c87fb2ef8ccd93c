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
from postion_publish.ledger import LEDGER_FILE
from postion_publish.state import STATE_FILE


def _checking_code() -> str:
    """A digest of the modules whose checks a record vouches for (read, not imported: they import this)."""
    digest = hashlib.sha256()
    for name in ("jsonfile.py", "ledger.py", "state.py"):
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


def digest_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class CheckedFiles:
    """The record of one repository's files: the digests of those a run checked (`vouches`), and
    of those it wrote itself (`wrote`: in its own layout, whose summary a run may trust; see
    `ledger.WrittenRecords`)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: nothing is vouched for, nothing is remembered
        self.seen: dict[str, str] = {}  # what this run read: name -> digest
        self._record: dict[str, dict[str, str]] | None = None  # "checked" and "written": name -> digest
        self._code: str | None = None

    @classmethod
    def of(cls, root: Path, environ: Mapping[str, str]) -> CheckedFiles:
        try:
            return cls(cache_file(cache_dir(environ), "checked", str(root.resolve())))
        except (RuntimeError, OSError):  # no home folder to find a cache folder in: everything is checked
            return cls(None)

    def code(self) -> str:
        if self._code is None:
            try:
                self._code = _checking_code()
            except OSError:  # the modules are not files (a zip): nothing is vouched for
                self._code, self.path = "", None
        return self._code

    def record(self) -> dict[str, dict[str, str]]:
        if self._record is None:
            self._record = {"checked": {}, "written": {}}
            if self.path is not None:
                with contextlib.suppress(OSError, ValueError):
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                    if isinstance(data, dict) and data.get("code") == self.code():
                        for kind in self._record:
                            digests = data.get(kind)
                            if isinstance(digests, dict):
                                self._record[kind] = {k: v for k, v in digests.items() if isinstance(v, str)}
        return self._record

    def vouches(self, name: str, raw: bytes) -> bool:
        """Whether these bytes of file `name` (STATE_FILE, LEDGER_FILE) are those a run of this
        code wrote or checked."""
        if self.path is None:
            return False
        self.seen[name] = digest_of(raw)
        return self.record()["checked"].get(name) == self.seen[name]

    def wrote(self, name: str) -> bool:
        """Whether the bytes of `name` just vouched for are those a run of this code wrote."""
        return name in self.seen and self.record()["written"].get(name) == self.seen[name]

    def vouches_for_both(self) -> bool:
        """State and ledger as one run left them, together: nothing missing from the history."""
        checked = self.record()["checked"]
        return all(name in self.seen and checked.get(name) == self.seen[name] for name in (STATE_FILE, LEDGER_FILE))

    def remember_seen(self) -> None:
        """The files read were checked and found sound together."""
        if self.path is not None and set(self.seen) == {STATE_FILE, LEDGER_FILE} and not self.vouches_for_both():
            written = {name: digest for name, digest in self.record()["written"].items() if self.seen[name] == digest}
            self._write(dict(self.seen), written)

    def remember_written(self, state: bytes, ledger: bytes) -> None:
        """The bytes a run just wrote, from what it had checked."""
        if self.path is not None:
            self.seen = {STATE_FILE: digest_of(state), LEDGER_FILE: digest_of(ledger)}
            self._write(dict(self.seen), dict(self.seen))

    def _write(self, checked: dict[str, str], written: dict[str, str]) -> None:
        """Best effort: a folder that cannot be written only costs the next run the checks."""
        code = self.code()
        if self.path is not None:
            self._record = {"checked": checked, "written": written}
            with contextlib.suppress(BadInput):
                write_json_atomic(self.path, {"code": code, **self._record}, durable=False)
