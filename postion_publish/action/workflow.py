"""GitHub Actions workflow commands, outputs and the job summary.

Facts (docs.github.com/actions, "Workflow commands" and "Adding a job summary"): `::add-mask::`
before anything could print a value (secrets are masked by GitHub, derived values are not); `%`, CR,
LF escaped in data, and `:` `,` too in properties; the summary is Markdown, at most 1 MiB per step."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from postion_publish.core.redact import secret_forms, secret_values

MAX_SUMMARY = 1024 * 1024

Emit = Callable[[str], None]


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def mask_secrets(environ: Mapping[str, str], emit: Emit) -> None:
    for value in secret_values(environ):
        for form in sorted(secret_forms(value)):
            emit(f"::add-mask::{escape_data(form)}")


class StoppedCommands:
    """While commands are stopped, a new secret (a token rotated mid-run) can still be masked:
    commands resume for its `::add-mask::` lines only, then stop again under a new token."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self.token = secrets.token_hex(16)
        emit(f"::stop-commands::{self.token}")

    def mask(self, value: str) -> None:
        self.emit(f"::{self.token}::")
        for form in sorted(secret_forms(value)):
            self.emit(f"::add-mask::{escape_data(form)}")
        self.token = secrets.token_hex(16)
        self.emit(f"::stop-commands::{self.token}")

    def resume(self) -> None:
        self.emit(f"::{self.token}::")


@contextmanager
def commands_stopped(emit: Emit) -> Iterator[StoppedCommands]:
    """No line printed inside is read as a workflow command: titles and captions are user text,
    and a title holding `::add-mask::` or `::error::` must stay text. The resume token is random,
    so no text can guess it."""
    stopped = StoppedCommands(emit)
    try:
        yield stopped
    finally:
        stopped.resume()


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
        # At a line's end: every line holding user text is whole or gone, never a code span cut open.
        kept = data[: MAX_SUMMARY - 1024].decode("utf-8", "ignore").rsplit("\n", 1)[0]
        markdown = kept + "\n\n…cut here: a job summary holds at most 1 MiB.\n"
    with Path(path).open("a", encoding="utf-8") as stream:
        stream.write(markdown.rstrip("\n") + "\n")
