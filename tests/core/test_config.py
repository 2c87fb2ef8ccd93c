"""postion.yml: every mistake is one clear message naming file, line and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from postion_publish.core.config import load_settings, parse_settings
from postion_publish.core.errors import BadInput

FILE = Path("/blog/postion.yml")
GOOD = """\
site_url: https://blog.example.com/
since: 2026-01-01
platforms:
  x: {thread: true}
  mastodon:
    instance: https://mastodon.social/
    max_characters: 1000
"""


def error_for(text: str) -> BadInput:
    with pytest.raises(BadInput) as caught:
        parse_settings(text, FILE)
    return caught.value


def test_a_valid_config_becomes_typed_settings() -> None:
    settings = parse_settings(GOOD, FILE)
    assert settings.site_url == "https://blog.example.com"
    assert settings.since == dt.date(2026, 1, 1)
    assert settings.enabled_platforms == ["x", "mastodon"]
    assert settings.platforms["x"].thread is True
    assert settings.platforms["mastodon"].api_base == "https://mastodon.social"
    assert settings.platforms["mastodon"].options["max_characters"] == 1000
    assert settings.source.path == Path("/blog/posts")


def test_broken_yaml_names_the_line() -> None:
    error = error_for("site_url: https://a.example\nplatforms:\n  x: {thread: true\n")
    assert (error.file, error.line) == (str(FILE), 4)
    assert "not valid YAML" in str(error)


def test_an_unknown_key_suggests_the_close_one() -> None:
    error = error_for(GOOD + "templte: hi\n")
    assert (error.line, error.key) == (8, "templte")
    assert "did you mean 'template'?" in str(error)


def test_an_unknown_platform_key_names_its_full_path() -> None:
    error = error_for(GOOD.replace("max_characters", "max_chars"))
    assert (error.line, error.key) == (7, "platforms.mastodon.max_chars")
    assert "did you mean 'max_characters'?" in str(error)


def test_an_unknown_platform_is_an_error() -> None:
    error = error_for(GOOD + "  twiter: {}\n")
    assert (error.line, error.key) == (8, "platforms.twiter")
    assert "unknown platform" in str(error)


def test_a_wrong_type_says_what_is_expected() -> None:
    error = error_for(GOOD.replace("thread: true", "thread: yes please"))
    assert error.key == "platforms.x.thread" and error.line == 4
    assert "must be true or false" in str(error)


def test_a_bad_date_is_an_error_naming_since() -> None:
    error = error_for(GOOD.replace("since: 2026-01-01", "since: next tuesday"))
    assert (error.line, error.key) == (2, "since")


def test_an_impossible_date_is_an_error() -> None:
    assert "month must be in 1..12" in str(error_for(GOOD.replace("2026-01-01", "2026-13-01")))


def test_a_required_platform_key_is_named() -> None:
    error = error_for("site_url: https://a.example\nplatforms:\n  bluesky: {}\n")
    assert error.key == "platforms.bluesky" and "needs 'handle'" in str(error)


def test_site_url_must_be_a_url() -> None:
    error = error_for(GOOD.replace("https://blog.example.com/", "blog.example.com"))
    assert (error.line, error.key) == (1, "site_url")


def test_a_key_given_twice_is_an_error() -> None:
    error = error_for(GOOD + "since: 2026-02-01\n")
    assert (error.line, error.key) == (8, "since")


def test_a_missing_file_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="postion init"):
        load_settings(tmp_path / "postion.yml")
