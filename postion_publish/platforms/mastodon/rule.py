"""Mastodon: grapheme clusters, where a URL with a scheme counts 23 and `@user@domain` counts as
`@user` (app/validators/status_length_validator.rb). The limit is the instance's own."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.captions.text_units import grapheme_count
from postion_publish.core.captions.twitter_text import url_spans_in_text

DEFAULT_LIMIT = 500
URL_LENGTH = 23
_REMOTE_MENTION = re.compile(r"(?<![\w/])@(\w+(?:[\w.-]+\w)?)@[\w.-]+\w", re.ASCII)


def countable_text(text: str) -> str:
    spans = url_spans_in_text(text, require_protocol=True)
    for start, end in reversed(spans):
        text = text[:start] + "x" * URL_LENGTH + text[end:]
    if text.count("@") < 2:  # a remote mention holds two
        return text
    countable: str = _REMOTE_MENTION.sub(lambda match: "@" + match.group(1), text)
    return countable


def length(text: str) -> int:
    return grapheme_count(countable_text(text))


def rule(limit: int = DEFAULT_LIMIT) -> LengthRule:
    return LengthRule("mastodon", limit, length, can_thread=True)


def rule_for_options(options: Mapping[str, Any]) -> LengthRule:
    """The instance's limit: `max_characters` in the config, else Mastodon's default."""
    return rule(int(options.get("max_characters", DEFAULT_LIMIT)))
