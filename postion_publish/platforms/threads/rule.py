"""Threads (Meta): 500 characters, where an emoji counts its UTF-8 byte length
(developers.facebook.com/documentation/threads/posts, "Limitations")."""

from __future__ import annotations

from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.captions.text_units import emoji_weighted_length

LIMIT = 500
length = emoji_weighted_length
RULE = LengthRule("threads", LIMIT, length, can_thread=True)
