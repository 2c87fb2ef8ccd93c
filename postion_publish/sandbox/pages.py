"""The sandbox's pages: each platform's timeline at `/`, and one page per post. Plain HTML,
UTF-8, readable without JavaScript."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from postion_publish.sandbox.exchange import DISCORD_CHANNEL_ID, DISCORD_GUILD_ID, Response

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem} h2{margin-top:2.5rem;border-bottom:2px solid #ddd}
article{border:1px solid #ddd;border-radius:.6rem;padding:.8rem 1rem;margin:.8rem 0;background:#fff}
article.reply{margin-left:2rem;border-style:dashed}
.meta{color:#666;font-size:.85rem} .text{white-space:pre-wrap} .card{border-left:4px solid #8ab;padding-left:.6rem}
.warn{color:#a00;font-weight:bold} .alt{color:#555;font-style:italic}
"""


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style><body><h1>{html.escape(title)}</h1>{body}"
        "<p class=meta><a href='/'>all timelines</a></p></body></html>"
    )


def _bluesky_text(record: dict[str, Any]) -> str:
    """The text with its facets as links, sliced by UTF-8 byte offsets as a Bluesky client does."""
    data = record["text"].encode("utf-8")
    out, position = [], 0
    for facet in sorted(record.get("facets", []), key=lambda f: f["index"]["byteStart"]):
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        if start < position or end > len(data):
            continue
        feature = facet["features"][0]
        target = feature.get("uri") or f"https://bsky.app/hashtag/{feature.get('tag', '')}"
        out.append(html.escape(data[position:start].decode("utf-8", "replace")))
        label = html.escape(data[start:end].decode("utf-8", "replace"))
        out.append(f"<a href='{html.escape(target)}'>{label}</a>")
        position = end
    out.append(html.escape(data[position:].decode("utf-8", "replace")))
    return "".join(out)


def _bluesky_article(sandbox: Sandbox, uri: str, record: dict[str, Any]) -> str:
    value = record["value"]
    link = f"{sandbox.platform_url('bluesky')}/profile/{record['handle']}/post/{record['rkey']}"
    extra = ""
    embed = value.get("embed") or {}
    if embed.get("$type") == "app.bsky.embed.external":
        card = embed["external"]
        thumb = " (with thumbnail)" if "thumb" in card else ""
        extra = (
            f"<div class=card><a href='{html.escape(card['uri'])}'>{html.escape(card['title'])}</a>{thumb}"
            f"<br>{html.escape(card['description'])}</div>"
        )
    for image in embed.get("images", []):
        extra += f"<div class=alt>🖼 image, alt: “{html.escape(image.get('alt', ''))}”</div>"
    reply = " reply" if "reply" in value else ""
    return (
        f"<article class='bluesky{reply}'><div class=meta>@{html.escape(record['handle'])} · "
        f"<a href='{link}'>{html.escape(value['createdAt'])}</a></div>"
        f"<div class=text>{_bluesky_text(value)}</div>{extra}</article>"
    )


def _mastodon_article(sandbox: Sandbox, status: dict[str, Any]) -> str:
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


def _discord_article(sandbox: Sandbox, message: dict[str, Any]) -> str:

    link = f"{sandbox.platform_url('discord')}/channels/{DISCORD_GUILD_ID}/{DISCORD_CHANNEL_ID}/{message['id']}"
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


def _threads(items: list[Any], key: Any, root_of: Any) -> list[Any]:
    """Newest thread first; within a thread, the first post then its replies in order."""
    ordered = sorted(items, key=key)
    roots = [item for item in ordered if root_of(item) is None]
    replies: dict[Any, list[Any]] = {}
    for item in ordered:
        if root_of(item) is not None:
            replies.setdefault(root_of(item), []).append(item)
    return [entry for root in reversed(roots) for entry in (root, *replies.get(id(root), []))]


def bluesky_timeline(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        records = list(sandbox.store["bluesky"].get("records", {}).items())
    by_uri = {pair[0]: pair for pair in records}

    def root(pair: Any) -> Any:
        reply = pair[1]["value"].get("reply")
        return id(by_uri[reply["root"]["uri"]]) if reply and reply["root"]["uri"] in by_uri else None

    return [_bluesky_article(sandbox, uri, record) for uri, record in _threads(records, lambda p: p[1]["seq"], root)]


def _chain_root(items: dict[str, Any], parent_key: str) -> Any:
    """For `_threads`: an item's first ancestor, where each item names its parent's id."""

    def root(item: Any) -> Any:
        if item.get(parent_key) not in items:
            return None
        while item.get(parent_key) in items:
            item = items[item[parent_key]]
        return id(item)

    return root


def mastodon_timeline(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        statuses = dict(sandbox.store["mastodon"].get("statuses", {}))
    ordered = _threads(list(statuses.values()), lambda s: int(s["id"]), _chain_root(statuses, "in_reply_to_id"))
    return [_mastodon_article(sandbox, status) for status in ordered]


def discord_timeline(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        messages = sorted(sandbox.store["discord"].get("messages", {}).values(), key=lambda m: -int(m["id"]))
    return [_discord_article(sandbox, message) for message in messages]


def _article(kind: str, who: str, link: str, when: str, text: str, extras: str = "", reply: bool = False) -> str:
    """One post as the simpler timelines show it; `extras` is HTML built from escaped parts."""
    return (
        f"<article class='{kind}{' reply' if reply else ''}'><div class=meta>{html.escape(who)} · "
        f"<a href='{html.escape(link)}'>{html.escape(when)}</a></div>"
        f"<div class=text>{html.escape(text)}</div>{extras}</article>"
    )


def _image_line(alt: str | None) -> str:
    return f"<div class=alt>🖼 image, alt: “{html.escape(alt or '')}”</div>"


def _x_article(sandbox: Sandbox, tweet: dict[str, Any]) -> str:
    user = sandbox.credentials.x_username
    link = f"{sandbox.platform_url('x')}/{user}/status/{tweet['id']}"
    extras = "".join(_image_line(media.get("alt")) for media in tweet.get("media", []))
    return _article("x", f"@{user}", link, tweet["created_at"], tweet["text"], extras, bool(tweet.get("in_reply_to")))


def x_timeline(sandbox: Sandbox, tweets: dict[str, Any]) -> list[str]:
    ordered = _threads(list(tweets.values()), lambda t: t["seq"], _chain_root(tweets, "in_reply_to"))
    return [_x_article(sandbox, tweet) for tweet in ordered]


def x_post(sandbox: Sandbox, post_id: str) -> Response:
    with sandbox.lock:
        tweets = dict(sandbox.store["x"].get("tweets", {}))
    if post_id not in tweets:
        return _found("X post", None)
    replies = [t for t in sorted(tweets.values(), key=lambda t: t["seq"]) if _descends(tweets, t, post_id)]
    return _found("X post", "".join(_x_article(sandbox, tweet) for tweet in (tweets[post_id], *replies)))


def _descends(items: dict[str, Any], item: dict[str, Any], ancestor: str, parent_key: str = "in_reply_to") -> bool:
    while item.get(parent_key) in items:
        if item[parent_key] == ancestor:
            return True
        item = items[item[parent_key]]
    return False


def _linkedin_article(sandbox: Sandbox, post: dict[str, Any]) -> str:
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
        extras += _image_line(media.get("altText"))
    return _article("linkedin", post["author"], link, post["created_at"], post["text"], extras)


def linkedin_timeline(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        posts = sorted(sandbox.store["linkedin"].get("posts", {}).values(), key=lambda p: -p["seq"])
    return [_linkedin_article(sandbox, post) for post in posts]


def linkedin_post(sandbox: Sandbox, urn: str) -> Response:
    with sandbox.lock:
        post = sandbox.store["linkedin"].get("posts", {}).get(urn)
    return _found("LinkedIn post", _linkedin_article(sandbox, post) if post else None)


def _threads_article(sandbox: Sandbox, post: dict[str, Any]) -> str:
    user = sandbox.credentials.threads_username
    link = f"{sandbox.platform_url('threads')}/@{user}/post/{post['shortcode']}"
    extras = _image_line(post.get("alt_text")) if post.get("image_url") else ""
    if post.get("link_attachment"):
        target = html.escape(post["link_attachment"])
        extras += f"<div class=card><a href='{target}'>{target}</a></div>"
    return _article("threads", f"@{user}", link, post["timestamp"], post["text"], extras, bool(post.get("reply_to")))


def threads_timeline(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        posts = dict(sandbox.store["threads"].get("posts", {}))
    ordered = _threads(list(posts.values()), lambda p: p["seq"], _chain_root(posts, "reply_to"))
    return [_threads_article(sandbox, post) for post in ordered]


def threads_post(sandbox: Sandbox, shortcode: str) -> Response:
    with sandbox.lock:
        posts = dict(sandbox.store["threads"].get("posts", {}))
    found = next((post for post in posts.values() if post["shortcode"] == shortcode), None)
    if found is None:
        return _found("Threads post", None)
    replies = [
        p for p in sorted(posts.values(), key=lambda p: p["seq"]) if _descends(posts, p, found["id"], "reply_to")
    ]
    return _found("Threads post", "".join(_threads_article(sandbox, post) for post in (found, *replies)))


def timeline(sections: list[tuple[str, list[str]]]) -> str:
    """Each platform's posts, newest thread first: (platform name, its articles)."""
    body = "".join(
        f"<h2>{name} ({len(items)})</h2>" + ("".join(items) or "<p class=meta>nothing yet</p>")
        for name, items in sections
    )
    return _page("postion sandbox: what was posted", body)


def _found(title: str, article: str | None) -> Response:

    if article is None:
        return Response(404, _page("Not found", "<p>No such post in this sandbox.</p>"))
    return Response(200, _page(title, article))


def bluesky_post(sandbox: Sandbox, handle: str, rkey: str) -> Response:
    """The post, and the replies of its thread below it, as Bluesky's own page shows them."""
    with sandbox.lock:
        records = dict(sandbox.store["bluesky"].get("records", {}))
    found = next(((uri, r) for uri, r in records.items() if r["rkey"] == rkey and r["handle"] == handle), None)
    if found is None:
        return _found("Bluesky post", None)
    replies = sorted(
        ((uri, r) for uri, r in records.items() if r["value"].get("reply", {}).get("root", {}).get("uri") == found[0]),
        key=lambda pair: pair[1]["seq"],
    )
    return _found("Bluesky post", "".join(_bluesky_article(sandbox, *pair) for pair in (found, *replies)))


def mastodon_status(sandbox: Sandbox, status_id: str) -> Response:
    with sandbox.lock:
        status = sandbox.store["mastodon"].get("statuses", {}).get(status_id)
    return _found("Mastodon status", _mastodon_article(sandbox, status) if status else None)


def discord_message(sandbox: Sandbox, message_id: str) -> Response:
    with sandbox.lock:
        message = sandbox.store["discord"].get("messages", {}).get(message_id)
    return _found("Discord message", _discord_article(sandbox, message) if message else None)
