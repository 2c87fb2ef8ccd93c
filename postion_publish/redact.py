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

from postion_publish.urls import split_url

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
    then tokens by their shape, then base64 runs that decode to a credential."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values: list[str] = []
        self.forms: list[str] = []
        for value in values:
            self.add(value)

    def add(self, value: str) -> None:
        """One more secret (a token rotated during the run)."""
        forms = secret_forms(value)
        if value in self.values or not forms:
            return
        self.values = sorted({*self.values, value}, key=len, reverse=True)
        self.forms = sorted({*self.forms, *forms}, key=len, reverse=True)

    @staticmethod
    def from_environment(environ: Mapping[str, str]) -> Redactor:
        return Redactor(secret_values(environ))

    def scrub(self, text: str, limit: int | None = MAX_ERROR_CHARS) -> str:
        """The text without credentials; cut to `limit` characters after scrubbing (cutting first
        could leave part of a secret that no longer matches)."""
        for form in self.forms:
            if form in text:
                text = text.replace(form, HIDDEN)
        text = _TOKEN_SHAPES.sub(HIDDEN, text)
        if self.values:
            text = _BASE64_RUN.sub(lambda run: HIDDEN if self._hides_secret(run.group(0)) else run.group(0), text)
        if limit is not None and len(text) > limit:
            text = text[: limit - 1] + "…"
        return text

    def _hides_secret(self, run: str) -> bool:
        padded = run.rstrip("=") + "=" * (-len(run.rstrip("=")) % 4)
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = decode(padded).decode("utf-8", "ignore")
            except (binascii.Error, ValueError):
                continue
            if any(value in decoded for value in self.values):
                return True
        return False
