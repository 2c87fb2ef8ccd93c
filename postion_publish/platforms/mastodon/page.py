"""The sandbox's pages of this platform: its timeline, and one page per post with its replies."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from postion_publish.sandbox import pages
from postion_publish.sandbox.exchange import Response

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


def post_html(sandbox: Sandbox, status: dict[str, Any]) -> str:
    user = sandbox.credentials.mastodon_username
    link = f"{sandbox.platform_url('mastodon')}/@{user}/{status['id']}"
    media = "".join(
        f"<div class=alt>🖼 image, description: “{html.escape(m.get('description') or '')}”</div>"
        for m in status.get("media", [])
    )
    reply = " reply" if status.get("in_reply_to_id") else ""
    return (
        f"<article class='mastodon{reply}'><div class=meta>@{html.escape(user)} · "
        f"<a href='{link}'>{html.escape(status['created_at'])}</a></div>"
        f"<div class=text>{html.escape(status['text'])}</div>{media}</article>"
    )


def timeline(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        statuses = dict(sandbox.store["mastodon"].get("statuses", {}))
    ordered = pages.threaded(
        list(statuses.values()), lambda s: int(s["id"]), pages.chain_root(statuses, "in_reply_to_id")
    )
    return [post_html(sandbox, status) for status in ordered]


def post_page(sandbox: Sandbox, status_id: str) -> Response:
    with sandbox.lock:
        status = sandbox.store["mastodon"].get("statuses", {}).get(status_id)
    return pages.found("Mastodon status", post_html(sandbox, status) if status else None)
