"""Credentials out of every text we store, print or commit.

A platform may echo what it was sent: a 401 body quoting the token, a proxy's error page showing
the webhook URL. Every error text passes through `Redactor.scrub` before it reaches the ledger, the
state, `--json`, a job summary or a PR comment. The values come from the environment (the only
place credentials live) and are looked for in the forms they are likely to be echoed in.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

from postion_publish.core.urls import split_url

# POSTION_* variables that are settings, not credentials.
NOT_SECRET = (
    "POSTION_INPUT_",
    "POSTION_CACHE_DIR",
    "POSTION_DEMO_DIR",
    "POSTION_CRASH_AT",
    "POSTION_CONFIG",
    "POSTION_TOKEN_FILE",
    "POSTION_X_CLIENT_ID",  # an app's public identifier, shown in its authorize URL
)
OTHER_SECRETS = ("GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
MAX_ERROR_CHARS = 600  # an error body stored or shown is cut here: enough to act on, no page dumps
MIN_SECRET_CHARS = 4  # shorter values would redact ordinary words
HIDDEN = "[redacted]"
# A run that may be base64 (standard or URL-safe): decoded, it may hold a credential at any offset,
# where no precomputed form could be found.
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{12,}={0,2}")
# Tokens no environment variable holds (a Bluesky session, an OAuth access token a refresh made),
# recognised by their shape: after "Bearer", and JWTs.
_TOKEN_SHAPES = re.compile(
    r"(?i)(?<=bearer )[A-Za-z0-9._~+/-]+=*"  # an Authorization header, echoed
    r"|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"  # a JWT
)


def secret_values(environ: Mapping[str, str]) -> list[str]:
    """The credential values in the environment: POSTION_* (but settings) and the runner's tokens."""
    found = []
    for name, value in environ.items():
        is_secret = (name.startswith("POSTION_") and not name.startswith(NOT_SECRET)) or name in OTHER_SECRETS
        if is_secret and len(value.strip()) >= MIN_SECRET_CHARS:
            found.append(value.strip())
    return found


def secret_forms(value: str) -> set[str]:
    """The value and the forms it is likely to be printed in: URL-encoded, base64 (alone or as the
    password of HTTP basic auth), JSON-escaped, and for a webhook URL its path and last segment
    (the token)."""
    encoded = value.encode()
    forms = {
        value,
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        base64.b64encode(encoded).decode(),
        base64.b64encode(encoded).decode().rstrip("="),
        base64.urlsafe_b64encode(encoded).decode().rstrip("="),
        json.dumps(value)[1:-1],
    }
    parts = split_url(value) if value.startswith(("http://", "https://")) else None
    if parts is not None:
        path = parts.path.rstrip("/")
        forms.add(path)
        token = path.rsplit("/", 1)[-1]
        if len(token) >= 8:
            forms.add(token)
    return {form for form in forms if len(form) >= MIN_SECRET_CHARS}


class Redactor:
    """Replaces every form of every credential in a text, longest first (a URL before its token),
    then tokens by their shape, then base64 runs that decode to a credential, then what only a
    normalised reading finds (see `Normalised`): a secret re-encoded (hex, \\u escapes, HTML
    entities, quoted-printable, percent-encoding of some characters), upper-cased, reversed, split
    by white space, or base64 / base32 of it (wrapped at any width, of UTF-8 or UTF-16)."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values: list[str] = []
        self.forms: list[str] = []
        self.folded: list[str] = []  # looked for in the normalised, case-folded reading
        self.exact: list[str] = []  # base64: looked for in the normalised reading, case kept
        for value in values:
            self.add(value)

    def add(self, value: str) -> None:
        """One more secret (a token rotated during the run)."""
        forms = secret_forms(value)
        if value in self.values or not forms:
            return
        self.values = sorted({*self.values, value}, key=len, reverse=True)
        self.forms = sorted({*self.forms, *forms}, key=len, reverse=True)
        folded, exact = _encodings(value, forms)
        self.folded = sorted({*self.folded, *folded}, key=len, reverse=True)
        self.exact = sorted({*self.exact, *exact}, key=len, reverse=True)

    @staticmethod
    def from_environment(environ: Mapping[str, str]) -> Redactor:
        return Redactor(secret_values(environ))

    def scrub(self, text: str, limit: int | None = MAX_ERROR_CHARS) -> str:
        """The text without credentials; cut to `limit` characters after scrubbing (cutting first
        could leave part of a secret that no longer matches: what is read is the limit and a margin
        longer than any encoded secret)."""
        if limit is not None and len(text) > limit * 4 + 8192:
            text = text[: limit * 4 + 8192]
        for form in self.forms:
            if form in text:
                text = text.replace(form, HIDDEN)
        text = _TOKEN_SHAPES.sub(HIDDEN, text)
        if self.values:
            text = _BASE64_RUN.sub(lambda run: HIDDEN if self._hides_secret(run.group(0)) else run.group(0), text)
            text = self._scrub_normalised(text)
        if limit is not None and len(text) > limit:
            text = text[: limit - 1] + "…"
        return text

    def _hides_secret(self, run: str) -> bool:
        padded = run.rstrip("=") + "=" * (-len(run.rstrip("=")) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                raw = decode(padded)
            except (binascii.Error, ValueError):
                continue
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                decoded = raw.decode(encoding, "ignore")
                if any(value in decoded for value in self.values):
                    return True
        return False

    def _scrub_normalised(self, text: str) -> str:
        doomed: list[tuple[int, int]] = []
        # Each decoding can also spoil a secret that merely looks encoded (`1234=ABCD` is not
        # quoted-printable): every reading is searched, from white space alone to all decodings.
        for decodings in (Normalised.NONE, Normalised.ESCAPES, Normalised.ALL):
            reading = Normalised(text, decodings)
            folded = reading.text.lower()
            for needle in self.folded:
                doomed += reading.spans_of(folded, needle)
            for needle in self.exact:
                doomed += reading.spans_of(reading.text, needle)
            for run in _BASE64_RUN.finditer(reading.text):  # wrapped base64: its lines joined
                if self._hides_secret(run.group(0)):
                    doomed.append(reading.origin(run.start(), run.end()))
        return _replaced(text, doomed)


class Normalised:
    """A text as a secret may hide in it: escapes decoded (`\\uXXXX`, `\\xXX`, `&#NN;`, `&#xHH;`,
    `%HH`, quoted-printable `=HH` and soft line breaks), white space dropped. `origin` maps a span of
    this reading back to the original text."""

    # Seven groups in each, in this order: \u, \x, &#N;, &#xH;, %HH, quoted-printable =HH, white space.
    _ESCAPES = r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|&#(\d{1,7});|&#[xX]([0-9a-fA-F]{1,6});|%([0-9a-fA-F]{2})"
    NONE = re.compile(r"()()()()()()(\s)")  # white space dropped, nothing decoded
    ESCAPES = re.compile(_ESCAPES + r"|()(\s)")
    ALL = re.compile(_ESCAPES + r"|=([0-9A-F]{2})|=\r?\n|(\s)")  # and quoted-printable

    def __init__(self, text: str, decodings: re.Pattern[str] | None = None) -> None:
        chars: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        for match in (decodings or self.ALL).finditer(text):
            for index in range(position, match.start()):
                chars.append(text[index])
                starts.append(index)
                ends.append(index + 1)
            position = match.end()
            decoded = self._decoded(match)
            if decoded:
                chars.append(decoded)
                starts.append(match.start())
                ends.append(match.end())
        for index in range(position, len(text)):
            chars.append(text[index])
            starts.append(index)
            ends.append(index + 1)
        self.text = "".join(chars)
        self._starts, self._ends = starts, ends

    @staticmethod
    def _decoded(match: re.Match[str]) -> str:
        number = next(
            ((group, base) for group, base in zip(match.groups()[:6], (16, 16, 10, 16, 16, 16), strict=True) if group),
            None,
        )
        if number is None:
            return ""  # white space, or a soft line break
        try:
            return chr(int(number[0], number[1]))
        except (ValueError, OverflowError):
            return match.group(0)[:1]

    def origin(self, start: int, end: int) -> tuple[int, int]:
        return self._starts[start], self._ends[end - 1]

    def spans_of(self, haystack: str, needle: str) -> list[tuple[int, int]]:
        found = []
        start = haystack.find(needle)
        while start != -1:
            found.append(self.origin(start, start + len(needle)))
            start = haystack.find(needle, start + 1)
        return found


def _encodings(value: str, forms: Iterable[str]) -> tuple[set[str], set[str]]:
    """What to look for in the normalised reading: case-folded (the value and its forms, reversed
    too; hex; base32) and exact (base64 of UTF-8 and UTF-16, unpadded: wrapped lines are joined)."""
    folded: set[str] = set()
    for form in {value, *forms}:
        compact = "".join(form.split()).lower()
        folded |= {compact, compact[::-1]}
    raw = value.encode()
    folded.add(raw.hex())
    folded.add(base64.b32encode(raw).decode().rstrip("=").lower())
    exact = set()
    for data in (raw, value.encode("utf-16-le"), value.encode("utf-16-be"), value.encode("utf-16")):
        exact.add(base64.b64encode(data).decode().rstrip("="))
        exact.add(base64.urlsafe_b64encode(data).decode().rstrip("="))
    return {f for f in folded if len(f) >= MIN_SECRET_CHARS}, {e for e in exact if len(e) >= MIN_SECRET_CHARS}


def _replaced(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span (merged where they touch) replaced by HIDDEN."""
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out += [text[position:start], HIDDEN]
        position = end
    out.append(text[position:])
    return "".join(out)
