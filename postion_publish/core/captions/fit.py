"""Fit a caption to a platform: shorten the excerpt, or split into a numbered thread.

Only the excerpt is ever shortened, at a word boundary with an ellipsis, so a URL, the title or a
hashtag is never cut in half. With `thread: true` on a platform that has threads, a long message
becomes a numbered thread instead. What cannot fit is returned with a warning, never cut blindly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from postion_publish.core.captions.rules import LengthRule

ELLIPSIS = "…"
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_TOKENS = re.compile(r"\s+|\S+")
_CUT_PUNCTUATION = " ,;:.-–—([{"


@dataclass(frozen=True)
class Fitted:
    parts: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    whole: bool = False  # the caption fits as rendered (no cut, no thread): a higher limit changes nothing


def tidy(text: str) -> str:
    """One newline style, no trailing spaces, at most one blank line in a row, no outer blank space."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if " \n" in text or "\t\n" in text:  # tested first: a caption is tidied at each fitting step
        text = _TRAILING_SPACE.sub("\n", text)
    if "\n\n\n" in text:  # a blank line of spaces has none left now
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def shorten_words(excerpt: str, words: int) -> str:
    """The first `words` words of the excerpt and an ellipsis ("" when no word is kept)."""
    if words <= 0:
        return ""
    kept = excerpt.split()[:words]
    return " ".join(kept).rstrip(_CUT_PUNCTUATION) + ELLIPSIS


def fit_caption(
    render: Callable[[str], str], excerpt: str, rule: LengthRule, *, thread: bool, hand_written: bool
) -> Fitted:
    """`render(excerpt)` gives the caption for an excerpt. Returns the message part(s)."""
    full = tidy(render(excerpt))
    if rule.fits(full):
        return Fitted((full,), whole=True)
    if thread and rule.can_thread:
        return split_thread(full, rule)
    if hand_written:
        return Fitted((full,), (f"the hand-written caption is {rule.problem(full)}",))
    words = excerpt.split()

    def caption_with(count: int) -> str | None:
        candidate = tidy(render(shorten_words(excerpt, count)))
        return candidate if rule.fits(candidate) else None

    # The largest word count whose caption fits, searched from where the lengths say it should be:
    # two or three renderings instead of a bisection's seven or eight.
    best = _largest_fitting(caption_with, _estimate(words, rule.length(full) - rule.limit), len(words) - 1)
    if best is not None:
        return Fitted((best,))
    shortest = tidy(render(""))
    return Fitted(
        (shortest,),
        (f"even without the excerpt the caption is {rule.problem(shortest)}; shorten the template or title",),
    )


def _estimate(words: list[str], over: int) -> int:
    """How many words to keep to cut `over` units (and make room for the ellipsis): a first guess,
    exact where the rule counts characters."""
    cut, kept = 0, len(words)
    while kept > 0 and cut < over + len(ELLIPSIS):
        kept -= 1
        cut += len(words[kept]) + 1
    return kept


def _largest_fitting(caption_with: Callable[[int], str | None], guess: int, top: int) -> str | None:
    """The caption of the largest count in [0, top] that fits (fitting is monotone: fewer words fit
    too). Gallops from the guess until the answer is bracketed, then bisects."""
    low, high, best = 0, top, None
    probe, step, direction = min(max(guess, 0), top), 1, 0
    while low <= high:
        candidate = caption_with(probe)
        if candidate is not None:
            best, low = candidate, probe + 1
            if direction < 0:
                break
            direction, probe = 1, min(high, probe + step)
        else:
            high = probe - 1
            if direction > 0:
                break
            direction, probe = -1, max(low, probe - step)
        step *= 2
    while low <= high:
        middle = (low + high) // 2
        candidate = caption_with(middle)
        if candidate is not None:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def _numbered(parts: list[str]) -> list[str]:
    return [f"{part} ({index}/{len(parts)})" for index, part in enumerate(parts, start=1)]


def split_thread(text: str, rule: LengthRule) -> Fitted:
    """Split at white space into parts that fit with their ` (i/n)` suffix. Words stay whole."""
    digits = 1
    while True:
        widest_suffix = " ({0}/{0})".format("9" * digits)
        parts, warnings = _greedy_parts(text, rule, widest_suffix)
        if len(parts) < 10**digits:
            numbered = _numbered(parts)
            warnings += [f"part {i} is {rule.problem(p)}" for i, p in enumerate(numbered, 1) if not rule.fits(p)]
            return Fitted(tuple(numbered), tuple(dict.fromkeys(warnings)))
        digits += 1


def _greedy_parts(text: str, rule: LengthRule, suffix: str) -> tuple[list[str], list[str]]:
    """Each part takes as many whole tokens as fit, found by bisection (a few measures a part)."""
    tokens = _TOKENS.findall(text)
    parts: list[str] = []
    warnings: list[str] = []
    start = 0
    while start < len(tokens):
        if tokens[start].isspace():
            start += 1
            continue
        low, high, end = start + 2, len(tokens), start + 1  # a part holds at least one token
        while low <= high:
            middle = (low + high) // 2
            if rule.fits("".join(tokens[start:middle]).strip() + suffix):
                end, low = middle, middle + 1
            else:
                high = middle - 1
        part = "".join(tokens[start:end]).strip()
        if end == start + 1 and not rule.fits(part + suffix):
            warnings.append(f"a single word is longer than a whole message: {rule.problem(part)}")
        parts.append(part)
        start = end
    return parts, warnings
