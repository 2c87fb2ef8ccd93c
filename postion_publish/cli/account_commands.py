"""The commands about accounts: `connect`, `disconnect`, `tokens status|refresh|remind`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from postion_publish.cli.output import echo, fail, parse_now
from postion_publish.core.inert import one_line

if TYPE_CHECKING:
    pass


def _ask(question: str, *, hidden: bool) -> str:
    """An answer typed at the terminal (hidden: not echoed), asked again while empty."""
    import getpass

    while True:
        try:
            answer = getpass.getpass(f"{question}: ") if hidden else input(f"{question}: ")
        except EOFError:  # no terminal and nothing more on stdin
            fail("error: no answer to: " + question, 1)
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
        parse_now(now),
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

    from postion_publish.core.config import load_settings
    from postion_publish.tokens.manage import disconnect as run_disconnect

    for line in run_disconnect(load_settings(config_path), platform, os.environ, parse_now(now), to=to):
        echo(line)


def tokens_status(check: bool, as_json: bool, config_path: Path, now: str | None) -> None:
    """Each connection: 🟢 active, 🟡 expiring within 7 days, 🔴 expired, ⚪ not connected."""

    from postion_publish.core.config import load_settings
    from postion_publish.tokens.connections import Health
    from postion_publish.tokens.health import status_table, token_status

    found = token_status(load_settings(config_path), os.environ, parse_now(now), check=check)
    if as_json:
        echo(json.dumps({"connections": [status.to_json() for status in found]}, ensure_ascii=False))
    else:
        echo(status_table(found), nl=False)
    if any(status.health == Health.EXPIRED for status in found):
        sys.exit(1)


def tokens_refresh(platform: str | None, config_path: Path, now: str | None) -> None:
    """Refresh what can be refreshed and write the new values back at once."""

    from postion_publish.core.registry import display_name
    from postion_publish.tokens.health import refresh_tokens

    results, notices = refresh_tokens(config_path, os.environ, parse_now(now), (platform,) if platform else ())
    for result in results:
        echo(f"{display_name(result.platform):<9} {one_line(result.message)}")
    for notice in notices:
        echo(f"warning: {notice}", err=True)
    if notices:
        sys.exit(1)


def tokens_remind(check: bool, config_path: Path, now: str | None) -> None:
    """One GitHub issue for what expires within 7 days: opened, updated, closed when healthy."""

    from postion_publish.core.config import load_settings
    from postion_publish.tokens.health import remind

    echo(remind(load_settings(config_path), os.environ, parse_now(now), check=check))
