"""The sandbox's pages of this platform: its timeline, and one page per post with its replies."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from postion_publish.platforms.discord.ids import CHANNEL_ID, GUILD_ID
from postion_publish.sandbox import pages
from postion_publish.sandbox.exchange import Response

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


def post_html(sandbox: Sandbox, message: dict[str, Any]) -> str:

    link = f"{sandbox.platform_url('discord')}/channels/{GUILD_ID}/{CHANNEL_ID}/{message['id']}"
    pings = message.get("allowed_mentions") is None and "@everyone" in message["content"]
    warning = "<div class=warn>this message pinged @everyone</div>" if pings else ""
    embeds = "".join(
        f"<div class=card><a href='{html.escape(e.get('url', ''))}'>{html.escape(e.get('title', ''))}</a><br>"
        f"{html.escape(e.get('description', ''))}</div>"
        for e in message.get("embeds", [])
    )
    files = "".join(
        f"<div class=alt>🖼 {html.escape(file.get('filename') or '')}, "
        f"alt: “{html.escape(file.get('description') or '')}”</div>"
        for file in message.get("attachments", [])
    )
    return (
        f"<article class=discord><div class=meta>postion sandbox webhook · <a href='{link}'>"
        f"{html.escape(message['timestamp'])}</a></div><div class=text>{html.escape(message['content'])}</div>"
        f"{embeds}{files}{warning}</article>"
    )


def timeline(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        messages = sorted(sandbox.store["discord"].get("messages", {}).values(), key=lambda m: -int(m["id"]))
    return [post_html(sandbox, message) for message in messages]


def post_page(sandbox: Sandbox, message_id: str) -> Response:
    with sandbox.lock:
        message = sandbox.store["discord"].get("messages", {}).get(message_id)
    return pages.found("Discord message", post_html(sandbox, message) if message else None)
