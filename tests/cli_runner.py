"""Run `postion` in this process, as a user's terminal would see it: its exit status, what it wrote
on stdout and on stderr, and both as they interleaved (`output`)."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass


@dataclass
class Result:
    exit_code: int
    stdout_bytes: bytes
    stderr_bytes: bytes
    output_bytes: bytes  # stdout and stderr, in the order they were written
    exception: BaseException | None = None

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode()

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode()

    @property
    def output(self) -> str:
        return self.output_bytes.decode()


class _Both(io.RawIOBase):
    """Writes to a stream's own buffer and to the one both streams share."""

    def __init__(self, own: io.BytesIO, mixed: io.BytesIO) -> None:
        self.own, self.mixed = own, mixed

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.own.write(data)
        self.mixed.write(data)
        return len(data)


def _text_stream(raw: io.RawIOBase) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8", write_through=True)


@contextlib.contextmanager
def _environment(changes: Mapping[str, str | None]) -> Iterator[None]:
    """`changes` in os.environ (None: unset) while inside, as it was after."""
    saved = {name: os.environ.get(name) for name in changes}
    _apply(changes)
    try:
        yield
    finally:
        _apply(saved)


def _apply(values: Mapping[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


class CliRunner:
    def invoke(
        self,
        command: Callable[[Sequence[str]], None],
        args: Sequence[str] = (),
        env: Mapping[str, str | None] | None = None,
        input: str = "",
        terminal_width: int | None = None,
    ) -> Result:
        out, err, mixed = io.BytesIO(), io.BytesIO(), io.BytesIO()
        stdout, stderr = _text_stream(_Both(out, mixed)), _text_stream(_Both(err, mixed))
        changes = dict(env or {})
        if terminal_width is not None:
            changes["COLUMNS"] = str(terminal_width)
        saved = sys.stdin, sys.stdout, sys.stderr
        sys.stdin, sys.stdout, sys.stderr = io.StringIO(input), stdout, stderr
        code, error = 0, None
        try:
            with _environment(changes):
                command(list(args))
        except SystemExit as exited:
            if isinstance(exited.code, str):
                stderr.write(exited.code + "\n")
            code = exited.code if isinstance(exited.code, int) else int(exited.code is not None)
        except Exception as raised:  # a traceback a user would see
            code, error = 1, raised
        finally:
            stdout.flush()
            stderr.flush()
            sys.stdin, sys.stdout, sys.stderr = saved
        return Result(code, out.getvalue(), err.getvalue(), mixed.getvalue(), error)
