"""The `postion` commands: parse, call, print. No logic of its own."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import inspect
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postion_publish.core import registry
from postion_publish.core.errors import BadInput, PostionError
from postion_publish.core.inert import one_line
from postion_publish.store.jsonfile import encoded, encoded_lists

if TYPE_CHECKING:
    from postion_publish.core.results import JobResult
    from postion_publish.run.workspace import RunOptions, RunOutcome, Unsettled

STARTER_CONFIG = """\
# postion-publish: announce new posts on social platforms. Reference: README.md
site_url: {site_url:<27} # the address of your published site{site_note}
source:
  type: {source_type:<33} # content | site | mkdocs | pelican
  path: {source_path:<33} # {source_note}
template: |
  New post: {{{{ title }}}}
  {{{{ excerpt }}}}
  {{{{ url }}}}
platforms:                              # only listed platforms are used
  bluesky: {{handle: me.example.com}}
  mastodon: {{instance: https://mastodon.social}}
quota: {{monthly_units: 300, billing_day: 1}}
"""


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


def _fail(message: str, status: int) -> None:
    import os

    from postion_publish.core.inert import visible
    from postion_publish.core.redact import Redactor

    # A server's words may be in it: no escape sequence or bidi override reaches the terminal.
    echo(f"postion: {visible(Redactor.from_environment(os.environ).scrub(message, limit=None))}", err=True)
    sys.exit(status)


def _now(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--now must be an ISO date-time, not {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


EPILOG = """\
Examples:
  postion init && postion init --baseline   start: nothing old is announced
  postion plan                              what would be posted, where (no network)
  postion publish                           post what is new; record it in .postion/
  postion demo                              try it all on a local sandbox

Exit status: 0 done; 1 a job failed (the others still ran);
2 bad input or configuration (nothing written). Reference: README.md"""


def _generator_site_url(folder: Path) -> tuple[str, str] | None:
    """The site's address as its generator is told it (MkDocs' `site_url`, Pelican's `SITEURL`,
    the published one of publishconf.py first), read as text: a config file is never run."""
    import re

    mkdocs = r"^site_url:[ \t]*[\"']?(https?://[^\"'\s#]+)"
    pelican = r"^SITEURL[ \t]*=[ \t]*[\"'](https?://[^\"']+)[\"']"
    sources = (
        ("mkdocs.yml", mkdocs),
        ("mkdocs.yaml", mkdocs),
        ("publishconf.py", pelican),
        ("pelicanconf.py", pelican),
    )
    for name, pattern in sources:
        try:
            text = (folder / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if found := re.search(pattern, text, re.MULTILINE):
            return found.group(1).rstrip("/"), name
    return None


def _detected_source(folder: Path) -> tuple[str, str, str]:
    """The source a starter config should name: the site generator found beside it, if any."""
    if (folder / "mkdocs.yml").exists() or (folder / "mkdocs.yaml").exists():
        return "mkdocs", "site", "the built site, with the postion plugin in mkdocs.yml (README: MkDocs)"
    if (folder / "pelicanconf.py").exists():
        return "pelican", "output", "the built site, with the postion plugin (README: Pelican)"
    return "content", "posts", "your Markdown posts (front matter: title, date, …)"


def init(baseline: bool, force: bool, config_path: Path, now: str | None) -> None:
    """Write a starter postion.yml; with --baseline, mark every current post as announced."""
    if not config_path.exists():
        source_type, source_path, note = _detected_source(config_path.parent)
        detected = _generator_site_url(config_path.parent)
        site_url, site_note = (detected[0], f" (from {detected[1]})") if detected else ("https://blog.example.com", "")
        starter = STARTER_CONFIG.format(
            source_type=source_type, source_path=source_path, source_note=note, site_url=site_url, site_note=site_note
        )
        config_path.write_text(starter, encoding="utf-8")
        echo(f"Wrote {config_path}: set site_url, source and platforms, then run `postion init --baseline`.")
        return
    if not baseline:
        echo(f"{config_path} exists already; `postion init --baseline` marks the current posts as announced.")
        return
    import os

    from postion_publish.core.config import load_settings
    from postion_publish.core.posts import check_unique
    from postion_publish.sources import read_posts
    from postion_publish.store.jsonfile import write_atomic
    from postion_publish.store.ledger import Ledger, ledger_path, save_ledger
    from postion_publish.store.state import State, load_state, save_state, state_path

    settings = load_settings(config_path)
    moment = _now(now)
    posts = check_unique(read_posts(settings))
    # Drafts and future-dated posts are not published yet: they stay new, to be announced when they are.
    published = [post for post in posts if not post.draft and post.date <= moment]
    existing = state_path(settings.root).exists()
    state = load_state(settings.root) if existing else State()
    updated, added = state.with_baseline(published, moment)
    if existing and added and not force:
        # A second baseline would silently swallow posts that are new since the first one.
        by_url = state.url_index()
        new = [post for post in published if state.entry_id(post, by_url) is None]
        listing = "\n".join(f"  {post.url}" for post in new)
        raise BadInput(
            f"{state_path(settings.root)} exists already; these {len(new)} posts are new and would be marked as "
            f"announced without being posted:\n{listing}\nrun `postion init --baseline --force` if that is "
            "what you want, or `postion publish` to announce them"
        )
    save_state(settings.root, updated)
    if not ledger_path(settings.root).exists():
        save_ledger(settings.root, Ledger(), settings.quota, moment)
    ignore = settings.root / ".postion" / ".gitignore"
    if not os.path.lexists(ignore):  # write_atomic: never through a link planted there
        note = "# written by postion init: the run lock and temporary files are not history\n"
        write_atomic(ignore, note + "lock\n*.tmp\n")
    echo(
        f"Marked {added} published post{'s' if added != 1 else ''} as already announced in "
        f"{state_path(settings.root)} ({len(posts) - len(published)} drafts or future posts left new). "
        "Commit it: from now on only new posts are announced."
    )


def plan(as_json: bool, as_markdown: bool, config_path: Path, now: str | None) -> None:
    """What would be posted, where: each message with its length. No network, no secrets."""
    if as_json and as_markdown:
        raise BadInput("choose one of --json and --markdown")
    from postion_publish.run import report
    from postion_publish.run.workspace import load_plan

    the_plan, unsettled = load_plan(config_path, _now(now))
    if as_json:
        lists = report.plan_json(the_plan)
        if unsettled:
            lists.append(("unsettled", [report.unsettled_json(item) for item in unsettled]))
        output = sys.stdout.buffer
        for chunk in encoded_lists(lists):
            output.write(chunk)
        output.flush()
    elif as_markdown:
        echo(report.plan_markdown(the_plan), nl=False)
    else:
        echo(report.plan_table(the_plan), nl=False)
        _echo_unsettled(unsettled)


def _echo_unsettled(unsettled: Sequence[Unsettled], err: bool = False) -> None:
    from postion_publish.run import report

    if unsettled:
        echo("\nOutcome unknown (not sent again until you decide):", err=err)
        echo("\n".join(report.unsettled_lines(unsettled)), err=err)


# --- publishing ------------------------------------------------------------------------------


def _run_options(now: str | None, as_json: bool, dry_run: bool = False, wait_live: float | None = None) -> RunOptions:
    import os

    from postion_publish.run import report
    from postion_publish.run.workspace import RunOptions

    def progress(result: JobResult) -> None:
        echo(report.result_line(result), err=as_json)

    fixed = _now(now) if now else None
    return RunOptions(
        environ=os.environ,
        clock=(lambda: fixed) if fixed else (lambda: dt.datetime.now(dt.UTC)),
        on_result=progress,
        dry_run=dry_run,
        wait_live=wait_live,
        on_notice=lambda notice: echo(f"warning: {notice}", err=True),
        on_progress=lambda line: echo(one_line(line), err=True),
    )


def _finish(outcome: RunOutcome, as_json: bool) -> None:
    from postion_publish.run import report

    if as_json:
        data: dict[str, Any] = {
            "results": [report.result_json(result) for result in outcome.results],
            "quota": outcome.quota.to_json(),
        }
        if outcome.unsettled:  # the documented shape, plus this key only while something waits
            data["unsettled"] = [report.unsettled_json(item) for item in outcome.unsettled]
        echo(encoded(data, sort_keys=False), nl=False)
    else:
        if not outcome.results:
            echo("Nothing new to announce.")
        _echo_unsettled(outcome.unsettled)
        echo(report.quota_text(outcome.quota))
    if outcome.failed:
        sys.exit(1)


def publish(
    dry_run: bool,
    platforms: tuple[str, ...],
    post_url: str | None,
    wait_live: bool,
    wait_timeout: float,
    as_json: bool,
    config_path: Path,
    now: str | None,
) -> None:
    """Publish the plan: every new post on every platform it is due on."""
    from postion_publish.run import workspace

    options = _run_options(now, as_json, dry_run, wait_timeout if wait_live else None)
    _finish(workspace.publish(config_path, options, platforms=platforms, post_url=post_url), as_json)


def post(
    url: str,
    platforms: tuple[str, ...],
    caption: str | None,
    use_ai: bool,
    as_json: bool,
    config_path: Path,
    now: str | None,
    **per_platform: str | None,
) -> None:
    """Announce one post by hand, with your own captions. Never twice on one platform."""
    import os

    from postion_publish.core import registry
    from postion_publish.run import retry as retry_commands

    if use_ai:
        from postion_publish.ai.adapt import adapt as run_adapt

        for line in run_adapt(config_path, os.environ, _now(now), [url], platforms):
            echo(one_line(line), err=as_json)
    captions = {name: caption for name in registry.names() if caption}
    captions.update({key.removeprefix("caption_"): text for key, text in per_platform.items() if text})
    outcome = retry_commands.post_manually(
        config_path, url, _run_options(now, as_json), platforms=platforms, captions=captions
    )
    _finish(outcome, as_json)


def retry(
    attempt_ids: tuple[str, ...],
    posted_url: str | None,
    again: bool,
    as_json: bool,
    config_path: Path,
    now: str | None,
) -> None:
    """Retry failed attempts (all still pending, or the ids given; see `postion history`).
    An attempt whose outcome is unknown is settled here: by its id to send it again, or with
    --posted LIVE_URL when it did go out. A job announced already is never sent again, unless
    --again says so."""
    from postion_publish.run import retry as retry_commands

    options = _run_options(now, as_json)
    _finish(retry_commands.retry(config_path, attempt_ids, options, posted_url=posted_url, again=again), as_json)


def history(as_json: bool, limit: int | None, config_path: Path) -> None:
    """Every attempt: time, post, platform, status, live link, error."""
    from postion_publish.core.config import load_settings
    from postion_publish.run import report
    from postion_publish.store.ledger import load_ledger

    attempts = load_ledger(load_settings(config_path).root).newest_first(limit)
    if as_json:
        echo(encoded([report.attempt_json(a) for a in attempts], sort_keys=False), nl=False)
    else:
        echo(report.history_table(attempts), nl=False)


def quota(as_json: bool, config_path: Path, now: str | None) -> None:
    """Units used this billing cycle (1 per post per platform) and when they reset."""
    from postion_publish.core.config import load_settings
    from postion_publish.run import report
    from postion_publish.store.ledger import load_ledger

    settings = load_settings(config_path)
    figures = load_ledger(settings.root).quota(settings.quota, _now(now))
    echo(json.dumps(figures.to_json()) if as_json else report.quota_text(figures))


def adapt(posts: tuple[str, ...], platforms: tuple[str, ...], force: bool, config_path: Path, now: str | None) -> None:
    """A caption per platform (AI, or deterministic), stored in .postion/captions/ for review."""
    import os

    from postion_publish.ai.adapt import adapt as run_adapt

    for line in run_adapt(config_path, os.environ, _now(now), posts, platforms, force=force):
        echo(one_line(line))


def _ask(question: str, *, hidden: bool) -> str:
    """An answer typed at the terminal (hidden: not echoed), asked again while empty."""
    import getpass

    while True:
        try:
            answer = getpass.getpass(f"{question}: ") if hidden else input(f"{question}: ")
        except EOFError:  # no terminal and nothing more on stdin
            _fail("error: no answer to: " + question, 1)
        if answer.strip():
            return answer


def connect(
    platform: str,
    to: str | None,
    client_id: str | None,
    client_secret: str | None,
    port: int | None,
    paste: bool,
    oauth1: bool,
    config_path: Path,
    now: str | None,
) -> None:
    """Connect an account: browser and loopback, or paste; credentials to the token store."""
    import os

    from postion_publish.core.config import load_settings
    from postion_publish.core.registry import display_name
    from postion_publish.tokens.connect import Prompter
    from postion_publish.tokens.manage import connect as run_connect

    prompter = Prompter(
        say=echo,
        ask=lambda question: _ask(question, hidden=False),
        ask_secret=lambda question: _ask(question, hidden=True),
    )
    result, where = run_connect(
        load_settings(config_path),
        platform,
        os.environ,
        prompter,
        _now(now),
        to=to,
        client_id=client_id,
        client_secret=client_secret,
        port=port,
        paste=paste,
        oauth1=oauth1,
    )
    account = f" as {one_line(result.account)}" if result.account else ""
    echo(f"Connected {display_name(platform)}{account}: {', '.join(result.values)} written to {where.describe()}.")
    if where.kind == "file":
        echo(f"For CI, put the same values in the repository's secrets: `postion connect {platform} --to github`.")


def disconnect(platform: str, to: str | None, config_path: Path, now: str | None) -> None:
    """Revoke where the platform allows it, delete the credentials, record it."""
    import os

    from postion_publish.core.config import load_settings
    from postion_publish.tokens.manage import disconnect as run_disconnect

    for line in run_disconnect(load_settings(config_path), platform, os.environ, _now(now), to=to):
        echo(line)


def tokens_status(check: bool, as_json: bool, config_path: Path, now: str | None) -> None:
    """Each connection: 🟢 active, 🟡 expiring within 7 days, 🔴 expired, ⚪ not connected."""
    import os

    from postion_publish.core.config import load_settings
    from postion_publish.tokens.connections import Health
    from postion_publish.tokens.health import status_table, token_status

    found = token_status(load_settings(config_path), os.environ, _now(now), check=check)
    if as_json:
        echo(json.dumps({"connections": [status.to_json() for status in found]}, ensure_ascii=False))
    else:
        echo(status_table(found), nl=False)
    if any(status.health == Health.EXPIRED for status in found):
        sys.exit(1)


def tokens_refresh(platform: str | None, config_path: Path, now: str | None) -> None:
    """Refresh what can be refreshed and write the new values back at once."""
    import os

    from postion_publish.core.registry import display_name
    from postion_publish.tokens.health import refresh_tokens

    results, notices = refresh_tokens(config_path, os.environ, _now(now), (platform,) if platform else ())
    for result in results:
        echo(f"{display_name(result.platform):<9} {one_line(result.message)}")
    for notice in notices:
        echo(f"warning: {notice}", err=True)
    if notices:
        sys.exit(1)


def tokens_remind(check: bool, config_path: Path, now: str | None) -> None:
    """One GitHub issue for what expires within 7 days: opened, updated, closed when healthy."""
    import os

    from postion_publish.core.config import load_settings
    from postion_publish.tokens.health import remind

    echo(remind(load_settings(config_path), os.environ, _now(now), check=check))


def action(config_path: Path | None) -> None:
    """The GitHub Action's entry point: routes by GITHUB_EVENT_NAME (see action.yml)."""
    import os

    from postion_publish.action.events import run_action
    from postion_publish.action.workflow import annotation

    def emit(line: str) -> None:
        echo(line)

    environ = dict(os.environ)
    if config_path is not None:
        environ["POSTION_INPUT_CONFIG"] = str(config_path)
    try:
        status = run_action(environ, emit)
    except PostionError as error:
        from postion_publish.core.redact import Redactor

        message = Redactor.from_environment(os.environ).scrub(str(error), limit=None)
        annotation("error", message, emit, file=getattr(error, "file", None), line=getattr(error, "line", None))
        raise
    sys.exit(status)


# --- sandbox and demo ------------------------------------------------------------------------


def _serve(sandbox_url: str) -> None:
    import time

    echo(f"Serving the sandbox at {sandbox_url}/ — press Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        echo("Stopped.")


def sandbox(port: int, config_path: Path | None) -> None:
    """A local emulator of the platform APIs, with a page showing what was posted."""
    from postion_publish.core import registry as platforms
    from postion_publish.sandbox import Sandbox

    wanted = platforms.in_sandbox()
    if config_path is not None:
        from postion_publish.core.config import load_settings

        configured = load_settings(config_path).platforms
        wanted = tuple(name for name in wanted if name in configured)
    emulator = Sandbox()
    base = emulator.start(port)
    modules = {name: platforms.spec(name).sandbox_module() for name in wanted}
    keys = [f"  {name}: {json.dumps(module.settings(emulator))}" for name, module in modules.items()]
    exports = [f"  export {k}={v}" for module in modules.values() for k, v in module.environment(emulator).items()]
    apps = {
        name: module.connect_environment(emulator)
        for name, module in modules.items()
        if hasattr(module, "connect_environment")
    }
    connecting = [
        "  " + " ".join(f"{k}={v}" for k, v in values.items()) + f" postion connect {name} --to file"
        for name, values in apps.items()
    ]
    connecting += [  # keys the flow asks for at its prompts (X's OAuth 1.0a)
        f"  postion connect {name} --oauth1 --to file   (it asks: "
        + ", ".join(f"{k}={v}" for k, v in module.oauth1_environment(emulator).items())
        + ")"
        for name, module in modules.items()
        if hasattr(module, "oauth1_environment")
    ]
    echo(
        "Point postion.yml's platforms at it:\n"
        + "\n".join(keys)
        + "\nand set (sandbox credentials, not secrets):\n"
        + "\n".join(exports)
        + (
            "\nTo try `postion connect` against it (with -c for the config above), the apps it accepts:\n"
            + "\n".join(connecting)
            if connecting
            else ""
        )
    )
    _serve(base)


def demo(no_serve: bool, config_path: Path | None) -> None:
    """The bundled example blog, published to a local sandbox: no accounts needed."""
    import os

    if config_path is not None:
        echo(
            f"(-c {config_path} is not used: the demo publishes its bundled example. To try your own blog, "
            f"`postion sandbox -c {config_path}` shows how to point its platforms at the sandbox.)\n"
        )

    from postion_publish.run import demo as demo_site
    from postion_publish.run import report, workspace

    folder = demo_site.demo_folder(os.environ)
    demo_site.prepare(folder)
    emulator = demo_site.start_sandbox(folder, on_busy=lambda p: echo(f"(port {p} is busy: using another)"))
    config_path = demo_site.write_config(folder, emulator)
    echo(f"The example blog is in {folder}; the sandbox runs at {emulator.base_url}/\n")
    echo(report.plan_table(workspace.load_plan(config_path, dt.datetime.now(dt.UTC))[0]))
    options = workspace.RunOptions(
        environ={**os.environ, **demo_site.sandbox_environment(emulator, folder)},
        on_result=lambda result: echo(report.result_line(result)),
    )
    outcome = workspace.publish(config_path, options)
    if not outcome.results:
        echo("Nothing new to announce: every post of the example is published already, here:")
        echo("\n".join(f"  {link}" for link in demo_site.live_links(folder)))
    echo(report.quota_text(outcome.quota))
    if no_serve:
        echo(f"\nThe sandbox stops now (--no-serve): `postion demo` serves these links again from {folder}.")
    else:
        echo(f"\nEvery platform's timeline: {emulator.base_url}/")
        _serve(emulator.base_url)
    emulator.stop()
    if outcome.failed:
        sys.exit(1)


# --- the command line -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    """Announce your blog's new posts on social platforms, from your build and CI."""
    args = sys.argv[1:] if argv is None else list(argv)
    options = vars(_parser(_command_named(args)).parse_args(args))
    command: Callable[..., None] | None = options.pop("run", None)
    shown: argparse.ArgumentParser = options.pop("help_of")
    if command is None:  # `postion` or `postion tokens` alone
        shown.print_help()
        sys.exit(2)
    if options["config_path"] is None:  # given neither before nor after the command
        options["config_path"] = options["config_default"]
        if options["config_default"] is not None:
            try:
                options["config_path"] = _located(options["config_default"], command is init)
            except BadInput as error:
                _fail(f"error: {error}", 2)
    for internal in ("config_default", "command", "subcommand"):
        options.pop(internal, None)
    arguments = {name: tuple(value) if isinstance(value, list) else value for name, value in options.items()}
    try:
        command(**arguments)
    except BadInput as error:  # bad input exits 2 with one paragraph, other known failures 1: no traceback
        _fail(f"error: {error}", 2)
    except PostionError as error:
        _fail(f"error: {error}", 1)
    except BrokenPipeError:  # `postion plan | head`: the reader has what it wanted; nothing more to say
        sys.exit(1)
    except OSError as error:  # a read-only folder or a full disk, met where no file was expected
        where = f"{error.filename}: " if error.filename else ""
        _fail(f"error: {where}{error.strerror or error.__class__.__name__}", 2)


CONFIG_HELP = (
    "The configuration file; .postion/ sits beside it (default: postion.yml here, else in the nearest folder above)."
)


def _located(default: Path, for_init: bool) -> Path:
    """The config as git finds a repository: here, else in the nearest folder above (said, on
    stderr). `init` in a subfolder of a configured blog asks before writing a second one."""
    if default.exists():
        return default
    here = Path.cwd()
    found = next((folder / default for folder in here.parents if (folder / default).is_file()), None)
    if found is None:
        return default
    import os

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


JSON_HELP = "One JSON object on stdout; progress on stderr."


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """`postion`'s parser; with `only`, that command's alone (a run needs one; every command's
    parser takes 4 ms more to build)."""
    parser = argparse.ArgumentParser(
        prog="postion",
        description=main.__doc__,
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


def _command_named(args: Sequence[str]) -> str | None:
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


if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]
CONFIG = Path("postion.yml")


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


def _add_sandbox(commands: Commands) -> None:
    its_config = "Show the keys and credentials for this configuration's platforms only."
    sub = _command(commands, sandbox, None, now=False, config_help=its_config)
    port = _number(int, 0, 65535)
    sub.add_argument("--port", type=port, default=8787, metavar="N", help="0: any free port (default: 8787).")


def _add_demo(commands: Commands) -> None:
    its_config = "Not used: the demo publishes its bundled example (see `postion sandbox -c`)."
    sub = _command(commands, demo, None, now=False, config_help=its_config)
    _flag(sub, "--no-serve", "Exit once published instead of serving the links.")


COMMANDS: dict[str, Callable[[Commands], None]] = {
    "init": _add_init,
    "plan": _add_plan,
    "publish": _add_publish,
    "post": _add_post,
    "retry": _add_retry,
    "history": _add_history,
    "quota": _add_quota,
    "adapt": _add_adapt,
    "connect": _add_connect,
    "disconnect": _add_disconnect,
    "tokens": _add_tokens,
    "action": _add_action,
    "sandbox": _add_sandbox,
    "demo": _add_demo,
}


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
    """A platform of the registry."""
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
        from importlib.metadata import version

        echo(f"postion, version {version('postion-publish')}")
        parser.exit()


def run() -> None:
    """The `postion` command: `main`, its exit status, and a closed pipe (`postion plan | head`)
    taken as the end of what there was to say, not as a traceback."""
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
        except (OSError, ValueError):  # a closed pipe: nothing more to say
            status = status or 1
            with contextlib.suppress(OSError, ValueError):  # Python's own advice: the exit's flush goes nowhere
                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    sys.exit(status)
