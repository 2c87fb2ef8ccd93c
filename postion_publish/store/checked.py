"""Which state and ledger files were checked already: their digests, kept in the cache folder.

A run reads the whole state and history. With 10,000 announced posts and their 10,000 attempts,
checking every value (`parse_state`, `parse_ledger`) and looking for announcements missing from
the history (`with_missing_history`) took about 30 ms: a third of what such a blog added to a run.
Files whose bytes are those a run wrote, or found sound, need neither: the next run (the next
Action run too, which keeps the cache folder) finds their digests here and skips both; those a
run wrote are not even parsed whole (`ledger.WrittenRecords`, `written_posts`). Any other change
(a hand edit, a merge, a pull request's files) changes the bytes, and everything is checked.

Hashing the two files costs about 3.5 ms for each 6 MB read or written. So the record also keeps
each file's identity (`jsonfile.file_identity`: inode, size, change time). While that identity is
unchanged, the file is the one whose digest was kept, and it is not hashed again. A run hashes the
files it writes in a thread while it writes them: hashlib and file writes both let go of the
interpreter lock, so on two cores the hashing adds no time. A fresh checkout (the Action's) gives
new identities, and the digests vouch as before. A change made within the same clock tick as a
run's write, with the same size, would keep the identity. Git's index has the same blind spot;
postion's lock keeps other runs out.

The record lives in the cache folder, never in the repository: files cannot vouch for themselves.
It names the code that checked (a digest of the modules that check), so that a version checking
more never trusts what an older one let through. A missing or damaged record costs the checks only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path

from postion_publish.core.errors import BadInput
from postion_publish.store.cachedir import cache_dir, cache_file
from postion_publish.store.jsonfile import Pieces, file_identity, write_json_atomic
from postion_publish.store.names import LEDGER_FILE, STATE_DIR, STATE_FILE

_KINDS = ("checked", "written", "identities")


def _checking_code() -> str:
    """A digest of the modules whose checks a record vouches for (read, not imported: they import this)."""
    digest = hashlib.sha256()
    for name in ("jsonfile.py", "ledger.py", "state.py", "written_posts.py"):
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


def digest_of(raw: bytes | Pieces) -> str:
    if isinstance(raw, bytes):
        return hashlib.sha256(raw).hexdigest()
    digest = hashlib.sha256()
    for piece in raw:
        digest.update(piece)
    return digest.hexdigest()


class CheckedFiles:
    """The record of one repository's files: the digests of those a run checked (`vouches`), and
    of those it wrote itself (`wrote`: in its own layout, which a run may read without parsing
    the whole; see `ledger.WrittenRecords` and `written_posts`)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path  # None: nothing is vouched for, nothing is remembered
        self.seen: dict[str, str] = {}  # what this run read: name -> digest
        self.identities: dict[str, str | None] = {}  # and the identities of those files as read
        # "checked" and "written": name -> digest; "identities": name -> the identity of "checked"'s file
        self._record: dict[str, dict[str, str]] | None = None
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
            self._record = {kind: {} for kind in _KINDS}
            if self.path is not None:
                with contextlib.suppress(OSError, ValueError):
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                    if isinstance(data, dict) and data.get("code") == self.code():
                        for kind in self._record:
                            digests = data.get(kind)
                            if isinstance(digests, dict):
                                self._record[kind] = {k: v for k, v in digests.items() if isinstance(v, str)}
        return self._record

    def vouches(self, name: str, raw: bytes, identity: str | None = None) -> bool:
        """Whether these bytes of file `name` (STATE_FILE, LEDGER_FILE) are those a run of this
        code wrote or checked. `identity`: the file's while these bytes were read (see
        `jsonfile.read_identified`); the one recorded spares hashing them."""
        if self.path is None:
            return False
        record = self.record()
        known = record["checked"].get(name)
        if known is not None and identity is not None and record["identities"].get(name) == identity:
            self.seen[name] = known  # the very file whose digest was kept: not hashed again
        else:
            self.seen[name] = digest_of(raw)
        self.identities[name] = identity
        return known == self.seen[name]

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
            self._write(dict(self.seen), written, self.identities)

    def digests_meanwhile(self, *raws: bytes | Pieces) -> Callable[[], list[str]]:
        """The digests of `raws`, computed in a thread while the caller writes them, for
        `remember_written`. The returned function waits for them; an empty list if hashing failed,
        or if nothing is remembered anyway."""
        import threading  # loaded already by the network code of a run that sent something

        digests: list[str] = []
        if self.path is None:
            return lambda: digests
        thread = threading.Thread(target=lambda: digests.extend(map(digest_of, raws)), daemon=True)
        thread.start()

        def result() -> list[str]:
            thread.join()
            return digests if len(digests) == len(raws) else []

        return result

    def remember_written(self, root: Path, digests: list[str]) -> None:
        """The files a run just wrote in `root`, from what it had checked: the digests of state and
        ledger, in this order (see `digests_meanwhile`; none: not remembered)."""
        if self.path is not None and len(digests) == 2:
            self.seen = dict(zip((STATE_FILE, LEDGER_FILE), digests, strict=True))
            self.identities = {name: file_identity(root / STATE_DIR / name) for name in self.seen}
            self._write(dict(self.seen), dict(self.seen), self.identities)

    def _write(self, checked: dict[str, str], written: dict[str, str], identities: Mapping[str, str | None]) -> None:
        """Best effort: a folder that cannot be written only costs the next run the checks."""
        code = self.code()
        if self.path is not None:
            known = {name: found for name, found in identities.items() if found is not None and name in checked}
            self._record = {"checked": checked, "written": written, "identities": known}
            with contextlib.suppress(BadInput):
                write_json_atomic(self.path, {"code": code, **self._record}, durable=False)
