"""X counts a post as twitter-text v3 does (`core.captions.twitter_text`): 280 weighted characters."""

from __future__ import annotations

from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.captions.twitter_text import LIMIT, URL_WEIGHT, is_valid, url_spans_in_text, weighted_length

__all__ = ["LIMIT", "RULE", "URL_WEIGHT", "is_valid", "url_spans_in_text", "weighted_length"]

RULE = LengthRule("x", LIMIT, weighted_length, can_thread=True)
