"""`postion`'s command line: one parser, each command's options, the config found as git finds a repository."""

from __future__ import annotations

import argparse
import inspect
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postion_publish.cli.account_commands import connect, disconnect, tokens_refresh, tokens_remind, tokens_status
from postion_publish.cli.local_commands import action, demo, doctor, sandbox, try_action
from postion_publish.cli.output import echo
from postion_publish.cli.posts_commands import (
    adapt,
    backfeed,
    export_syndication,
    history,
    init,
    plan,
    post,
    publish,
    quota,
    report_page,
    retry,
)
from postion_publish.core import registry
from postion_publish.core.config_platforms import ACCOUNT_NAME
from postion_publish.core.errors import BadInput

if TYPE_CHECKING:
    pass

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


DESCRIPTION = "Announce your blog's new posts on social platforms, from your build and CI."
EPILOG = """\
Examples:
  postion init && postion init --baseline   start: nothing old is announced
  postion plan                              what would be posted, where (no network)
  postion publish                           post what is new; record it in .postion/
  postion demo                              try it all on a local sandbox

Exit status: 0 done; 1 a job failed (the others still ran);
2 bad input or configuration (nothing written). Reference: README.md"""


CONFIG_HELP = (
    "The configuration file; .postion/ sits beside it (default: postion.yml here, else in the nearest folder above)."
)


JSON_HELP = "One JSON object on stdout; progress on stderr."


CONFIG = Path("postion.yml")


def located(default: Path, for_init: bool) -> Path:
    """The config as git finds a repository: here, else in the nearest folder above (said, on
    stderr). `init` in a subfolder of a configured blog asks before writing a second one."""
    if default.exists():
        return default
    here = Path.cwd()
    found = next((folder / default for folder in here.parents if (folder / default).is_file()), None)
    if found is None:
        return default

    shown = Path(os.path.relpath(found, here))
    if not for_init:
        echo(f"(using {shown})", err=True)
        return shown
    question = f"{shown} configures this blog already: write a second {default} here? [y/N] "
    if not sys.stdin.isatty():
        raise BadInput(
            f"{question.split(':')[0]}: run `postion init` there (`-c {shown}`), or `postion init -c {default}` "
            "to write a second one here"
        )
    if input(question).strip().lower() not in ("y", "yes"):
        raise BadInput("nothing written")
    return default


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """`postion`'s parser; with `only`, that command's alone (a run needs one; every command's
    parser takes 4 ms more to build)."""
    parser = argparse.ArgumentParser(
        prog="postion",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, default=argparse.SUPPRESS, help="Show the version and exit."
    )
    config_help = "The configuration file, for every command (also accepted after the command)."
    parser.add_argument("-c", "--config", dest="config_path", type=Path, metavar="PATH", help=config_help)
    parser.set_defaults(help_of=parser)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    for name, add in COMMANDS.items():
        if only is None or name == only:
            add(commands)
    return parser


def command_named(args: Sequence[str]) -> str | None:
    """The known command `args` name, for a parser of it alone; None (every command, for the help
    or an error listing them) for none, an unknown one or a help asked before it."""
    rest = iter(args)
    for arg in rest:
        if arg in ("-h", "--help"):
            return None
        if arg in ("-c", "--config"):
            next(rest, None)
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def _add_init(commands: Commands) -> None:
    sub = _command(commands, init, CONFIG)
    _flag(sub, "--baseline", "Mark every current post as already announced.")
    _flag(sub, "--force", "With --baseline and a state already: mark the new posts too.")


def _add_plan(commands: Commands) -> None:
    sub = _command(commands, plan, CONFIG)
    _flag(sub, "--json", "One JSON object, for machines.", dest="as_json")
    _flag(sub, "--markdown", "Markdown, as the pull-request comment shows it.", dest="as_markdown")


def _add_publish(commands: Commands) -> None:
    sub = _command(commands, publish, CONFIG)
    _flag(sub, "--dry-run", "Show what would be sent; send and write nothing.")
    _platforms_option(sub, "Only this platform (repeatable).")
    sub.add_argument("--post", dest="post_url", metavar="URL", help="Only the new post with this URL.")
    _flag(sub, "--wait-live", "First wait until each new post's page is served (HTTP 200).")
    seconds = _number(float, 0)
    sub.add_argument("--wait-timeout", type=seconds, default=600, metavar="SECONDS", help="Seconds (default: 600).")
    _flag(sub, "--json", JSON_HELP, dest="as_json")


def _add_post(commands: Commands) -> None:
    sub = _command(commands, post, CONFIG)
    sub.add_argument("url")
    _platforms_option(sub, "Only this platform (repeatable).")
    sub.add_argument("--caption", metavar="TEXT", help="The caption for every platform (a template: {{ url }} works).")
    for name in registry.names():
        sub.add_argument(f"--caption-{name}", dest=f"caption_{name}", metavar="TEXT", help=f"The caption for {name}.")
    _flag(sub, "--ai", "Adapt and store its captions first (`postion adapt URL`).", dest="use_ai")
    _flag(sub, "--json", JSON_HELP, dest="as_json")


def _add_retry(commands: Commands) -> None:
    sub = _command(commands, retry, CONFIG)
    sub.add_argument("attempt_ids", nargs="*", metavar="ID")
    posted = "The attempt did go out, at this URL: record it as published (counted in the quota), send nothing."
    sub.add_argument("--posted", dest="posted_url", metavar="LIVE_URL", help=posted)
    _flag(sub, "--again", "Post these announced jobs once more, on purpose (a new post, counted in the quota).")
    _flag(sub, "--json", JSON_HELP, dest="as_json")


def _add_history(commands: Commands) -> None:
    sub = _command(commands, history, CONFIG, now=False)
    _flag(sub, "--json", "A JSON list, newest first.", dest="as_json")
    sub.add_argument("--limit", type=_number(int, 1), metavar="N", help="Only the newest N attempts.")


def _add_quota(commands: Commands) -> None:
    _flag(_command(commands, quota, CONFIG), "--json", "One JSON object.", dest="as_json")


def _add_backfeed(commands: Commands) -> None:
    sub = _command(commands, backfeed, CONFIG)
    _flag(sub, "--force", "Read again the copies read within the last hour too.")
    sub.add_argument(
        "--max-requests", type=_number(int, 2, 10_000), default=60, metavar="N", help="At most N requests (60)."
    )


def _add_report(commands: Commands) -> None:
    sub = _command(commands, report_page, CONFIG, name="report")
    sub.add_argument("--html", type=Path, required=True, metavar="FILE", help="Where to write the page.")


def _add_export(commands: Commands) -> None:
    described = "Data files from the records: `export syndication` (where each post was announced)."
    export = commands.add_parser("export", help=described, description=described, allow_abbrev=False)
    export.set_defaults(help_of=export)
    under = export.add_subparsers(title="commands", metavar="COMMAND", dest="subcommand")
    sub = _command(under, export_syndication, CONFIG, name="syndication", now=False)
    formats = ("json", "hugo", "jekyll", "eleventy")
    help_text = "json: keyed by post URL; hugo, eleventy (JSON), jekyll (YAML): keyed by the post's path."
    sub.add_argument("--format", choices=formats, default="json", help=help_text)
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="Where to write it (default: stdout).")


def _add_adapt(commands: Commands) -> None:
    sub = _command(commands, adapt, CONFIG)
    sub.add_argument("posts", nargs="*", metavar="POST")
    _platforms_option(sub, "Only this one.")
    _flag(sub, "--force", "Write them again, even those stored and up to date.")


def _add_connect(commands: Commands) -> None:
    sub = _command(commands, connect, CONFIG)
    sub.add_argument("platform", type=_platform)
    sub.add_argument("--to", choices=["github", "file"], help="Where the credentials go (default: found).")
    client_id = "The app's client id (X, LinkedIn, Threads); else POSTION_<P>_CLIENT_ID."
    sub.add_argument("--client-id", metavar="ID", help=client_id)
    client_secret = "The app's client secret (LinkedIn, Threads; confidential X apps)."
    sub.add_argument("--client-secret", metavar="SECRET", help=client_secret)
    port = _number(int, 1, 65535)
    port_help = "The loopback port (default: X and LinkedIn 8976, as registered in the app; else a random one)."
    sub.add_argument("--port", type=port, default=None, metavar="N", help=port_help)
    _flag(sub, "--paste", "No browser here: paste the address the browser was sent to.")
    _flag(sub, "--oauth1", "X: OAuth 1.0a keys instead of OAuth 2.0.")


def _add_disconnect(commands: Commands) -> None:
    sub = _command(commands, disconnect, CONFIG)
    sub.add_argument("platform", type=_platform)
    sub.add_argument("--to", choices=["github", "file"], help="Where the credentials are (default: found).")


def _add_tokens(commands: Commands) -> None:
    described = "Token health: status (exit 1 if any expired), refresh, reminders."
    tokens = commands.add_parser("tokens", help=described, description=described, allow_abbrev=False)
    tokens.set_defaults(help_of=tokens)
    under = tokens.add_subparsers(title="commands", metavar="COMMAND", dest="subcommand")
    sub = _command(under, tokens_status, CONFIG, name="status")
    _flag(sub, "--check", "One cheap live call per platform (never a post).")
    _flag(sub, "--json", "One JSON object.", dest="as_json")
    sub = _command(under, tokens_refresh, CONFIG, name="refresh")
    sub.add_argument("platform", nargs="?", type=_platform)
    _flag(_command(under, tokens_remind, CONFIG, name="remind"), "--check", "Check each connection live first.")


def _add_action(commands: Commands) -> None:
    its_config = "The configuration file (else the action's `config` input, else postion.yml)."
    _command(commands, action, None, now=False, config_help=its_config)


def _add_doctor(commands: Commands) -> None:
    sub = _command(commands, doctor, CONFIG)
    _flag(sub, "--check", "Also ask each platform whether it accepts the credentials (network).")


def _add_try_action(commands: Commands) -> None:
    sub = _command(commands, try_action, None, name="try-action", now=False)
    sub.add_argument("event", choices=("push", "pull_request", "schedule"), help="The event to run the Action for.")
    sub.add_argument("--build-command", metavar="CMD", help="Build the site first, as the Action's input does.")


def _add_sandbox(commands: Commands) -> None:
    its_config = "Show the keys and credentials for this configuration's platforms only."
    sub = _command(commands, sandbox, None, now=False, config_help=its_config)
    port = _number(int, 0, 65535)
    sub.add_argument("--port", type=port, default=8787, metavar="N", help="0: any free port (default: 8787).")


def _add_demo(commands: Commands) -> None:
    its_config = "Not used: the demo publishes its bundled example (see `postion sandbox -c`)."
    sub = _command(commands, demo, None, now=False, config_help=its_config)
    _flag(sub, "--no-serve", "Exit once published instead of serving the links.")


def _command(
    commands: Commands,
    function: Callable[..., None],
    config: Path | None,
    *,
    name: str | None = None,
    now: bool = True,
    config_help: str = CONFIG_HELP,
) -> argparse.ArgumentParser:
    """A command running `function`, its help from the docstring, with `-c` (after the command
    too; `config`: its default) and the hidden `--now`."""
    described = inspect.cleandoc(function.__doc__ or "")
    sub = commands.add_parser(
        name or function.__name__,
        help=described.split("\n")[0],
        description=described,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    # SUPPRESS: not given after the command, the value given before it (or None) stays.
    sub.add_argument(
        "-c", "--config", dest="config_path", type=Path, metavar="PATH", default=argparse.SUPPRESS, help=config_help
    )
    if now:
        sub.add_argument("--now", help=argparse.SUPPRESS)  # pretend the time is this (ISO 8601): tests, previews
    sub.set_defaults(run=function, config_default=config)
    return sub


def _flag(command: argparse.ArgumentParser, name: str, help: str, *, dest: str | None = None) -> None:
    command.add_argument(name, action="store_true", help=help, dest=dest or name[2:].replace("-", "_"))


def _platforms_option(command: argparse.ArgumentParser, help: str) -> None:
    command.add_argument(
        "--platform", dest="platforms", action="append", default=[], type=_platform, metavar="P", help=help
    )


def _platform(value: str) -> str:
    """A platform of the registry, or one of its accounts (`mastodon/project`)."""
    kind, _, account = value.partition("/")
    if kind in registry.names() and account and ACCOUNT_NAME.fullmatch(account):
        return value
    if value not in registry.names():
        raise argparse.ArgumentTypeError(f"{value!r} is not a platform; known: {', '.join(registry.names())}")
    return value


def _number(kind: Callable[[str], float], low: float, high: float | None = None) -> Callable[[str], Any]:
    """A number of `kind` within [low, high]."""

    def read(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not low <= value or (high is not None and not value <= high):  # NaN is neither
            bounds = f"at least {low:g}" if high is None else f"from {low:g} to {high:g}"
            raise argparse.ArgumentTypeError(f"{text} is not {bounds}")
        return value

    return read


class _Version(argparse.Action):
    """`--version`: read from the installed package only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        from postion_publish import __version__

        echo(f"postion, version {__version__}")
        parser.exit()


COMMANDS: dict[str, Callable[[Commands], None]] = {
    "init": _add_init,
    "plan": _add_plan,
    "publish": _add_publish,
    "post": _add_post,
    "retry": _add_retry,
    "history": _add_history,
    "quota": _add_quota,
    "report": _add_report,
    "backfeed": _add_backfeed,
    "export": _add_export,
    "adapt": _add_adapt,
    "connect": _add_connect,
    "disconnect": _add_disconnect,
    "tokens": _add_tokens,
    "doctor": _add_doctor,
    "action": _add_action,
    "try-action": _add_try_action,
    "sandbox": _add_sandbox,
    "demo": _add_demo,
}
