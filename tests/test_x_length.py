"""X's weighted length against the official twitter-text (npm, parseTweet) on tricky strings.
The expected values in data/x_weighted_length.json were produced by tools/twitter-text/gen_expected.js."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postion_publish.captions.rules import x

TABLE = json.loads((Path(__file__).parent / "data" / "x_weighted_length.json").read_text(encoding="utf-8"))


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
