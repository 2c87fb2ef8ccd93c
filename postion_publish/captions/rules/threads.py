"""Threads (Meta): 500 characters, where an emoji counts its UTF-8 byte length
(developers.facebook.com/documentation/threads/posts, "Limitations")."""

from __future__ import annotations

from postion_publish.captions.rules import LengthRule
from postion_publish.captions.rules.text_units import graphemes, is_emoji

LIMIT = 500


def length(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(len(cluster.encode("utf-8")) if is_emoji(cluster) else len(cluster) for cluster in graphemes(text))


RULE = LengthRule("threads", LIMIT, length, threads=True)
