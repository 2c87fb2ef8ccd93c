"""Bluesky: 300 grapheme clusters and 3000 UTF-8 bytes; links and tags become facets, whose
offsets are UTF-8 *byte* positions (lexicon app.bsky.feed.post, app.bsky.richtext.facet)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING, Any

from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.captions.text_units import grapheme_count

if TYPE_CHECKING:
    import regex

LIMIT = 300
MAX_BYTES = 3000
MAX_TAG_GRAPHEMES = 64
_TRAILING = ".,;:!?'\""
# Nothing is auto-linked on Bluesky: only http(s) URLs the client marks become links.
_URL = r"(?<![\w/])https?://[^\s<>\"]+"
_NOT_TAG = r"\s\u00ad\u2060\u200a-\u200d\u20e2"  # characters a tag never holds
_TAG = r"(?:^|(?<=\s))[#＃]((?!\ufe0f)[^{not_tag}]*[^\d{punctuation}{not_tag}]+[^{not_tag}]*)"
# Unicode's punctuation (category P) among ASCII characters.
_ASCII_PUNCTUATION = "".join(chr(code) for code in range(128) if unicodedata.category(chr(code)).startswith("P"))

Patterns = tuple["re.Pattern[str] | regex.Pattern[str]", "re.Pattern[str] | regex.Pattern[str]"]


@cache
def _ascii_patterns() -> Patterns:
    """For ASCII text (most captions), where `re` and `regex` agree: no need to load `regex`,
    whose \\p{P} the Unicode tag pattern needs (the Bluesky rule tests compare the two)."""
    flags = re.ASCII | re.IGNORECASE
    tag = _TAG.format(not_tag=_NOT_TAG, punctuation=re.escape(_ASCII_PUNCTUATION))
    return re.compile(_URL, flags), re.compile(tag, re.ASCII)


@cache
def _unicode_patterns() -> Patterns:
    import regex

    return regex.compile(_URL, regex.IGNORECASE), regex.compile(_TAG.format(not_tag=_NOT_TAG, punctuation=r"\p{P}"))


def byte_problem(text: str) -> str | None:
    size = len(text.encode("utf-8"))
    return f"too long ({size} bytes > {MAX_BYTES})" if size > MAX_BYTES else None


RULE = LengthRule(
    "bluesky",
    LIMIT,
    grapheme_count,
    can_thread=True,
    extra_check=byte_problem,
    details=lambda text: {"facets": facets(text), **({"mentions": handles} if (handles := mentions(text)) else {})},
)

# A mention as Bluesky's clients find one: `@` after a start, a space or `(`, then a handle (a
# domain name: labels of letters, digits and hyphens, the last one starting with a letter).
_MENTION = re.compile(
    r"(?:^|(?<=[\s(]))@((?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"
)


def mentions(text: str) -> list[str]:
    """The handles a text mentions (`@jane.bsky.social`), in order: each becomes a mention facet at
    publish, once the PDS resolves it to a DID; one that does not resolve stays text."""
    return [match.group(1).lower() for match in _MENTION.finditer(text)]


def mention_facets(text: str, dids: dict[str, str]) -> list[dict[str, Any]]:
    """Mention facets for the handles of `text` that `dids` resolves, at their UTF-8 byte offsets."""
    found = []
    for match in _MENTION.finditer(text):
        did = dids.get(match.group(1).lower())
        if did is not None:
            found.append(
                _facet(text, match.start(), match.end(), {"$type": "app.bsky.richtext.facet#mention", "did": did})
            )
    return found


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
    if "://" not in text and "#" not in text and "＃" not in text:
        return []  # no link (which needs its scheme) and no tag
    url_pattern, tag_pattern = _ascii_patterns() if text.isascii() else _unicode_patterns()
    for match in url_pattern.finditer(text):
        url = _trim_url(match.group(0))
        start = match.start()
        found.append(
            (start, _facet(text, start, start + len(url), {"$type": "app.bsky.richtext.facet#link", "uri": url}))
        )
    for match in tag_pattern.finditer(text):
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
