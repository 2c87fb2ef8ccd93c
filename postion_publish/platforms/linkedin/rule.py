"""LinkedIn: 3000 characters of commentary, counted before escaping, in UTF-16 units (the unit is
undocumented; UTF-16 is the safe side). Its "little text" format cuts a post silently at the first
unescaped reserved character, so every one is escaped on send, except in URLs and #hashtags
(learn.microsoft.com/linkedin/marketing/community-management/shares/little-text-format)."""

from __future__ import annotations

import re

from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.captions.text_units import utf16_units

LIMIT = 3000
RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")
# Kept as they are: URLs (so they still link) and hashtags (so they stay hashtags).
_KEEP = re.compile(r"https?://\S+|(?<![\w#])#\w+")

RULE = LengthRule("linkedin", LIMIT, utf16_units, can_thread=False)


def escape_little_text(text: str) -> str:
    parts: list[str] = []
    position = 0
    for match in _KEEP.finditer(text):
        parts.append(RESERVED.sub(r"\\\1", text[position : match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(RESERVED.sub(r"\\\1", text[position:]))
    return "".join(parts)
