"""X's weighted length against the official twitter-text (npm, parseTweet) on tricky strings.
The expected values in data/x_weighted_length.json were produced by tools/twitter-text/gen_expected.js."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from postion_publish.core.captions import twitter_text as x

TABLE = json.loads(
    (Path(__file__).resolve().parent.parent / "data" / "x_weighted_length.json").read_text(encoding="utf-8")
)


def test_the_table_is_large_enough_to_mean_something() -> None:
    assert len(TABLE) >= 40


@pytest.mark.parametrize("case", TABLE, ids=[case["name"] for case in TABLE])
def test_weighted_length_agrees_with_twitter_text(case: dict[str, object]) -> None:
    assert (x.weighted_length(str(case["text"])), x.is_valid(str(case["text"]))) == (
        case["weighted_length"],
        case["valid"],
    )


def test_every_url_weighs_23_whatever_its_length() -> None:
    short = x.weighted_length("see https://a.co/x")
    long = x.weighted_length("see https://blog.example.com/" + "a" * 200)
    assert short == long == 4 + 23


# The shortcuts that spare most captions the 1,500-TLD grammar must agree with it. They are
# checked against the grammar itself on generated strings (the table above checks the grammar).


# Every run of non-space, found apart from x's own scan (which visits only those holding a dot).
_RUNS = re.compile(f"[^{x._SPACES}]+")


def _grammar_spans(text: str) -> list[tuple[int, int]]:
    units = x._utf16_units(text)
    return [
        span
        for run in _RUNS.finditer(units)
        if "." in run.group(0)
        for span in x._url_spans_in_run(run.group(0), run.start(), False)
    ]


def test_a_plain_url_is_taken_whole_exactly_where_the_grammar_takes_it() -> None:
    rnd = random.Random(4)
    tlds = [*sorted(t for t in x._tlds() if t.isascii()), "comm", "Com"]

    def label() -> str:
        core = "".join(rnd.choice("abz09") for _ in range(rnd.choice([1, 2, 8, 62, 63, 64])))
        return core[0] + "-" + core[2:] if len(core) > 2 and rnd.random() < 0.3 else core

    shortcut = 0
    for _ in range(800):
        host = ".".join(label() for _ in range(rnd.randint(1, 12))) + "." + rnd.choice(tlds)
        url = rnd.choice(["http://", "HTTPS://"]) + host + rnd.choice(["", ":80", ":123456"])
        url += rnd.choice(["", "/", "/a-b_c/", "/a.", "/A-", "//", "/(a)"])
        for text in (url, f"see {url} now", f"({url})", "https://t.co/abc", "https://xn--p1ai.xn--p1ai/"):
            shortcut += any(x._is_plain_url(run.group(0)) for run in _RUNS.finditer(text))
            assert x.url_spans(x._utf16_units(text)) == _grammar_spans(text), text
    assert shortcut > 200  # the shortcut was taken, not only the grammar


def test_the_tld_precheck_never_says_no_where_the_grammar_finds_a_tld() -> None:
    pattern = re.compile(f"\\.{x._tld_pattern()}", re.IGNORECASE)
    tlds = sorted(x._tlds())
    pieces = [
        ".",
        "com",
        "COM",
        "xn--",
        "xn--p1ai",
        "a",
        "1",
        "-",
        "@",
        "+",
        "/",
        "é",
        "みんな",
        "さん",
        "ı",
        "İ",
        "K",
        "ſ",
    ]
    rnd = random.Random(5)
    for _ in range(5000):
        run = "".join(
            rnd.choice([*pieces, rnd.choice(tlds), rnd.choice(tlds).upper()]) for _ in range(rnd.randint(1, 6))
        )
        if pattern.search(run):
            assert x._has_dot_tld(run), run


def test_the_runs_holding_a_dot_are_those_a_pattern_finds() -> None:
    """`_dotted_runs` goes from dot to dot; the pattern it replaced, tried at each run's start,
    is the reference: on generated text of words, dots and every kind of white space."""
    run = re.compile(f"(?<![^{x._SPACES}])[^{x._SPACES}.]*\\.[^{x._SPACES}]*")
    pieces = [
        "a",
        ".",
        " ",
        "\n",
        "\u3000",
        "\u2028",
        "x.y",
        "..",
        "\t",
        "é",
        "\ud83d\ude80",
        "\x85",
        "\u180e",
        "\u200b",
    ]
    chance = random.Random(2026)
    for _ in range(20_000):
        text = "".join(chance.choice(pieces) for _ in range(chance.randint(0, 12)))
        assert list(x._dotted_runs(text)) == [match.span() for match in run.finditer(text)], repr(text)
