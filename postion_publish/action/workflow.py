"""GitHub Actions workflow commands, outputs and the job summary.

Facts: shared/platforms.md §8 and shared/integrations.md: `::add-mask::` before anything could
print a value (secrets are masked by GitHub, derived values are not); `%`, CR, LF escaped in data,
and `:` `,` too in properties; the summary is Markdown, at most 1 MiB per step.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote, urlsplit

MAX_SUMMARY = 1024 * 1024
NOT_SECRET = ("POSTION_INPUT_", "POSTION_CACHE_DIR", "POSTION_DEMO_DIR", "POSTION_CRASH_AT")

Emit = Callable[[str], None]


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def secret_forms(value: str) -> set[str]:
    """The value and the forms it is likely to be printed in: URL-encoded, base64, and for a
    webhook URL its last path segment (the token)."""
    forms = {value, quote(value, safe=""), base64.b64encode(value.encode()).decode()}
    if value.startswith(("http://", "https://")):
        token = urlsplit(value).path.rstrip("/").rsplit("/", 1)[-1]
        if len(token) >= 8:
            forms.add(token)
    return {form for form in forms if len(form) >= 4}


def mask_secrets(environ: Mapping[str, str], emit: Emit) -> None:
    for name, value in environ.items():
        is_secret = name.startswith("POSTION_") and not name.startswith(NOT_SECRET)
        if (is_secret or name in ("GITHUB_TOKEN", "POSTION_GITHUB_SECRETS_TOKEN")) and value.strip():
            for form in sorted(secret_forms(value.strip())):
                emit(f"::add-mask::{escape_data(form)}")


def annotation(kind: str, message: str, emit: Emit, *, file: str | None = None, line: int | None = None) -> None:
    properties = []
    if file:
        properties.append(f"file={escape_property(file)}")
    if line:
        properties.append(f"line={line}")
    emit(f"::{kind}{' ' + ','.join(properties) if properties else ''}::{escape_data(message)}")


def set_outputs(path: str | None, outputs: Mapping[str, str]) -> None:
    if not path:
        return
    with open(path, "a", encoding="utf-8") as stream:
        for name, value in outputs.items():
            delimiter = f"postion_{secrets.token_hex(8)}"
            stream.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def append_summary(path: str | None, markdown: str) -> None:
    if not path:
        return
    data = markdown.encode("utf-8")
    if len(data) > MAX_SUMMARY - 1024:
        note = "\n\n…cut here: a job summary holds at most 1 MiB.\n"
        markdown = data[: MAX_SUMMARY - 1024].decode("utf-8", "ignore") + note
    with Path(path).open("a", encoding="utf-8") as stream:
        stream.write(markdown.rstrip("\n") + "\n")
