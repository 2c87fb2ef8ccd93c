"""The commands about posts: `init`, `plan`, `publish`, `post`, `retry`, `history`, `quota`, `adapt`.
Each calls one function below and prints what it returns."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postion_publish.cli.output import Progress, echo, parse_now
from postion_publish.core import registry
from postion_publish.core.errors import BadInput
from postion_publish.core.inert import one_line
from postion_publish.store.jsonfile import encoded, encoded_lists

if TYPE_CHECKING:
    from postion_publish.core.results import JobResult
    from postion_publish.run.workspace import RunOptions, RunOutcome, Unsettled


def init(baseline: bool, force: bool, config_path: Path, now: str | None) -> None:
    """Write a starter postion.yml; with --baseline, mark every current post as announced."""
    from postion_publish.run import setup

    if not config_path.exists():
        config_path.write_text(setup.starter_config(config_path.parent), encoding="utf-8")
        echo(f"Wrote {config_path}: set site_url, source and platforms, then run `postion init --baseline`.")
        return
    if not baseline:
        echo(f"{config_path} exists already; `postion init --baseline` marks the current posts as announced.")
        return
    with Progress("reading posts") as progress:
        marked = setup.mark_baseline(config_path, parse_now(now), force=force, on_post=progress)
    echo(
        f"Marked {marked.added} published post{'s' if marked.added != 1 else ''} as already announced in "
        f"{marked.state_file} ({marked.left_new} drafts or future posts left new). "
        "Commit it: from now on only new posts are announced."
    )


def plan(as_json: bool, as_markdown: bool, config_path: Path, now: str | None) -> None:
    """What would be posted, where: each message with its length. No network, no secrets."""
    if as_json and as_markdown:
        raise BadInput("choose one of --json and --markdown")
    from postion_publish.run import report
    from postion_publish.run.workspace import load_plan

    with Progress("checking what each job attaches") as progress:
        the_plan, unsettled = load_plan(config_path, parse_now(now), progress)
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

    from postion_publish.run import report
    from postion_publish.run.workspace import RunOptions

    def progress(result: JobResult) -> None:
        echo(report.result_line(result), err=as_json)

    fixed = parse_now(now) if now else None
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

    from postion_publish.run import retry as retry_commands

    if use_ai:
        from postion_publish.ai.adapt import adapt as run_adapt

        for line in run_adapt(config_path, os.environ, parse_now(now), [url], platforms):
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


def backfeed(force: bool, max_requests: int, config_path: Path, now: str | None) -> None:
    """Replies, reposts and likes of each live copy, into .postion/backfeed.json for the site."""
    from postion_publish.run.backfeed import backfeed as read_back

    outcome = read_back(config_path, parse_now(now), force=force, max_requests=max_requests, say=echo)
    echo(
        f"Read {outcome.read}; {outcome.fresh} read within the hour left as they were"
        + (f"; {outcome.left} left for the next run (--max-requests)" if outcome.left else "")
    )
    for problem in outcome.problems:
        echo(f"warning: {problem}", err=True)
    if outcome.problems:
        sys.exit(1)


def report_page(html: Path, config_path: Path, now: str | None) -> None:
    """The status page (history, quota by cycle, connections, what waits for you) as one HTML file."""
    from postion_publish.run.status_page import write_status_page

    html.parent.mkdir(parents=True, exist_ok=True)
    write_status_page(config_path, html, parse_now(now))
    echo(f"Wrote {html}")


def export_syndication(format: str, output: Path | None, config_path: Path) -> None:
    """Where each post was announced, as a data file for any generator's templates."""
    from postion_publish.core.config import load_settings
    from postion_publish.run.syndication import copies_of, export
    from postion_publish.store.jsonfile import write_atomic
    from postion_publish.store.state import load_state

    settings = load_settings(config_path)
    text = export(copies_of(load_state(settings.root), settings), format)
    if output is None:
        echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, text)
    echo(f"Wrote {output}", err=True)


def quota(as_json: bool, config_path: Path, now: str | None) -> None:
    """Units used this billing cycle (1 per post per platform) and when they reset."""
    from postion_publish.core import registry
    from postion_publish.core.config import load_settings
    from postion_publish.run import report
    from postion_publish.store.ledger import load_ledger

    settings = load_settings(config_path)
    ledger, moment = load_ledger(settings.root), parse_now(now)
    figures, by_platform = ledger.quota(settings.quota, moment), ledger.used_by_platform(settings.quota, moment)
    if as_json:
        echo(json.dumps({**figures.to_json(), "by_platform": by_platform}))
        return
    echo(report.quota_text(figures))
    for platform, used in by_platform.items():  # each account of a platform on its own line
        echo(f"  {registry.display_name(platform):<20} {used}")


def adapt(posts: tuple[str, ...], platforms: tuple[str, ...], force: bool, config_path: Path, now: str | None) -> None:
    """A caption per platform (AI, or deterministic), stored in .postion/captions/ for review."""

    from postion_publish.ai.adapt import adapt as run_adapt

    for line in run_adapt(config_path, os.environ, parse_now(now), posts, platforms, force=force):
        echo(one_line(line))
