"""The `postion` commands: parse, call, print. No logic of its own."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from postion_publish.errors import BadInput, PostionError

F = TypeVar("F", bound=Callable[..., Any])

STARTER_CONFIG = """\
# postion-publish: announce new posts on social platforms. Reference: README.md
site_url: https://blog.example.com      # the address of your published site
source:
  type: content                         # content | site | mkdocs | pelican
  path: posts                           # your Markdown posts (front matter: title, date, …)
since: {today}                       # never announce posts dated earlier
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
    click.echo(f"postion: {message}", err=True)
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

    return wrapper  # type: ignore[return-value]


def _now(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--now must be an ISO date-time, not {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


config_option = click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("postion.yml"),
    show_default=True,
    help="The configuration file; .postion/ sits beside it.",
)
now_option = click.option("--now", hidden=True, help="Pretend the time is this (ISO 8601), for tests and previews.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="postion-publish")
def main() -> None:
    """Announce your blog's new posts on social platforms, from your build and CI."""


@main.command()
@click.option("--baseline", is_flag=True, help="Mark every current post as already announced.")
@config_option
@now_option
@handles_errors
def init(baseline: bool, config_path: Path, now: str | None) -> None:
    """Write a starter postion.yml; with --baseline, mark every current post as announced."""
    if not config_path.exists():
        config_path.write_text(STARTER_CONFIG.format(today=dt.date.today().isoformat()), encoding="utf-8")
        click.echo(f"Wrote {config_path}: set site_url, source and platforms, then run `postion init --baseline`.")
        return
    if not baseline:
        click.echo(f"{config_path} exists already; `postion init --baseline` marks the current posts as announced.")
        return
    from postion_publish.config import load_settings
    from postion_publish.plan import check_unique
    from postion_publish.sources import read_posts
    from postion_publish.state import State, load_state, save_state, state_path

    settings = load_settings(config_path)
    moment = _now(now)
    posts = check_unique(read_posts(settings))
    # Drafts and future-dated posts are not published yet: they stay new, to be announced when they are.
    published = [post for post in posts if not post.draft and post.date <= moment]
    state = load_state(settings.root) if state_path(settings.root).exists() else State()
    updated, added = state.with_baseline(published, moment)
    save_state(settings.root, updated)
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

    the_plan = load_plan(config_path, _now(now))
    if as_json:
        click.echo(json.dumps(report.plan_json(the_plan), indent=2, ensure_ascii=False))
    elif as_markdown:
        click.echo(report.plan_markdown(the_plan), nl=False)
    else:
        click.echo(report.plan_table(the_plan), nl=False)
