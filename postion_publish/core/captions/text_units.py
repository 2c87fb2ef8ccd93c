"""Counting units shared by several platforms' rules."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import regex

_NOT_ASCII = re.compile(r"[^\x00-\x0c\x0e-\x7f]+")  # everything but plain ASCII (CR included)
_PLAIN_ASCII = re.compile(r"[\x00-\x0c\x0e-\x7f]+")


def _unusual(text: str) -> str:
    """The characters `_NOT_ASCII` finds, together: the plain ASCII runs taken out (matching the
    few long runs takes half the time of finding the rest)."""
    return _PLAIN_ASCII.sub("", text)


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


def _unusual_segments(text: str) -> list[str]:
    """The parts of `text` where a grapheme cluster may hold more than one code point: each run of
    characters other than plain ASCII (CR counts as one), with the ASCII character on either side
    (a base for combining marks, or what a prepended mark joins). Two ASCII characters never join
    (UAX #29: CR LF aside), so each part is a row of whole clusters and the rest of the text is one
    cluster per character: a long caption is split into clusters only where that can matter."""
    segments: list[str] = []
    start = end = -1
    for match in _NOT_ASCII.finditer(text):
        if match.start() - 1 >= end:  # at least two ASCII characters since the last part
            if end >= 0:
                segments.append(text[start:end])
            start = max(match.start() - 1, 0)
        end = match.end() + 1
    if end >= 0:
        segments.append(text[start:end])
    return segments


def grapheme_count(text: str) -> int:
    if _one_cluster_per_code_point(text):
        return len(text)
    return len(text) - sum(len(segment) - len(graphemes(segment)) for segment in _unusual_segments(text))


def _one_cluster_per_code_point(text: str) -> bool:
    if text.isascii():
        return "\r" not in text  # CR LF is the one cluster of two ASCII characters
    unusual = _unusual(text)  # the slow Unicode check runs on these only
    return not unusual or not _unicode().joining.search(unusual)


def utf16_units(text: str) -> int:
    # Two bytes per unit; a lone surrogate (which JSON can carry) is one unit, as in JavaScript.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def emoji_weighted_length(text: str) -> int:
    """Code points, except that a cluster holding an emoji counts its UTF-8 bytes (Threads' rule).
    Clusters are only formed where emoji are (see _unusual_segments), and each is tested by its
    offset against the emoji's positions (no regex per cluster)."""
    unusual = _unusual(text)
    if not unusual or not _unicode().pictographic.search(unusual):
        return len(text)  # clusters without an emoji count their code points: len(text) in all
    extra = 0
    for segment in _unusual_segments(text):
        marks = [match.start() for match in _unicode().pictographic.finditer(segment)]
        if not marks:
            continue
        offset, mark = 0, 0
        for cluster in graphemes(segment):
            offset += len(cluster)
            if marks[mark] < offset:  # this cluster holds an emoji
                extra += len(cluster.encode("utf-8", "surrogatepass")) - len(cluster)
                while mark < len(marks) and marks[mark] < offset:
                    mark += 1
                if mark == len(marks):
                    break
    return len(text) + extra
