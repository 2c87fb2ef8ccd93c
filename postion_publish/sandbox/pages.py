"""What every platform's sandbox pages share (each platform's own are in its folder, `page.py`):
the page, threads in order, one post as a timeline shows it. Plain HTML, UTF-8, readable without
JavaScript."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from postion_publish.sandbox.exchange import Response

if TYPE_CHECKING:
    pass

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem} h2{margin-top:2.5rem;border-bottom:2px solid #ddd}
article{border:1px solid #ddd;border-radius:.6rem;padding:.8rem 1rem;margin:.8rem 0;background:#fff}
article.reply{margin-left:2rem;border-style:dashed}
.meta{color:#666;font-size:.85rem} .text{white-space:pre-wrap} .card{border-left:4px solid #8ab;padding-left:.6rem}
.warn{color:#a00;font-weight:bold} .alt{color:#555;font-style:italic}
"""


def page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style><body><h1>{html.escape(title)}</h1>{body}"
        "<p class=meta><a href='/'>all timelines</a></p></body></html>"
    )


def threaded(items: list[Any], key: Any, root_of: Any) -> list[Any]:
    """Newest thread first; within a thread, the first post then its replies in order."""
    ordered = sorted(items, key=key)
    roots = [item for item in ordered if root_of(item) is None]
    replies: dict[Any, list[Any]] = {}
    for item in ordered:
        if root_of(item) is not None:
            replies.setdefault(root_of(item), []).append(item)
    return [entry for root in reversed(roots) for entry in (root, *replies.get(id(root), []))]


def chain_root(items: dict[str, Any], parent_key: str) -> Any:
    """For `_threads`: an item's first ancestor, where each item names its parent's id."""

    def root(item: Any) -> Any:
        if item.get(parent_key) not in items:
            return None
        while item.get(parent_key) in items:
            item = items[item[parent_key]]
        return id(item)

    return root


def article(kind: str, who: str, link: str, when: str, text: str, extras: str = "", reply: bool = False) -> str:
    """One post as the simpler timelines show it; `extras` is HTML built from escaped parts."""
    return (
        f"<article class='{kind}{' reply' if reply else ''}'><div class=meta>{html.escape(who)} · "
        f"<a href='{html.escape(link)}'>{html.escape(when)}</a></div>"
        f"<div class=text>{html.escape(text)}</div>{extras}</article>"
    )


def image_line(alt: str | None) -> str:
    return f"<div class=alt>🖼 image, alt: “{html.escape(alt or '')}”</div>"


def descends(items: dict[str, Any], item: dict[str, Any], ancestor: str, parent_key: str = "in_reply_to") -> bool:
    while item.get(parent_key) in items:
        if item[parent_key] == ancestor:
            return True
        item = items[item[parent_key]]
    return False


def timeline(sections: list[tuple[str, list[str]]]) -> str:
    """Each platform's posts, newest thread first: (platform name, its articles)."""
    body = "".join(
        f"<h2>{name} ({len(items)})</h2>" + ("".join(items) or "<p class=meta>nothing yet</p>")
        for name, items in sections
    )
    return page("postion sandbox: what was posted", body)


def found(title: str, article: str | None) -> Response:

    if article is None:
        return Response(404, page("Not found", "<p>No such post in this sandbox.</p>"))
    return Response(200, page(title, article))
