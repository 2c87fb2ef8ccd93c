"""Grapheme counts and Threads' emoji rule, taken from the parts of a text that can hold clusters of
several code points, against the same rules applied to the whole text's clusters."""

from __future__ import annotations

import random

from postion_publish.core.captions import text_units

PIECES = [
    "a",
    "Z",
    "1",
    " ",
    "#",
    "\r",
    "\n",
    "\r\n",
    "\u0301",  # combining acute: joins the character before
    "\u0600",  # Arabic number sign: a prepended mark, joins the character after
    "\u200d",  # zero-width joiner
    "\ufe0f",  # emoji presentation selector
    "\u20e3",  # keycap
    "\U0001f680",  # rocket
    "\U0001f469",  # woman
    "\U0001f3fe",  # skin tone
    "\U0001f1eb",  # regional indicators F and R
    "\U0001f1f7",
    "\u1100",  # Hangul L and V jamo
    "\u1161",
    "日",
    "é",
    "\u0915\u094d",  # Devanagari ka and virama
]


def whole_text_rules(text: str) -> tuple[int, int]:
    """(grapheme count, Threads' weighted length) from every cluster of the text."""
    pictographic = text_units._unicode().pictographic
    clusters = text_units.graphemes(text)
    weighted = sum(len(c.encode()) if pictographic.search(c) else len(c) for c in clusters)
    return len(clusters), weighted


def test_counts_from_the_unusual_parts_equal_counts_from_every_cluster() -> None:
    rnd = random.Random(7)
    for _ in range(6000):
        text = "".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 16)))
        assert (text_units.grapheme_count(text), text_units.emoji_weighted_length(text)) == whole_text_rules(text), (
            ascii(text)
        )


def test_a_long_caption_is_split_into_clusters_only_around_its_unusual_characters() -> None:
    text = "word " * 200 + "\U0001f469\U0001f3fe\u200d\U0001f680 and 日本語 " + "word " * 200
    assert text_units._unusual_segments(text) == [" \U0001f469\U0001f3fe\u200d\U0001f680 ", " 日本語 "]
    assert text_units.emoji_weighted_length(text) == len(text) - 4 + len(
        "\U0001f469\U0001f3fe\u200d\U0001f680".encode()
    )


def test_utf16_units_count_astral_characters_twice_and_a_lone_surrogate_once() -> None:
    assert text_units.utf16_units("a\U0001f680\ud800") == 4


def test_the_unusual_characters_are_those_outside_plain_ascii_runs() -> None:
    chance = random.Random(2026)
    pieces = ["a", " ", "\r", "\n", "\x7f", "\x80", "é", "日本", "🚀", "\u200d", "\ufe0f", "\U000e0001"]
    for _ in range(20_000):
        text = "".join(chance.choice(pieces) for _ in range(chance.randint(0, 10)))
        assert text_units._unusual(text) == "".join(text_units._NOT_ASCII.findall(text)), repr(text)
