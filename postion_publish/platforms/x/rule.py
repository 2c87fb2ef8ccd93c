"""X counts a post as twitter-text v3 does (`core.captions.twitter_text`): 280 weighted characters,
25,000 for an account with X Premium (`x: {long_posts: true}`: X's "longer posts")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.captions.twitter_text import LIMIT, URL_WEIGHT, is_valid, url_spans_in_text, weighted_length

__all__ = [
    "LIMIT",
    "LONG_LIMIT",
    "RULE",
    "URL_WEIGHT",
    "is_valid",
    "rule_for_options",
    "url_spans_in_text",
    "weighted_length",
]

LONG_LIMIT = 25_000
RULE = LengthRule("x", LIMIT, weighted_length, can_thread=True)
LONG_RULE = LengthRule("x", LONG_LIMIT, weighted_length, can_thread=True)


def rule_for_options(options: Mapping[str, Any]) -> LengthRule:
    return LONG_RULE if options.get("long_posts") else RULE
