"""The sandbox's pages of this platform: its timeline, and one page per post with its replies."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from postion_publish.sandbox import pages
from postion_publish.sandbox.exchange import Response

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


def rich_text(record: dict[str, Any]) -> str:
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


def post_html(sandbox: Sandbox, uri: str, record: dict[str, Any]) -> str:
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
        f"<div class=text>{rich_text(value)}</div>{extra}</article>"
    )


def timeline(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        records = list(sandbox.store["bluesky"].get("records", {}).items())
    by_uri = {pair[0]: pair for pair in records}

    def root(pair: Any) -> Any:
        reply = pair[1]["value"].get("reply")
        return id(by_uri[reply["root"]["uri"]]) if reply and reply["root"]["uri"] in by_uri else None

    return [post_html(sandbox, uri, record) for uri, record in pages.threaded(records, lambda p: p[1]["seq"], root)]


def post_page(sandbox: Sandbox, handle: str, rkey: str) -> Response:
    """The post, and the replies of its thread below it, as Bluesky's own page shows them."""
    with sandbox.lock:
        records = dict(sandbox.store["bluesky"].get("records", {}))
    found = next(((uri, r) for uri, r in records.items() if r["rkey"] == rkey and r["handle"] == handle), None)
    if found is None:
        return pages.found("Bluesky post", None)
    replies = sorted(
        ((uri, r) for uri, r in records.items() if r["value"].get("reply", {}).get("root", {}).get("uri") == found[0]),
        key=lambda pair: pair[1]["seq"],
    )
    return pages.found("Bluesky post", "".join(post_html(sandbox, *pair) for pair in (found, *replies)))
