"""Facts about a server kept between runs in the cache folder (never in the repository), so that a
run does not ask again what rarely or never changes: a Mastodon instance's character limit, the
guild of a Discord webhook. A missing, stale or damaged file only costs the request it saves."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postion_publish.core.errors import BadInput
from postion_publish.store.jsonfile import write_json_atomic

if TYPE_CHECKING:
    from nacl.secret import SecretBox


def read_fact(path: Path | None, now: dt.datetime, max_age: dt.timedelta | None = None) -> Mapping[str, Any] | None:
    """What was cached, unless it is older than `max_age` (None: it never goes stale)."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fetched = dt.datetime.fromisoformat(data["fetched"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(data, dict) or (max_age is not None and not dt.timedelta(0) <= now - fetched <= max_age):
        return None
    return data


def write_fact(path: Path | None, now: dt.datetime, **facts: Any) -> None:
    """Best effort: a folder that cannot be written costs the next run one request, never this run."""
    if path is None:
        return
    with contextlib.suppress(BadInput):
        write_json_atomic(path, {**facts, "fetched": now.isoformat()}, mode=0o600)


def _box(secret: str) -> SecretBox:
    from nacl.secret import SecretBox

    # The secret is a platform credential (a Bluesky app password: 16 random characters), so one
    # fast hash makes a key nobody can guess; a slow password hash would cost every run its time.
    return SecretBox(hashlib.sha256(b"postion-publish cache\x00" + secret.encode()).digest())


def write_sealed_fact(path: Path | None, now: dt.datetime, secret: str, **facts: Any) -> None:
    """`write_fact` for tokens, encrypted with a key derived from the credential they came from:
    the cache folder may travel (the Action keeps it in GitHub's cache, which workflows of pull
    requests, from forks too, can restore) and it is useless without that credential."""
    sealed = _box(secret).encrypt(json.dumps(facts).encode())
    write_fact(path, now, sealed=base64.b64encode(sealed).decode())


def read_sealed_fact(path: Path | None, now: dt.datetime, secret: str) -> Mapping[str, Any] | None:
    cached = read_fact(path, now)
    if cached is None or not isinstance(cached.get("sealed"), str):
        return None  # a first run: PyNaCl is loaded after its first request, not before
    from nacl.exceptions import CryptoError

    try:
        facts = json.loads(_box(secret).decrypt(base64.b64decode(cached["sealed"])))
    except (CryptoError, ValueError, TypeError):
        return None  # another credential's, or damaged: one new session
    return facts if isinstance(facts, dict) else None
