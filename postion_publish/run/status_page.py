"""The status page: one static HTML page, readable without JavaScript, of what the blog's
announcements did: every attempt (time, post, platform, status, live link, error kind), the
quota of each billing cycle, each connection's health (its state and expiry date: never a token
or an account's secret), and the sends whose outcome waits for the user's word. The build hooks
write it into the site (`status_page: {path: …}`); `postion report --html FILE` writes it
anywhere. Every value is escaped, and only http(s) links are made links."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from postion_publish.core import registry
from postion_publish.core.config import Settings, load_settings
from postion_publish.core.errors import PostionError
from postion_publish.core.inert import html_link
from postion_publish.store.jsonfile import write_atomic
from postion_publish.store.ledger import Attempt, cycle_start, load_ledger
from postion_publish.store.state import load_state
from postion_publish.tokens.connections import LABELS, statuses

STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
th, td { border-bottom: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; vertical-align: top; }
td.status-published { color: #1a7f37; } td.status-failed { color: #cf222e; } td.status-unknown { color: #9a6700; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
"""


def status_html(settings: Settings, now: dt.datetime) -> str:
    from postion_publish.run.workspace import find_unsettled

    ledger = load_ledger(settings.root)
    state = load_state(settings.root)
    attempts = ledger.newest_first()
    unsettled = find_unsettled(state, ledger)
    quota = ledger.quota(settings.quota, now)
    waiting = [
        (_link(item.post), _platform(item.platform), _text(item.reason), _text(item.attempt_id or ""))
        for item in unsettled
    ]
    connections = [
        (_platform(item.platform), _text(LABELS[item.health]), _text(item.expires or "—"), _text(item.account or "—"))
        for item in statuses(settings.platforms, ledger.tokens, now)
    ]
    sections = [
        f"<h1>Announcements of {_text(settings.site_url)}</h1>",
        f"<p>As of {_text(_when(now))}. This cycle: {quota.used} of {quota.limit} units used; it resets on "
        f"{_text(quota.resets.isoformat())}.</p>",
        _table(
            "Waiting for your word (the outcome is unknown: `postion retry ID` or `--posted URL`)",
            ("post", "platform", "why", "attempt"),
            waiting,
            "Nothing waits.",
        ),
        _table("Connections", ("platform", "state", "expires", "account"), connections, "No connection is recorded."),
        _table("Quota by billing cycle", ("cycle from", "used", "limit"), _cycles(attempts, settings), "No post."),
        _table(
            "History, newest first",
            ("time", "post", "platform", "status", "live link", "error kind"),
            [_attempt_row(attempt) for attempt in attempts],
            "No attempt yet.",
        ),
    ]
    title = f"Announcements of {_text(settings.site_url)}"
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def write_status_page(config_path: Path, target: Path, now: dt.datetime) -> None:
    write_atomic(target, status_html(load_settings(config_path), now))


def build_status_page(config_path: Path, output_dir: Path, now: dt.datetime) -> str | None:
    """For the build hooks: the page written where `status_page.path` says in the built site;
    what was written, or None (no config, no status page asked, or records that cannot be read:
    a site's build never fails for this, and `postion plan` says why)."""
    try:
        settings = load_settings(config_path)
        if settings.status_page is None:
            return None
        target = output_dir / settings.status_page
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(output_dir.resolve()):
            return None  # a folder of the built site that is a link to elsewhere: never written through
        write_atomic(target, status_html(settings, now))
    except (PostionError, OSError):
        return None
    return str(settings.status_page)


def _attempt_row(attempt: Attempt) -> tuple[str, ...]:
    return (
        _text(attempt.time),
        _link(attempt.post),
        _platform(attempt.platform),
        f'<td class="status-{_text(attempt.status)}">{_text(attempt.status)}</td>',
        _link(attempt.url) if attempt.url else "—",
        _text(attempt.error_kind or ""),
    )


def _cycles(attempts: Iterable[Attempt], settings: Settings) -> list[tuple[str, ...]]:
    used: Counter[dt.date] = Counter()
    for attempt in attempts:
        if attempt.status == "published":
            day = dt.date.fromisoformat(attempt.time[:10])
            used[cycle_start(day, settings.quota.billing_day)] += 1
    limit = str(settings.quota.monthly_units)
    return [(_text(start.isoformat()), str(count), limit) for start, count in sorted(used.items(), reverse=True)]


def _table(caption: str, head: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f"<section>\n<h2>{_text(caption)}</h2>\n<p>{_text(empty)}</p>\n</section>"
    header = "".join(f'<th scope="col">{_text(name)}</th>' for name in head)
    lines = ["".join(cell if cell.startswith("<td") else f"<td>{cell}</td>" for cell in row) for row in rows]
    body = "\n".join(f"<tr>{line}</tr>" for line in lines)
    return (
        f"<section>\n<h2>{_text(caption)}</h2>\n<table>\n<thead><tr>{header}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n</table>\n</section>"
    )


def _platform(name: str) -> str:
    return _text(registry.display_name(name) if registry.find(name) else name)


def _link(url: str) -> str:
    return html_link(_text(url), url)


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
