"""The sandbox's pages of this platform: its timeline, and one page per post with its replies."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from postion_publish.sandbox import pages
from postion_publish.sandbox.exchange import Response

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


def post_html(sandbox: Sandbox, post: dict[str, Any]) -> str:
    user = sandbox.credentials.threads_username
    link = f"{sandbox.platform_url('threads')}/@{user}/post/{post['shortcode']}"
    extras = pages.image_line(post.get("alt_text")) if post.get("image_url") else ""
    if post.get("link_attachment"):
        target = html.escape(post["link_attachment"])
        extras += f"<div class=card><a href='{target}'>{target}</a></div>"
    return pages.article(
        "threads", f"@{user}", link, post["timestamp"], post["text"], extras, bool(post.get("reply_to"))
    )


def timeline(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        posts = dict(sandbox.store["threads"].get("posts", {}))
    ordered = pages.threaded(list(posts.values()), lambda p: p["seq"], pages.chain_root(posts, "reply_to"))
    return [post_html(sandbox, post) for post in ordered]


def post_page(sandbox: Sandbox, shortcode: str) -> Response:
    with sandbox.lock:
        posts = dict(sandbox.store["threads"].get("posts", {}))
    found = next((post for post in posts.values() if post["shortcode"] == shortcode), None)
    if found is None:
        return pages.found("Threads post", None)
    replies = [
        p for p in sorted(posts.values(), key=lambda p: p["seq"]) if pages.descends(posts, p, found["id"], "reply_to")
    ]
    return pages.found("Threads post", "".join(post_html(sandbox, post) for post in (found, *replies)))
