"""Counting units shared by several platforms' rules."""

from __future__ import annotations

import regex

_GRAPHEME = regex.compile(r"\X")
_PICTOGRAPHIC = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")


def graphemes(text: str) -> list[str]:
    """Extended grapheme clusters: what a reader sees as one character."""
    return _GRAPHEME.findall(text)


def grapheme_count(text: str) -> int:
    if text.isascii():
        # ASCII has one cluster per character except CR LF.
        return len(text) - text.count("\r\n")
    return len(graphemes(text))


def utf16_units(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def is_emoji(cluster: str) -> bool:
    return bool(_PICTOGRAPHIC.search(cluster))
