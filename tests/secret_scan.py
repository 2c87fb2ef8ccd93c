"""Looking for credentials where none may be: in raw, URL-encoded and base64 form (base64 at any
offset: each base64-looking run is decoded and searched), and in every reading a re-encoding could
hide one in (written apart from the redactor's, with the standard library's decoders): white
space dropped, HTML entities, `\\u`/`\\x` escapes, percent-encoding and quoted-printable decoded,
case folded, reversed, hex, base32, base64 of UTF-8 or UTF-16."""

from __future__ import annotations

import base64
import binascii
import html
import quopri
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus, unquote

_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")
MAX_SCANNED_FILE = 5 * 1024 * 1024


def _readings(text: str) -> Iterator[str]:
    """The text, and the text decoded each way (and every way in turn), white space dropped."""
    compact = re.sub(r"\s+", "", text)
    escapes = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})")
    decoders = (
        html.unescape,
        lambda t: escapes.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), t),
        unquote,
        lambda t: quopri.decodestring(re.sub(r"=\r?\n", "", t).encode("utf-8", "ignore")).decode("utf-8", "ignore"),
    )
    yield text
    yield compact
    chained = compact
    for decode in decoders:
        yield decode(compact)
        chained = decode(chained)
    yield chained
    yield re.sub(r"\s+", "", decoders[-1](text))  # quoted-printable's soft line breaks, then white space


def _base64_texts(readings: list[str]) -> list[tuple[str, str]]:
    """Each base64-looking run of the readings (standard or URL-safe), decoded once, as UTF-8 and,
    where it holds zero bytes, as UTF-16 (LE and BE): (the run, what it says)."""
    found = []
    for run in {run for reading in readings for run in _BASE64_RUN.findall(reading)}:
        padded = run.rstrip("=") + "=" * (-len(run.rstrip("=")) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                data = decode(padded)
            except (binascii.Error, ValueError):
                continue
            found.append((run, data.decode("utf-8", "ignore")))
            if b"\x00" in data:
                found += [(run, data.decode(encoding, "ignore")) for encoding in ("utf-16-le", "utf-16-be")]
    return found


def leaks(text: str, secrets: list[str]) -> list[str]:
    """Which secrets the text holds, in which form (each reading of the text made once, for all)."""
    readings = list(dict.fromkeys(_readings(text)))
    folded = "\x00".join(reading.lower() for reading in readings)  # one search each, in C
    runs = _base64_texts(readings)
    decoded = "\x00".join(said for _, said in runs)
    problems = []
    for secret in secrets:
        raw = secret.encode()
        forms = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret)}
        mine = [f"{secret!r} as {form!r}" for form in forms if form in text]
        needles = {
            "folded": secret.lower(),
            "reversed": secret[::-1].lower(),
            "hex": raw.hex(),
            "base32": base64.b32encode(raw).decode().rstrip("=").lower(),
        }
        how = next((name for name, needle in needles.items() if needle in folded), None)
        run = next((run for run, said in runs if secret in said), None) if secret in decoded else None
        if run is not None:
            mine.append(f"{secret!r} in base64 {run[:20]}…")
        elif how is not None and not mine:
            mine.append(f"{secret!r} re-encoded ({how})")
        problems += mine
    return problems


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
