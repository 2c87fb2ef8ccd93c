"""Counting units shared by several platforms' rules."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import regex

_NOT_ASCII = re.compile(r"[^\x00-\x0c\x0e-\x7f]+")  # everything but plain ASCII (CR included)


class _UnicodePatterns(NamedTuple):
    grapheme: regex.Pattern[str]
    pictographic: regex.Pattern[str]
    # Characters that join with a neighbour into one grapheme cluster (UAX #29 rules GB3-GB13).
    # A text without any of them has exactly one cluster per code point.
    joining: regex.Pattern[str]


@cache
def _unicode() -> _UnicodePatterns:
    """On first use: plain ASCII text (most captions) is counted without loading `regex`."""
    import regex

    return _UnicodePatterns(
        regex.compile(r"\X"),
        regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]"),
        regex.compile(
            r"[\r\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}\p{GCB=L}\p{GCB=V}\p{GCB=T}"
            r"\p{GCB=Regional_Indicator}]"
        ),
    )


def graphemes(text: str) -> list[str]:
    """Extended grapheme clusters: what a reader sees as one character."""
    clusters: list[str] = _unicode().grapheme.findall(text)
    return clusters


def _one_cluster_per_code_point(text: str) -> bool:
    unusual = "".join(_NOT_ASCII.findall(text))  # the slow Unicode check runs on these only
    return not unusual or not _unicode().joining.search(unusual)


def grapheme_count(text: str) -> int:
    if _one_cluster_per_code_point(text):
        return len(text)
    return len(graphemes(text))


def utf16_units(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def emoji_weighted_length(text: str) -> int:
    """Code points, except that a cluster holding an emoji counts its UTF-8 bytes (Threads' rule).
    One pass: the clusters are walked once, beside the emoji's positions (no regex per cluster)."""
    unusual = "".join(_NOT_ASCII.findall(text))
    if not unusual or not _unicode().pictographic.search(unusual):
        return len(text)  # clusters without an emoji count their code points: len(text) in all
    marks = [match.start() for match in _unicode().pictographic.finditer(text)]
    extra, offset, mark = 0, 0, 0
    for cluster in graphemes(text):
        offset += len(cluster)
        if mark < len(marks) and marks[mark] < offset:  # this cluster holds an emoji
            extra += len(cluster.encode("utf-8")) - len(cluster)
            while mark < len(marks) and marks[mark] < offset:
                mark += 1
    return len(text) + extra
