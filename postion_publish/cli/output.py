"""What every command prints and how it fails: one paragraph and an exit status, never a traceback."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from postion_publish.core.errors import BadInput

if TYPE_CHECKING:
    pass


def echo(text: str | bytes = "", *, err: bool = False, nl: bool = True) -> None:
    """Print at once: the Action's log shows each line as it comes. Bytes (encoded JSON) as they are.
    On a terminal, the marks that start a line are coloured (never when piped, or with NO_COLOR)."""
    stream = sys.stderr if err else sys.stdout
    if isinstance(text, bytes):
        stream.flush()
        stream.buffer.write(text + b"\n" if nl else text)
        stream.buffer.flush()
        return
    if text and terminal(stream):
        text = painted(text)
    stream.write(f"{text}\n" if nl else text)
    stream.flush()


def terminal(stream: TextIO) -> bool:
    """Colour and progress lines: for a person at a terminal only (https://no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# What starts a line, and its colour: results, the doctor's findings, warnings, errors, plan posts.
_MARKS = re.compile(r"^(\s*)(✓|✗|\?|!|●|-(?= )|Warning:|warning:|postion: error:|postion:)", re.M)
_COLOURS = {"✓": "32", "✗": "31", "?": "33", "!": "33", "●": "1", "-": "2", "Warning:": "33", "warning:": "33"}


def painted(text: str) -> str:
    """ANSI colour on the marks only: user text (titles, captions) is never restyled."""

    def paint(found: re.Match[str]) -> str:
        mark = found.group(2)
        code = _COLOURS.get(mark, "31")  # "postion: …": an error
        return f"{found.group(1)}\x1b[{code}m{mark}\x1b[0m"

    return _MARKS.sub(paint, text)


class Progress:
    """A line on stderr redrawn in place while long work goes on (reading thousands of posts,
    checking images), on a terminal only: piped output and logs get none of it."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.on = terminal(sys.stderr)
        self.shown = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        if not self.on or (now - self.shown < 0.1 and done != total):
            return
        self.shown = now
        count = f"{done:,}/{total:,}" if total else f"{done:,}"
        sys.stderr.write(f"\r\x1b[2K\x1b[2m{self.label}: {count}\x1b[0m")
        sys.stderr.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.on and self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


def fail(message: str, status: int) -> None:

    from postion_publish.core.inert import visible
    from postion_publish.core.redact import Redactor

    # A server's words may be in it: no escape sequence or bidi override reaches the terminal.
    echo(f"postion: {visible(Redactor.from_environment(os.environ).scrub(message, limit=None))}", err=True)
    sys.exit(status)


def parse_now(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--now must be an ISO date-time, not {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
