"""The `postion` commands: parse, call, print. No logic of its own."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence

from postion_publish.cli.output import fail
from postion_publish.cli.parser import build_parser, command_named, located
from postion_publish.cli.posts_commands import init
from postion_publish.core.errors import BadInput, PostionError

__all__ = ["main", "run"]


def main(argv: Sequence[str] | None = None) -> None:
    """Announce your blog's new posts on social platforms, from your build and CI."""
    args = sys.argv[1:] if argv is None else list(argv)
    options = vars(build_parser(command_named(args)).parse_args(args))
    command: Callable[..., None] | None = options.pop("run", None)
    shown: argparse.ArgumentParser = options.pop("help_of")
    if command is None:  # `postion` or `postion tokens` alone
        shown.print_help()
        sys.exit(2)
    if options["config_path"] is None:  # given neither before nor after the command
        options["config_path"] = options["config_default"]
        if options["config_default"] is not None:
            try:
                options["config_path"] = located(options["config_default"], command is init)
            except BadInput as error:
                fail(f"error: {error}", 2)
    for internal in ("config_default", "command", "subcommand"):
        options.pop(internal, None)
    arguments = {name: tuple(value) if isinstance(value, list) else value for name, value in options.items()}
    try:
        command(**arguments)
    except BadInput as error:  # bad input exits 2 with one paragraph, other known failures 1: no traceback
        fail(f"error: {error}", 2)
    except PostionError as error:
        fail(f"error: {error}", 1)
    except BrokenPipeError:  # `postion plan | head`: the reader has what it wanted; nothing more to say
        sys.exit(1)
    except OSError as error:  # a read-only folder or a full disk, met where no file was expected
        where = f"{error.filename}: " if error.filename else ""
        fail(f"error: {where}{error.strerror or error.__class__.__name__}", 2)


def run() -> None:
    """The `postion` command. A run is short: the collector runs a hundred times less often than
    Python's default (a large state's load set it off about 180 times), and once the output is
    flushed the process leaves without tearing the interpreter down (every file is written and
    closed, atomically, before a command returns). Under a profiler or a coverage tracer, which
    write their figures as the interpreter ends, it ends as usual. `benchmarks/` has the figures."""
    gc.set_threshold(100_000, 20, 10)
    try:
        main()
        leaving = SystemExit(0)
    except SystemExit as ended:
        leaving = ended
    if isinstance(leaving.code, str):
        print(leaving.code, file=sys.stderr)
    status = leaving.code if isinstance(leaving.code, int) else int(leaving.code is not None)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`postion plan | head`): nothing more to say
            status = status or 1
    if sys.gettrace() is None and sys.getprofile() is None:
        os._exit(status)
    sys.exit(status)
