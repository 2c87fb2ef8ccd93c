"""The `postion` commands: parse, call, print. No logic of its own."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from postion_publish import platforms as registry
from postion_publish.errors import BadInput, PostionError
from postion_publish.inert import one_line
from postion_publish.jsonfile import encoded, encoded_lists

if TYPE_CHECKING:
    from postion_publish.results import JobResult
    from postion_publish.workspace import RunOptions, RunOutcome, Unsettled

F = TypeVar("F", bound=Callable[..., Any])

STARTER_CONFIG = """\
# postion-publish: announce new posts on social platforms. Reference: README.md
site_url: https://blog.example.com      # the address of your published site
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


def _fail(message: str, status: int) -> None:
    import os

    from postion_publish.redact import Redactor

    click.echo(f"postion: {Redactor.from_environment(os.environ).scrub(message, limit=None)}", err=True)
    sys.exit(status)


def handles_errors(command: F) -> F:
    """Bad input exits 2 with one paragraph; other known failures exit 1; never a traceback for either."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BadInput as error:
            _fail(f"error: {error}", 2)
        except PostionError as error:
            _fail(f"error: {error}", 1)
        except OSError as error:  # a read-only folder or a full disk, met where no file was expected
            where = f"{error.filename}: " if error.filename else ""
            _fail(f"error: {where}{error.strerror or error.__class__.__name__}", 2)

    return wrapper  # type: ignore[return-value]


def _now(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--now must be an ISO date-time, not {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _config_option(default: Path | None, help: str) -> Callable[[F], F]:
    """`-c/--config`: on every command, and on `postion` itself (`postion -c FILE plan`)."""
    path_type = click.Path(path_type=Path, dir_okay=False)
    shown = default is not None
    option: Callable[[F], F] = click.option(
        "--config", "-c", "config_path", type=path_type, default=default, show_default=shown, help=help
    )
    return option


config_option = _config_option(Path("postion.yml"), "The configuration file; .postion/ sits beside it.")
now_option = click.option("--now", hidden=True, help="Pretend the time is this (ISO 8601), for tests and previews.")


EPILOG = """\b
Examples:
  postion init && postion init --baseline   start: nothing old is announced
  postion plan                              what would be posted, where (no network)
  postion publish                           post what is new; record it in .postion/
  postion demo                              try it all on a local sandbox

\b
Exit status: 0 done; 1 a job failed (the others still ran);
2 bad input or configuration (nothing written). Reference: README.md"""


class _Commands(click.Group):
    """Each command's first docstring line, whole: click cuts summaries at 45 characters."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, (command.help or "").split("\n")[0]) for name, command in self.commands.items()]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


@click.group(
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
    epilog=EPILOG,
)
@click.version_option(package_name="postion-publish")
@_config_option(None, "The configuration file, for every command (also accepted after the command).")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """Announce your blog's new posts on social platforms, from your build and CI."""
    if config_path is not None:  # `postion -c FILE plan`: the default of each command's own -c
        ctx.default_map = {name: {"config_path": str(config_path)} for name in main.commands}


def _detected_source(folder: Path) -> tuple[str, str, str]:
    """The source a starter config should name: the site generator found beside it, if any."""
    if (folder / "mkdocs.yml").exists() or (folder / "mkdocs.yaml").exists():
        return "mkdocs", "site", "the built site, with the postion plugin in mkdocs.yml (README: MkDocs)"
    if (folder / "pelicanconf.py").exists():
        return "pelican", "output", "the built site, with the postion plugin (README: Pelican)"
    return "content", "posts", "your Markdown posts (front matter: title, date, …)"


@main.command()
@click.option("--baseline", is_flag=True, help="Mark every current post as already announced.")
@click.option("--force", is_flag=True, help="With --baseline and a state already: mark the new posts too.")
@config_option
@now_option
@handles_errors
def init(baseline: bool, force: bool, config_path: Path, now: str | None) -> None:
    """Write a starter postion.yml; with --baseline, mark every current post as announced."""
    if not config_path.exists():
        source_type, source_path, note = _detected_source(config_path.parent)
        starter = STARTER_CONFIG.format(source_type=source_type, source_path=source_path, source_note=note)
        config_path.write_text(starter, encoding="utf-8")
        click.echo(f"Wrote {config_path}: set site_url, source and platforms, then run `postion init --baseline`.")
        return
    if not baseline:
        click.echo(f"{config_path} exists already; `postion init --baseline` marks the current posts as announced.")
        return
    import os

    from postion_publish.config import load_settings
    from postion_publish.jsonfile import write_atomic
    from postion_publish.ledger import Ledger, ledger_path, save_ledger
    from postion_publish.posts import check_unique
    from postion_publish.sources import read_posts
    from postion_publish.state import State, load_state, save_state, state_path

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
    click.echo(
        f"Marked {added} published post{'s' if added != 1 else ''} as already announced in "
        f"{state_path(settings.root)} ({len(posts) - len(published)} drafts or future posts left new). "
        "Commit it: from now on only new posts are announced."
    )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object, for machines.")
@click.option("--markdown", "as_markdown", is_flag=True, help="Markdown, as the pull-request comment shows it.")
@config_option
@now_option
@handles_errors
def plan(as_json: bool, as_markdown: bool, config_path: Path, now: str | None) -> None:
    """What would be posted, where: each message with its length. No network, no secrets."""
    if as_json and as_markdown:
        raise BadInput("choose one of --json and --markdown")
    from postion_publish import report
    from postion_publish.workspace import load_plan

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
        click.echo(report.plan_markdown(the_plan), nl=False)
    else:
        click.echo(report.plan_table(the_plan), nl=False)
        _echo_unsettled(unsettled)


def _echo_unsettled(unsettled: Sequence[Unsettled], err: bool = False) -> None:
    from postion_publish import report

    if unsettled:
        click.echo("\nOutcome unknown (not sent again until you decide):", err=err)
        click.echo("\n".join(report.unsettled_lines(unsettled)), err=err)


# --- publishing ------------------------------------------------------------------------------


class PlatformName(click.ParamType):  # type: ignore[type-arg]
    """A platform of the registry, read when the command runs (a platform added later counts)."""

    name = "platform"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from postion_publish import platforms

        if value not in platforms.names():
            self.fail(f"{value!r} is not a platform; known: {', '.join(platforms.names())}", param, ctx)
        return str(value)


PLATFORM = PlatformName()


def _run_options(now: str | None, as_json: bool, dry_run: bool = False, wait_live: float | None = None) -> RunOptions:
    import os

    from postion_publish import report
    from postion_publish.workspace import RunOptions

    def progress(result: JobResult) -> None:
        click.echo(report.result_line(result), err=as_json)

    fixed = _now(now) if now else None
    return RunOptions(
        environ=os.environ,
        clock=(lambda: fixed) if fixed else (lambda: dt.datetime.now(dt.UTC)),
        on_result=progress,
        dry_run=dry_run,
        wait_live=wait_live,
        on_notice=lambda notice: click.echo(f"warning: {notice}", err=True),
    )


def _finish(outcome: RunOutcome, as_json: bool) -> None:
    from postion_publish import report

    if as_json:
        data: dict[str, Any] = {
            "results": [report.result_json(result) for result in outcome.results],
            "quota": outcome.quota.to_json(),
        }
        if outcome.unsettled:  # the documented shape, plus this key only while something waits
            data["unsettled"] = [report.unsettled_json(item) for item in outcome.unsettled]
        click.echo(encoded(data, sort_keys=False), nl=False)
    else:
        if not outcome.results:
            click.echo("Nothing new to announce.")
        _echo_unsettled(outcome.unsettled)
        click.echo(report.quota_text(outcome.quota))
    if outcome.failed:
        sys.exit(1)


@main.command()
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and write nothing.")
@click.option("--platform", "platforms", multiple=True, type=PLATFORM, help="Only this platform (repeatable).")
@click.option("--post", "post_url", help="Only the new post with this URL.")
@click.option("--wait-live", is_flag=True, help="First wait until each new post's page is served (HTTP 200).")
@click.option("--wait-timeout", type=click.FloatRange(min=0), default=600, show_default=True, help="Seconds.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout; progress on stderr.")
@config_option
@now_option
@handles_errors
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
    from postion_publish import workspace

    options = _run_options(now, as_json, dry_run, wait_timeout if wait_live else None)
    _finish(workspace.publish(config_path, options, platforms=platforms, post_url=post_url), as_json)


def _caption_options(command: F) -> F:
    from postion_publish import platforms  # light: names and checks only

    for name in reversed(platforms.names()):
        command = click.option(f"--caption-{name}", f"caption_{name}", help=f"The caption for {name}.")(command)
    return command


@main.command()
@click.argument("url")
@click.option("--platform", "platforms", multiple=True, type=PLATFORM, help="Only this platform (repeatable).")
@click.option("--caption", help="The caption for every platform (a template: {{ url }} works).")
@_caption_options
@click.option("--ai", "use_ai", is_flag=True, help="Adapt and store its captions first (`postion adapt URL`).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout; progress on stderr.")
@config_option
@now_option
@handles_errors
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

    from postion_publish import platforms as registry
    from postion_publish import workspace

    if use_ai:
        from postion_publish.ai.adapt import adapt as run_adapt

        for line in run_adapt(config_path, os.environ, _now(now), [url], platforms):
            click.echo(one_line(line), err=as_json)
    captions = {name: caption for name in registry.names() if caption}
    captions.update({key.removeprefix("caption_"): text for key, text in per_platform.items() if text})
    outcome = workspace.post_manually(
        config_path, url, _run_options(now, as_json), platforms=platforms, captions=captions
    )
    _finish(outcome, as_json)


@main.command()
@click.argument("attempt_ids", nargs=-1)
@click.option(
    "--posted",
    "posted_url",
    metavar="LIVE_URL",
    help="The attempt did go out, at this URL: record it as published (counted in the quota), send nothing.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout; progress on stderr.")
@config_option
@now_option
@handles_errors
def retry(
    attempt_ids: tuple[str, ...], posted_url: str | None, as_json: bool, config_path: Path, now: str | None
) -> None:
    """Retry failed attempts (all still pending, or the ids given; see `postion history`).
    An attempt whose outcome is unknown is settled here: by its id to send it again, or with
    --posted LIVE_URL when it did go out."""
    from postion_publish import workspace

    options = _run_options(now, as_json)
    _finish(workspace.retry(config_path, attempt_ids, options, posted_url=posted_url), as_json)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="A JSON list, newest first.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the newest N attempts.")
@config_option
@handles_errors
def history(as_json: bool, limit: int | None, config_path: Path) -> None:
    """Every attempt: time, post, platform, status, live link, error."""
    from postion_publish import report
    from postion_publish.config import load_settings
    from postion_publish.ledger import load_ledger

    attempts = load_ledger(load_settings(config_path).root).newest_first(limit)
    if as_json:
        click.echo(encoded([report.attempt_json(a) for a in attempts], sort_keys=False), nl=False)
    else:
        click.echo(report.history_table(attempts), nl=False)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@config_option
@now_option
@handles_errors
def quota(as_json: bool, config_path: Path, now: str | None) -> None:
    """Units used this billing cycle (1 per post per platform) and when they reset."""
    from postion_publish import report
    from postion_publish.config import load_settings
    from postion_publish.ledger import load_ledger

    settings = load_settings(config_path)
    figures = load_ledger(settings.root).quota(settings.quota, _now(now))
    click.echo(json.dumps(figures.to_json()) if as_json else report.quota_text(figures))


PLATFORM_NAMES = registry.names()
PLATFORM_NAMES = registry.names()


@main.command()
@click.argument("posts", nargs=-1)
@click.option("--platform", "platforms", multiple=True, type=click.Choice(PLATFORM_NAMES), help="Only this one.")
@click.option("--force", is_flag=True, help="Write them again, even those stored and up to date.")
@config_option
@now_option
@handles_errors
def adapt(posts: tuple[str, ...], platforms: tuple[str, ...], force: bool, config_path: Path, now: str | None) -> None:
    """A caption per platform (AI, or deterministic), stored in .postion/captions/ for review."""
    import os

    from postion_publish.ai.adapt import adapt as run_adapt

    for line in run_adapt(config_path, os.environ, _now(now), posts, platforms, force=force):
        click.echo(one_line(line))


@main.command()
@click.argument("platform", type=click.Choice(PLATFORM_NAMES))
@click.option("--to", type=click.Choice(["github", "file"]), help="Where the credentials go (default: found).")
@click.option("--client-id", help="The app's client id (X, LinkedIn, Threads); else POSTION_<P>_CLIENT_ID.")
@click.option("--client-secret", help="The app's client secret (LinkedIn, Threads; confidential X apps).")
@click.option("--port", type=click.IntRange(1, 65535), default=8976, show_default=True, help="The loopback port.")
@click.option("--paste", is_flag=True, help="No browser here: paste the address the browser was sent to.")
@click.option("--oauth1", is_flag=True, help="X: OAuth 1.0a keys instead of OAuth 2.0.")
@config_option
@now_option
@handles_errors
def connect(
    platform: str,
    to: str | None,
    client_id: str | None,
    client_secret: str | None,
    port: int,
    paste: bool,
    oauth1: bool,
    config_path: Path,
    now: str | None,
) -> None:
    """Connect an account: browser and loopback, or paste; credentials to the token store."""
    import os

    from postion_publish.config import load_settings
    from postion_publish.platforms import display_name
    from postion_publish.tokens.connect import Prompter
    from postion_publish.tokens.manage import connect as run_connect

    prompter = Prompter(
        say=click.echo,
        ask=lambda question: str(click.prompt(question)),
        ask_secret=lambda question: str(click.prompt(question, hide_input=True)),
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
    click.echo(
        f"Connected {display_name(platform)}{account}: {', '.join(result.values)} written to {where.describe()}."
    )
    if where.kind == "file":
        click.echo("For CI, put the same values in the repository's secrets: `postion connect --to github`.")


@main.command()
@click.argument("platform", type=click.Choice(PLATFORM_NAMES))
@click.option("--to", type=click.Choice(["github", "file"]), help="Where the credentials are (default: found).")
@config_option
@now_option
@handles_errors
def disconnect(platform: str, to: str | None, config_path: Path, now: str | None) -> None:
    """Revoke where the platform allows it, delete the credentials, record it."""
    import os

    from postion_publish.config import load_settings
    from postion_publish.tokens.manage import disconnect as run_disconnect

    for line in run_disconnect(load_settings(config_path), platform, os.environ, _now(now), to=to):
        click.echo(line)


@main.group(cls=_Commands)
def tokens() -> None:
    """Token health: status (exit 1 if any expired), refresh, reminders."""


@tokens.command("status")
@click.option("--check", is_flag=True, help="One cheap live call per platform (never a post).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@config_option
@now_option
@handles_errors
def tokens_status(check: bool, as_json: bool, config_path: Path, now: str | None) -> None:
    """Each connection: 🟢 active, 🟡 expiring within 7 days, 🔴 expired, ⚪ not connected."""
    import os

    from postion_publish.config import load_settings
    from postion_publish.connections import Health
    from postion_publish.tokens.health import status_table, token_status

    found = token_status(load_settings(config_path), os.environ, _now(now), check=check)
    if as_json:
        click.echo(json.dumps({"connections": [status.to_json() for status in found]}, ensure_ascii=False))
    else:
        click.echo(status_table(found), nl=False)
    if any(status.health == Health.EXPIRED for status in found):
        sys.exit(1)


@tokens.command("refresh")
@click.argument("platform", required=False, type=click.Choice(PLATFORM_NAMES))
@config_option
@now_option
@handles_errors
def tokens_refresh(platform: str | None, config_path: Path, now: str | None) -> None:
    """Refresh what can be refreshed and write the new values back at once."""
    import os

    from postion_publish.platforms import display_name
    from postion_publish.tokens.health import refresh_tokens

    results, notices = refresh_tokens(config_path, os.environ, _now(now), (platform,) if platform else ())
    for result in results:
        click.echo(f"{display_name(result.platform):<9} {one_line(result.message)}")
    for notice in notices:
        click.echo(f"warning: {notice}", err=True)
    if notices:
        sys.exit(1)


@tokens.command("remind")
@click.option("--check", is_flag=True, help="Check each connection live first.")
@config_option
@now_option
@handles_errors
def tokens_remind(check: bool, config_path: Path, now: str | None) -> None:
    """One GitHub issue for what expires within 7 days: opened, updated, closed when healthy."""
    import os

    from postion_publish.config import load_settings
    from postion_publish.tokens.health import remind

    click.echo(remind(load_settings(config_path), os.environ, _now(now), check=check))


@main.command()
@_config_option(None, "The configuration file (else the action's `config` input, else postion.yml).")
@handles_errors
def action(config_path: Path | None) -> None:
    """The GitHub Action's entry point: routes by GITHUB_EVENT_NAME (see action.yml)."""
    import os

    from postion_publish.action.events import run_action
    from postion_publish.action.workflow import annotation

    def emit(line: str) -> None:
        click.echo(line)

    environ = dict(os.environ)
    if config_path is not None:
        environ["POSTION_INPUT_CONFIG"] = str(config_path)
    try:
        status = run_action(environ, emit)
    except PostionError as error:
        from postion_publish.redact import Redactor

        message = Redactor.from_environment(os.environ).scrub(str(error), limit=None)
        annotation("error", message, emit, file=getattr(error, "file", None), line=getattr(error, "line", None))
        raise
    sys.exit(status)


# --- sandbox and demo ------------------------------------------------------------------------


def _serve(sandbox_url: str) -> None:
    import time

    click.echo(f"Serving the sandbox at {sandbox_url}/ — press Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("Stopped.")


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True, help="0: any free port.")
@_config_option(None, "Show the keys and credentials for this configuration's platforms only.")
@handles_errors
def sandbox(port: int, config_path: Path | None) -> None:
    """A local emulator of the platform APIs, with a page showing what was posted."""
    from postion_publish import platforms
    from postion_publish.sandbox import Sandbox

    wanted = platforms.in_sandbox()
    if config_path is not None:
        from postion_publish.config import load_settings

        configured = load_settings(config_path).platforms
        wanted = tuple(name for name in wanted if name in configured)
    emulator = Sandbox()
    base = emulator.start(port)
    modules = {name: platforms.spec(name).sandbox_module() for name in wanted}
    keys = [f"  {name}: {json.dumps(module.settings(emulator))}" for name, module in modules.items()]
    exports = [f"  export {k}={v}" for module in modules.values() for k, v in module.environment(emulator).items()]
    click.echo(
        "Point postion.yml's platforms at it:\n"
        + "\n".join(keys)
        + "\nand set (sandbox credentials, not secrets):\n"
        + "\n".join(exports)
    )
    _serve(base)


@main.command()
@click.option("--no-serve", is_flag=True, help="Exit once published instead of serving the links.")
@_config_option(None, "Not used: the demo publishes its bundled example (see `postion sandbox -c`).")
@handles_errors
def demo(no_serve: bool, config_path: Path | None) -> None:
    """The bundled example blog, published to a local sandbox: no accounts needed."""
    import os

    if config_path is not None:
        click.echo(
            f"(-c {config_path} is not used: the demo publishes its bundled example. To try your own blog, "
            f"`postion sandbox -c {config_path}` shows how to point its platforms at the sandbox.)\n"
        )

    from postion_publish import demo as demo_site
    from postion_publish import report, workspace

    folder = demo_site.demo_folder(os.environ)
    demo_site.prepare(folder)
    emulator = demo_site.start_sandbox(folder, on_busy=lambda p: click.echo(f"(port {p} is busy: using another)"))
    config_path = demo_site.write_config(folder, emulator)
    click.echo(f"The example blog is in {folder}; the sandbox runs at {emulator.base_url}/\n")
    click.echo(report.plan_table(workspace.load_plan(config_path, dt.datetime.now(dt.UTC))[0]))
    options = workspace.RunOptions(
        environ={**os.environ, **demo_site.sandbox_environment(emulator, folder)},
        on_result=lambda result: click.echo(report.result_line(result)),
    )
    outcome = workspace.publish(config_path, options)
    if not outcome.results:
        click.echo("Nothing new to announce: every post of the example is published already, here:")
        click.echo("\n".join(f"  {link}" for link in demo_site.live_links(folder)))
    click.echo(report.quota_text(outcome.quota))
    if no_serve:
        click.echo(f"\nThe sandbox stops now (--no-serve): `postion demo` serves these links again from {folder}.")
    else:
        click.echo(f"\nEvery platform's timeline: {emulator.base_url}/")
        _serve(emulator.base_url)
    emulator.stop()
    if outcome.failed:
        sys.exit(1)


def run() -> None:
    """The `postion` command. Once a command is done and its output flushed, the process leaves
    without tearing the interpreter down: freeing its 400-odd modules one object at a time took
    30–70 ms after every run, and nothing is left to finish then (every file is written and closed,
    atomically, before a command returns; the sandbox's threads are daemons). Under a profiler or
    a coverage tracer, which write their figures as the interpreter ends, it ends as usual."""
    import gc
    import os

    # A run is short and makes few reference cycles, but it allocates in bursts (10,000 posts of
    # state, their history, a plan): at Python's default threshold (700 allocations) the collector
    # ran about 180 times during a large state's load alone, walking the same objects again, for
    # about a tenth of that run. Collections stay, a hundred times less often.
    gc.set_threshold(100_000, 20, 10)
    try:
        main()
        leaving = SystemExit(0)
    except SystemExit as ended:  # click ends every command so
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
