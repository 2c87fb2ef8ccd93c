"""The sandbox's pages of this platform: its timeline, and one page per post with its replies."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from postion_publish.sandbox import pages
from postion_publish.sandbox.exchange import Response

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


def post_html(sandbox: Sandbox, post: dict[str, Any]) -> str:
    link = f"{sandbox.platform_url('linkedin')}/feed/update/{post['urn']}/"
    content = post.get("content") or {}
    extras = ""
    if article := content.get("article"):
        thumb = " (with thumbnail)" if article.get("thumbnail") else ""
        extras = (
            f"<div class=card><a href='{html.escape(article['source'])}'>{html.escape(article.get('title', ''))}</a>"
            f"{thumb}<br>{html.escape(article.get('description', ''))}</div>"
        )
    if media := content.get("media"):
        extras += pages.image_line(media.get("altText"))
    return pages.article("linkedin", post["author"], link, post["created_at"], post["text"], extras)


def timeline(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        posts = sorted(sandbox.store["linkedin"].get("posts", {}).values(), key=lambda p: -p["seq"])
    return [post_html(sandbox, post) for post in posts]


def post_page(sandbox: Sandbox, urn: str) -> Response:
    with sandbox.lock:
        post = sandbox.store["linkedin"].get("posts", {}).get(urn)
    return pages.found("LinkedIn post", post_html(sandbox, post) if post else None)
