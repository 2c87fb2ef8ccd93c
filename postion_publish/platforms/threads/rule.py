"""Threads (Meta): 500 characters, where an emoji counts its UTF-8 byte length, and at most 5
different links, bare domains (`www.example.com`) counted as Meta counts them
(developers.facebook.com/documentation/threads/posts, "Limitations"; THREADS_API__LINK_LIMIT_EXCEEDED)."""

from __future__ import annotations

from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.captions.text_units import emoji_weighted_length
from postion_publish.core.captions.twitter_text import url_spans_in_text

LIMIT = 500
MAX_LINKS = 5
length = emoji_weighted_length


def links_in(text: str) -> set[str]:
    """The different links of a text, with or without a scheme (`https://a.example/` and
    `a.example` are one), as found by twitter-text's URL grammar."""
    found = set()
    for start, end in url_spans_in_text(text):
        link = text[start:end].lower().removeprefix("https://").removeprefix("http://").rstrip("/")
        found.add(link)
    return found


def too_many_links(text: str, also: str | None = None) -> str | None:
    """What Meta would refuse, or None: `also` is the link attached beside the text, if any."""
    links = links_in(text) | (links_in(also) if also else set())
    if len(links) > MAX_LINKS:
        return f"too many links ({len(links)} > {MAX_LINKS}): Threads allows at most {MAX_LINKS} different links"
    return None


RULE = LengthRule("threads", LIMIT, length, can_thread=True, extra_check=too_many_links)
