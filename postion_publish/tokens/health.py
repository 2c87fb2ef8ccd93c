"""`postion tokens status|refresh|remind`: each connection's health from the ledger's records and,
when asked, one cheap live call per platform (never a post); refreshing what can be refreshed;
one GitHub issue that lists what expires within 7 days."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from postion_publish.core import registry as platforms
from postion_publish.core.config import Settings, load_settings
from postion_publish.core.dates import parse_time
from postion_publish.core.errors import AuthExpired, BadInput, PlatformError
from postion_publish.core.inert import one_line, table_cell
from postion_publish.core.redact import Redactor
from postion_publish.platforms.build import build_adapter
from postion_publish.store.ledger import load_ledger, save_ledger
from postion_publish.store.state import utc_text
from postion_publish.store.tokens import TokenStore
from postion_publish.tokens.connections import (
    LABELS,
    ConnectionStatus,
    Health,
    fix_for,
    statuses,
    updated,
)
from postion_publish.tokens.github import notices_of, store_for_run

REMINDER_MARKER = "<!-- postion:token-reminder -->"
REMINDER_TITLE = "postion: connections to renew"


def token_status(
    settings: Settings, environ: Mapping[str, str], now: dt.datetime, *, check: bool = False
) -> list[ConnectionStatus]:
    found = statuses(settings.platforms, load_ledger(settings.root).tokens, now)
    if not check:
        return found
    return asyncio.run(_checked(settings, environ, found))


async def _checked(
    settings: Settings, environ: Mapping[str, str], found: list[ConnectionStatus]
) -> list[ConnectionStatus]:
    store = store_for_run(environ, settings.token_scope)
    redactor = Redactor.from_environment(environ)

    async def one(status: ConnectionStatus) -> ConnectionStatus:
        if status.platform not in settings.platforms:
            return status
        try:
            built = build_adapter(settings.platforms[status.platform], environ, tokens=store)
        except AuthExpired as missing:  # no credential at all
            return replace(status, health=Health.UNKNOWN, note=redactor.scrub(missing.reason))
        if built is None:
            return status
        adapter, client = built
        try:
            info = await adapter.check()
        except AuthExpired as refused:
            note = f"{redactor.scrub(refused.reason)}; {fix_for(status.platform, Health.EXPIRED)}"
            return replace(status, health=Health.EXPIRED, note=note)
        except PlatformError as error:  # not an answer about the credential: what was known stands
            return replace(status, note=f"live check failed: {redactor.scrub(error.reason)}")
        finally:
            await client.aclose()
        # It answered: it works now, whatever the records said (only a coming expiry still counts).
        health = Health.EXPIRING if status.health == Health.EXPIRING else Health.ACTIVE
        return replace(
            status, health=health, account=info.account or status.account, note=fix_for(status.platform, health)
        )

    return list(await asyncio.gather(*(one(status) for status in found)))


def _padded(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns: an emoji (East Asian wide) takes two."""
    import unicodedata

    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - columns)


def status_table(found: list[ConnectionStatus]) -> str:
    lines = [f"{'platform':<10} {'status':<17} {'expires':<23} account"]
    for status in found:
        expires = status.expires.replace("T", " ").replace("Z", " UTC") if status.expires else "—"
        name = platforms.display_name(status.platform)
        lines.append(f"{name:<10} {_padded(LABELS[status.health], 17)} {expires:<23} {one_line(status.account or '—')}")
        if status.note:
            lines.append(f"{'':<10} {one_line(status.note)}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Refreshed:
    platform: str
    message: str
    refreshed: bool


def refresh_tokens(
    config_path: Path,
    environ: Mapping[str, str],
    now: dt.datetime,
    only: tuple[str, ...] = (),
    *,
    store: TokenStore | None = None,
    min_age: dt.timedelta | None = None,
) -> tuple[list[Refreshed], list[str]]:
    """Refresh each platform that can be (X OAuth 2.0, Threads, Bluesky sessions); new values go
    to the token store at once (`store`, else the run's: the repository's secrets in CI). Returns
    what happened and the store's notices."""
    from postion_publish.store.lock import publishing_lock

    settings = load_settings(config_path)
    names = [name for name in settings.platforms if not only or name in only]
    store = store if store is not None else store_for_run(environ, settings.token_scope)
    with publishing_lock(settings.root):
        ledger = load_ledger(settings.root)
        if min_age is not None:  # a schedule: each rotation is a risk, once a day keeps tokens alive
            fresh = [name for name in names if _refreshed_within(ledger.tokens.get(name), now, min_age)]
            names = [name for name in names if name not in fresh]
        results = asyncio.run(_refresh_all(settings, environ, names, store, now))
        tokens = dict(ledger.tokens)
        for result, expires in results:
            if result.refreshed:
                tokens = updated(tokens, result.platform, refreshed=now, expires=expires, failed=None)
        save_ledger(settings.root, replace(ledger, tokens=tokens), settings.quota, now)
    return [result for result, _ in results], notices_of(store)


async def _refresh_all(
    settings: Settings, environ: Mapping[str, str], names: list[str], store: TokenStore, now: dt.datetime
) -> list[tuple[Refreshed, dt.datetime | None]]:
    redactor = Redactor.from_environment(environ)

    async def one(name: str) -> tuple[Refreshed, dt.datetime | None]:
        try:
            built = build_adapter(settings.platforms[name], environ, tokens=store, clock=lambda: now)
        except AuthExpired as missing:
            return Refreshed(name, redactor.scrub(missing.reason), False), None
        if built is None:
            return Refreshed(name, "not available in this version", False), None
        adapter, client = built
        try:
            info = await adapter.refresh()
        except PlatformError as error:
            return Refreshed(name, f"not refreshed: {redactor.scrub(error.reason)}", False), None
        finally:
            await client.aclose()
        if info is None:
            return Refreshed(name, _why_not(name), False), None
        until = f" (valid until {utc_text(info.expires)})" if info.expires else ""
        return Refreshed(name, f"refreshed{until}", True), info.expires

    return list(await asyncio.gather(*(one(name) for name in names)))


def _refreshed_within(record: object, now: dt.datetime, age: dt.timedelta) -> bool:
    last = parse_time(record.get("refreshed")) if isinstance(record, dict) else None
    return last is not None and now - last < age


def _why_not(platform: str) -> str:
    found = platforms.find(platform)
    return found.not_refreshable if found else "nothing to refresh"


def reminder_body(found: list[ConnectionStatus]) -> str | None:
    """The reminder issue's body, or None when every connection is healthy."""
    due = [s for s in found if s.health in (Health.EXPIRING, Health.EXPIRED)]
    if not due:
        return None
    lines = [
        REMINDER_MARKER,
        "These connections need you (postion checks them on every scheduled run):",
        "",
        "| platform | status | expires | what to do |",
        "|---|---|---|---|",
    ]
    for status in due:
        expires = status.expires or "—"
        fix = status.note or fix_for(status.platform, status.health) or ""
        name = platforms.display_name(status.platform)
        lines.append(f"| {name} | {LABELS[status.health]} | {table_cell(expires)} | {table_cell(fix)} |")
    lines += ["", "This issue closes itself once every connection is healthy again."]
    return "\n".join(lines) + "\n"


def remind(settings: Settings, environ: Mapping[str, str], now: dt.datetime, *, check: bool = False) -> str:
    """Open, update (never duplicate) or close the one reminder issue. Returns what was done."""
    from postion_publish.net.github import GitHub

    repository, token = environ.get("GITHUB_REPOSITORY", ""), environ.get("GITHUB_TOKEN", "")
    if not repository or not token:
        raise BadInput("`tokens remind` needs GITHUB_REPOSITORY and GITHUB_TOKEN (with issues: write), as in Actions")
    body = reminder_body(token_status(settings, environ, now, check=check))
    github = GitHub(environ.get("GITHUB_API_URL") or "https://api.github.com", repository, token)
    try:
        existing = github.find_issue(REMINDER_MARKER)
        if body is None:
            if existing is not None and existing[1] == "open":
                github.update_issue(existing[0], state="closed", state_reason="completed")
                return f"every connection is healthy: closed issue #{existing[0]}"
            return "every connection is healthy: no reminder"
        if existing is None:
            return f"opened issue #{github.create_issue(REMINDER_TITLE, body)}"
        github.update_issue(existing[0], body=body, state="open")
        return f"updated issue #{existing[0]}"
    finally:
        github.close()
