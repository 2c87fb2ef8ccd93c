"""The sandbox's pages of this platform: its timeline, and one page per post with its replies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from postion_publish.sandbox import pages
from postion_publish.sandbox.exchange import Response

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


def post_html(sandbox: Sandbox, tweet: dict[str, Any]) -> str:
    user = sandbox.credentials.x_username
    link = f"{sandbox.platform_url('x')}/{user}/status/{tweet['id']}"
    extras = "".join(pages.image_line(media.get("alt")) for media in tweet.get("media", []))
    return pages.article(
        "x", f"@{user}", link, tweet["created_at"], tweet["text"], extras, bool(tweet.get("in_reply_to"))
    )


def timeline(sandbox: Sandbox, tweets: dict[str, Any]) -> list[str]:
    ordered = pages.threaded(list(tweets.values()), lambda t: t["seq"], pages.chain_root(tweets, "in_reply_to"))
    return [post_html(sandbox, tweet) for tweet in ordered]


def post_page(sandbox: Sandbox, post_id: str) -> Response:
    with sandbox.lock:
        tweets = dict(sandbox.store["x"].get("tweets", {}))
    if post_id not in tweets:
        return pages.found("X post", None)
    replies = [t for t in sorted(tweets.values(), key=lambda t: t["seq"]) if pages.descends(tweets, t, post_id)]
    return pages.found("X post", "".join(post_html(sandbox, tweet) for tweet in (tweets[post_id], *replies)))
