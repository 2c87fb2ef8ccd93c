"""LinkedIn: 3000 characters of commentary, counted before escaping, in UTF-16 units (the unit is
undocumented; UTF-16 is the safe side). Its "little text" format cuts a post silently at the first
unescaped reserved character, so every one is escaped on send, except in URLs and #hashtags
(learn.microsoft.com/linkedin/marketing/community-management/shares/little-text-format)."""

from __future__ import annotations

import re

from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.captions.text_units import utf16_units
from postion_publish.core.captions.twitter_text import url_spans_in_text

LIMIT = 3000
RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
_HASHTAG = re.compile(r"(?<![\w#])#\w+")
# A mention as LinkedIn's little text writes it: `@[Name](urn:li:person:…)` (or an organization).
MENTION = re.compile(r"@\[[^\[\]\n]{1,100}\]\(urn:li:(?:person|organization):[A-Za-z0-9_-]{1,100}\)")

RULE = LengthRule("linkedin", LIMIT, utf16_units, can_thread=False)


def _kept(text: str) -> list[tuple[int, int]]:
    """What stays as it is: URLs (so they still link), found by twitter-text's grammar, which ends a
    link before the punctuation that follows it (`(see https://a.com/x) and` keeps `)` outside,
    to be escaped); and hashtags (so they stay hashtags)."""
    spans = url_spans_in_text(text, require_protocol=True)
    spans += [match.span() for match in _HASHTAG.finditer(text)]
    spans += [match.span() for match in MENTION.finditer(text)]  # `{{ mention('rosa') }}`
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def escape_little_text(text: str) -> str:
    parts: list[str] = []
    position = 0
    for start, end in _kept(text):
        parts.append(RESERVED.sub(r"\\\1", text[position:start]))
        parts.append(text[start:end])
        position = end
    parts.append(RESERVED.sub(r"\\\1", text[position:]))
    return "".join(parts)
