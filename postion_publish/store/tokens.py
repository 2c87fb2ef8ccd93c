"""Token stores: where an adapter hands a credential it rotated during a run (an OAuth refresh
gives a new refresh token and kills the old one), before anything else can fail.

Values are named as the environment variables they replace (`POSTION_X_REFRESH_TOKEN`), so that a
store can write them back where the next run reads them: GitHub repository secrets in CI (the
connections work), a 0600 file outside the repository on a laptop, memory in tests.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from postion_publish.core.redact import Redactor
from postion_publish.store.jsonfile import write_json_atomic


class TokenStore(Protocol):
    def get(self, name: str) -> str | None:
        """The newest value of a credential this store holds, else None (then the environment's)."""
        ...

    def put(self, name: str, value: str) -> None:
        """Keep a rotated value: durably before returning."""
        ...


class MemoryStore:
    """For one run and for tests: rotated values live as long as the process."""

    def __init__(self, values: Mapping[str, str] | None = None) -> None:
        self.values = dict(values or {})

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def put(self, name: str, value: str) -> None:
        self.values[name] = value


class FileStore:
    """A JSON file readable by its owner only (0600), written atomically. Keep it outside the
    repository (the default is under the user's config folder): it holds secrets.

    One file serves every blog on the machine, so values are kept per `scope`: the blog's config
    file (two blogs both connected to X keep two refresh-token chains; one's rotation never replaces
    the other's). Every read-modify-write holds an exclusive lock on `<file>.lock`, so concurrent
    runs never lose an update. Values a version before scopes wrote (flat, by name) are still read
    where the scope holds none.

    Each value remembers which environment value it replaced (by hash). It is used while the
    environment still holds that value; once the user sets a new one there (a fresh connection),
    the environment's wins and the stale rotated value is ignored."""

    VERSION = 2

    def __init__(self, path: Path, environ: Mapping[str, str] | None = None, scope: str = "") -> None:
        self.path = path
        self.environ = environ if environ is not None else {}
        self.scope = scope

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _entries(self, data: dict[str, Any]) -> dict[str, dict[str, str]]:
        """This scope's values, over those written before scopes (flat)."""
        data = self._upgraded(data)
        mine = data["scopes"].get(self.scope)
        values = {**data["legacy"], **(mine if isinstance(mine, dict) else {})}
        return {str(key): value for key, value in values.items() if _is_entry(value)}

    def _origin(self, name: str) -> str:
        return hashlib.sha256(self.environ.get(name, "").strip().encode()).hexdigest()

    def get(self, name: str) -> str | None:
        entry = self._entries(self._read()).get(name)
        if entry is None or entry.get("replaces") != self._origin(name):
            return None
        return entry["value"]

    def stored(self, name: str) -> str | None:
        """The value kept under `name`, whichever environment value it replaced (`disconnect`
        revokes it even where the environment now holds another)."""
        entry = self._entries(self._read()).get(name)
        return entry["value"] if entry is not None else None

    def put(self, name: str, value: str) -> None:
        with self._locked():
            data = self._upgraded(self._read())
            data["scopes"].setdefault(self.scope, {})[name] = {"value": value, "replaces": self._origin(name)}
            write_json_atomic(self.path, data, mode=0o600)

    def delete(self, name: str) -> bool:
        with self._locked():
            data = self._upgraded(self._read())
            mine = data["scopes"].get(self.scope, {})
            found = mine.pop(name, None) is not None
            # Written before scopes, it was every blog's: disconnect forgets it, as it did then.
            found = data["legacy"].pop(name, None) is not None or found
            if not mine:
                data["scopes"].pop(self.scope, None)
            if found:
                write_json_atomic(self.path, data, mode=0o600)
            return found

    def _upgraded(self, data: dict[str, Any]) -> dict[str, Any]:
        """The file in this version's shape; flat values of the version before are kept under
        `legacy`, still read by every scope that holds none of its own."""
        if data.get("version") == self.VERSION and isinstance(data.get("scopes"), dict):
            if not isinstance(data.get("legacy"), dict):
                data["legacy"] = {}
            return data
        legacy = {str(k): v for k, v in data.items() if _is_entry(v)}
        return {"version": self.VERSION, "scopes": {}, "legacy": legacy}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The lock on a file beside the store, waited for: writers take turns."""
        from postion_publish.store.lock import waiting_lock

        if not self.path.parent.exists():  # made here: its folder is the owner's alone, whatever the umask
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(self.path.parent, 0o700)
        with waiting_lock(self.path.with_name(self.path.name + ".lock")):
            yield


def _is_entry(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("value"), str)


@dataclass
class RedactingStore:
    """A token store that also tells the redactor: a token rotated during the run is a secret
    no environment variable holds, and platforms echo what they were sent."""

    inner: TokenStore
    redactor: Redactor
    on_secret: Callable[[str], None] = lambda value: None
    rotated: list[str] = field(default_factory=list)  # variable names, for the ledger's connection records

    def get(self, name: str) -> str | None:
        value = self.inner.get(name)
        if value:
            self.redactor.add(value)
        return value

    def put(self, name: str, value: str) -> None:
        self.redactor.add(value)
        self.on_secret(value)  # masked in the Action's log before anything could print it
        self.inner.put(name, value)
        self.rotated.append(name)


def default_token_file(environ: Mapping[str, str]) -> Path:
    """`$POSTION_TOKEN_FILE`, else `postion/tokens.json` in the user's config folder."""
    if environ.get("POSTION_TOKEN_FILE"):
        return Path(environ["POSTION_TOKEN_FILE"])
    base = environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "postion" / "tokens.json"


def credential(name: str, store: TokenStore, environ: Mapping[str, str]) -> str | None:
    """A credential's current value: the store's (rotated during this run) before the environment's."""
    return store.get(name) or environ.get(name, "").strip() or None
