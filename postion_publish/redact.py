"""Credentials out of every text we store, print or commit.

A platform may echo what it was sent: a 401 body quoting the token, a proxy's error page showing
the webhook URL. Every error text passes through `Redactor.scrub` before it reaches the ledger, the
state, `--json`, a job summary or a PR comment. The values come from the environment (the only
place credentials live) and are looked for in the forms they are likely to be echoed in.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus, urlsplit

# POSTION_* variables that are settings, not credentials.
NOT_SECRET = ("POSTION_INPUT_", "POSTION_CACHE_DIR", "POSTION_DEMO_DIR", "POSTION_CRASH_AT", "POSTION_CONFIG")
OTHER_SECRETS = ("GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
MAX_ERROR_CHARS = 600  # an error body stored or shown is cut here: enough to act on, no page dumps
MIN_SECRET_CHARS = 4  # shorter values would redact ordinary words
HIDDEN = "[redacted]"


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
        quote_plus(value),
        base64.b64encode(encoded).decode(),
        base64.b64encode(encoded).decode().rstrip("="),
        base64.urlsafe_b64encode(encoded).decode().rstrip("="),
        json.dumps(value)[1:-1],
    }
    if value.startswith(("http://", "https://")):
        path = urlsplit(value).path.rstrip("/")
        forms.add(path)
        token = path.rsplit("/", 1)[-1]
        if len(token) >= 8:
            forms.add(token)
    return {form for form in forms if len(form) >= MIN_SECRET_CHARS}


class Redactor:
    """Replaces every form of every credential in a text, longest first (a URL before its token)."""

    def __init__(self, values: Iterable[str]) -> None:
        forms: set[str] = set()
        for value in values:
            forms |= secret_forms(value)
        self.forms = sorted(forms, key=len, reverse=True)

    @staticmethod
    def from_environment(environ: Mapping[str, str]) -> Redactor:
        return Redactor(secret_values(environ))

    def scrub(self, text: str, limit: int | None = MAX_ERROR_CHARS) -> str:
        """The text without credentials; cut to `limit` characters after scrubbing (cutting first
        could leave part of a secret that no longer matches)."""
        for form in self.forms:
            if form in text:
                text = text.replace(form, HIDDEN)
        if limit is not None and len(text) > limit:
            text = text[: limit - 1] + "…"
        return text
