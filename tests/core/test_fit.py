"""Fitting a caption: shorten the excerpt at a word, or split a numbered thread."""

from __future__ import annotations

from postion_publish.core.captions.fit import ELLIPSIS, fit_caption, split_thread
from postion_publish.platforms.bluesky import rule as bluesky
from postion_publish.platforms.discord import rule as discord
from postion_publish.platforms.x import rule as x

URL = "https://blog.example.com/2026/04/a-very-long-slug-for-a-long-post/"
EXCERPT = " ".join(f"word{i}" for i in range(200))


def render(excerpt: str) -> str:
    return f"Title #tag\n{excerpt}\n{URL}"


def test_a_caption_that_fits_is_left_alone() -> None:
    fitted = fit_caption(render, "short", x.RULE, thread=False, hand_written=False)
    assert fitted.parts == (render("short"),) and not fitted.warnings


def test_too_long_shortens_only_the_excerpt_at_a_word_with_an_ellipsis() -> None:
    [text] = fit_caption(render, EXCERPT, x.RULE, thread=False, hand_written=False).parts
    title, excerpt, url = text.split("\n")
    assert (title, url) == ("Title #tag", URL)
    assert excerpt.endswith(ELLIPSIS)
    assert EXCERPT.startswith(excerpt.removesuffix(ELLIPSIS) + " ")
    assert x.weighted_length(text) <= 280


def test_shortening_keeps_as_many_words_as_fit() -> None:
    [text] = fit_caption(render, EXCERPT, x.RULE, thread=False, hand_written=False).parts
    kept = text.split("\n")[1].removesuffix(ELLIPSIS).split()
    one_more = render(" ".join(EXCERPT.split()[: len(kept) + 1]) + ELLIPSIS)
    assert x.weighted_length(one_more) > 280


def test_thread_splits_into_numbered_parts_that_each_fit() -> None:
    fitted = fit_caption(render, EXCERPT, bluesky.RULE, thread=True, hand_written=False)
    count = len(fitted.parts)
    assert count > 1
    assert [part.rsplit(" ", 1)[1] for part in fitted.parts] == [f"({i}/{count})" for i in range(1, count + 1)]
    assert all(bluesky.RULE.fits(part) for part in fitted.parts)
    assert URL in fitted.parts[-1]


def test_thread_parts_together_say_everything() -> None:
    fitted = fit_caption(render, EXCERPT, x.RULE, thread=True, hand_written=False)
    words = " ".join(part.rsplit(" ", 1)[0] for part in fitted.parts).split()
    assert words == render(EXCERPT).split()


def test_thread_is_ignored_where_the_platform_has_none() -> None:
    fitted = fit_caption(lambda e: e, "word " * 500, discord.RULE, thread=True, hand_written=False)
    assert len(fitted.parts) == 1 and discord.RULE.fits(fitted.parts[0])


def test_a_hand_written_caption_is_never_shortened_but_warned_about() -> None:
    long = "mine " * 100
    fitted = fit_caption(lambda e: long, "", x.RULE, thread=False, hand_written=True)
    assert fitted.parts == (long.strip(),)
    assert fitted.warnings == ("the hand-written caption is too long (499 > 280)",)


def test_a_message_that_cannot_fit_is_a_warning() -> None:
    fitted = fit_caption(lambda e: "T" * 400 + e, "some words", x.RULE, thread=False, hand_written=False)
    assert fitted.warnings and "even without the excerpt the caption is too long" in fitted.warnings[0]


def test_ten_or_more_parts_are_numbered_with_room_for_two_digits() -> None:
    fitted = split_thread(" ".join(["abcdefghi"] * 400), x.RULE)
    assert len(fitted.parts) >= 10
    assert fitted.parts[9].endswith(f"(10/{len(fitted.parts)})")
    assert all(x.RULE.fits(part) for part in fitted.parts) and not fitted.warnings
