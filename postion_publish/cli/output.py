"""What every command prints and how it fails: one paragraph and an exit status, never a traceback."""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import TYPE_CHECKING

from postion_publish.core.errors import BadInput

if TYPE_CHECKING:
    pass


def echo(text: str | bytes = "", *, err: bool = False, nl: bool = True) -> None:
    """Print at once: the Action's log shows each line as it comes. Bytes (encoded JSON) as they are."""
    stream = sys.stderr if err else sys.stdout
    if isinstance(text, bytes):
        stream.flush()
        stream.buffer.write(text + b"\n" if nl else text)
        stream.buffer.flush()
        return
    stream.write(f"{text}\n" if nl else text)
    stream.flush()


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
