"""Counting units shared by several platforms' rules."""

from __future__ import annotations

import re

import regex

_GRAPHEME = regex.compile(r"\X")
_PICTOGRAPHIC = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]")
# Characters that join with a neighbour into one grapheme cluster (UAX #29 rules GB3-GB13).
# A text without any of them has exactly one cluster per code point.
_JOINING = regex.compile(
    r"[\r\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}\p{GCB=L}\p{GCB=V}\p{GCB=T}"
    r"\p{GCB=Regional_Indicator}]"
)
_NOT_ASCII = re.compile(r"[^\x00-\x0c\x0e-\x7f]+")  # everything but plain ASCII (CR included)


def graphemes(text: str) -> list[str]:
    """Extended grapheme clusters: what a reader sees as one character."""
    clusters: list[str] = _GRAPHEME.findall(text)
    return clusters


def _one_cluster_per_code_point(text: str) -> bool:
    unusual = "".join(_NOT_ASCII.findall(text))  # the slow Unicode check runs on these only
    return not unusual or not _JOINING.search(unusual)


def grapheme_count(text: str) -> int:
    if _one_cluster_per_code_point(text):
        return len(text)
    return len(graphemes(text))


def utf16_units(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def is_emoji(cluster: str) -> bool:
    return bool(_PICTOGRAPHIC.search(cluster))


def emoji_weighted_length(text: str) -> int:
    """Code points, except that a cluster holding an emoji counts its UTF-8 bytes (Threads' rule)."""
    unusual = "".join(_NOT_ASCII.findall(text))
    if not unusual or (not _PICTOGRAPHIC.search(unusual) and not _JOINING.search(unusual)):
        return len(text)
    return sum(len(cluster.encode("utf-8")) if is_emoji(cluster) else len(cluster) for cluster in graphemes(text))
