"""Bluesky: 300 grapheme clusters and 3000 UTF-8 bytes; links and tags become facets, whose
offsets are UTF-8 *byte* positions (lexicon app.bsky.feed.post, app.bsky.richtext.facet)."""

from __future__ import annotations

from typing import Any

import regex

from postion_publish.captions.rules import LengthRule
from postion_publish.captions.rules.text_units import grapheme_count

LIMIT = 300
MAX_BYTES = 3000
MAX_TAG_GRAPHEMES = 64
# Nothing is auto-linked on Bluesky: only http(s) URLs the client marks become links.
_URL = regex.compile(r"(?<![\w/])https?://[^\s<>\"]+", regex.IGNORECASE)
_TRAILING = ".,;:!?'\""
_TAG = regex.compile(
    r"(?:^|(?<=\s))[#＃]((?!\ufe0f)[^\s\u00ad\u2060\u200a-\u200d\u20e2]*[^\d\s\p{P}\u00ad\u2060\u200a-\u200d\u20e2]+[^\s\u00ad\u2060\u200a-\u200d\u20e2]*)"
)


def byte_problem(text: str) -> str | None:
    size = len(text.encode("utf-8"))
    return f"{size} bytes > {MAX_BYTES}" if size > MAX_BYTES else None


RULE = LengthRule(
    "bluesky",
    LIMIT,
    grapheme_count,
    threads=True,
    extra_check=byte_problem,
    details=lambda text: {"facets": facets(text)},
)


def _trim_url(url: str) -> str:
    url = url.rstrip(_TRAILING)
    if url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    return url


def _byte_index(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def facets(text: str) -> list[dict[str, Any]]:
    """Link and hashtag facets for `text`, in the order they appear."""
    found: list[tuple[int, dict[str, Any]]] = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        start = match.start()
        found.append(
            (start, _facet(text, start, start + len(url), {"$type": "app.bsky.richtext.facet#link", "uri": url}))
        )
    for match in _TAG.finditer(text):
        tag = match.group(1).rstrip(_TRAILING)
        if not tag or grapheme_count(tag) > MAX_TAG_GRAPHEMES:
            continue
        start = match.start()  # the '#'
        found.append(
            (start, _facet(text, start, start + 1 + len(tag), {"$type": "app.bsky.richtext.facet#tag", "tag": tag}))
        )
    return [facet for _, facet in sorted(found, key=lambda pair: pair[0])]


def _facet(text: str, start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {
        "index": {"byteStart": _byte_index(text, start), "byteEnd": _byte_index(text, end)},
        "features": [feature],
    }
