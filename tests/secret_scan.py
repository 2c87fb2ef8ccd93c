"""Looking for credentials where none may be: in raw, URL-encoded and base64 form (base64 at any
offset: each base64-looking run is decoded and searched)."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from urllib.parse import quote, quote_plus

_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
MAX_SCANNED_FILE = 5 * 1024 * 1024


def leaks(text: str, secrets: list[str]) -> list[str]:
    """Which secrets the text holds, in which form."""
    found = []
    for secret in secrets:
        for form in {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}:
            if form in text:
                found.append(f"{secret!r} as {form!r}")
        for run in _BASE64_RUN.findall(text):
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                try:
                    decoded = decode(run.rstrip("=") + "=" * (-len(run.rstrip("=")) % 4)).decode("utf-8", "ignore")
                except (binascii.Error, ValueError):
                    continue
                if secret in decoded:
                    found.append(f"{secret!r} in base64 {run[:20]}…")
    return found


def files_with_leaks(folder: Path, secrets: list[str]) -> dict[str, list[str]]:
    """Every file below `folder` holding a secret, but session caches (kept outside any repository
    on purpose, 0600) and git's compressed objects (their working trees are scanned instead)."""
    found = {}
    for path in folder.rglob("*"):
        parts = set(path.parts)
        if ".cache" in parts or ".git" in parts or path.name.endswith(".git") or not path.is_file():
            continue
        if path.is_symlink() or path.stat().st_size > MAX_SCANNED_FILE:
            continue
        if problems := leaks(path.read_text(errors="replace"), secrets):
            found[str(path)] = problems
    return found
