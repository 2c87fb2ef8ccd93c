"""The content folder: front matter → Posts, as a blogger would expect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, write_post
from postion_publish.core.config import parse_settings
from postion_publish.core.errors import BadInput
from postion_publish.core.posts import Post
from postion_publish.sources.content import read_content_folder


def posts_of(folder: Path, config: str = MINIMAL_CONFIG) -> list[Post]:
    return list(read_content_folder(parse_settings(config, folder / "postion.yml")))


def one_post(folder: Path, front: str, body: str = "Some text.", name: str = "post.md") -> Post:
    write_post(folder, name, front, body)
    [post] = posts_of(folder)
    return post


def test_title_date_and_url_from_front_matter_and_file_name(tmp_path: Path) -> None:
    post = one_post(tmp_path, "title: Hello\ndate: 2026-03-01", name="2026-03-01-hello-world.md")
    assert (post.id, post.title, post.url) == (
        "2026-03-01-hello-world",
        "Hello",
        "https://blog.example.com/hello-world/",
    )
    assert post.date == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-03-01", dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
        ("2026-03-01 10:30:00", dt.datetime(2026, 3, 1, 10, 30, tzinfo=dt.UTC)),
        ("2026-03-01T10:30:00+02:00", dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)),
        ("'2026-03-01T10:30:00Z'", dt.datetime(2026, 3, 1, 10, 30, tzinfo=dt.UTC)),
        ("{created: 2026-03-01}", dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
    ],
)
def test_dates_with_or_without_time_and_zone(tmp_path: Path, written: str, expected: dt.datetime) -> None:
    assert one_post(tmp_path, f"title: T\ndate: {written}").date == expected


def test_an_unparseable_date_names_file_line_and_key(tmp_path: Path) -> None:
    path = write_post(tmp_path, "bad.md", "title: T\ntags: [a]\ndate: the day after tomorrow")
    with pytest.raises(BadInput) as caught:
        posts_of(tmp_path)
    assert (caught.value.file, caught.value.line, caught.value.key) == (str(path), 4, "date")


def test_excerpt_prefers_description(tmp_path: Path) -> None:
    post = one_post(tmp_path, "title: T\ndate: 2026-03-01\ndescription: The description.", "First paragraph.")
    assert post.excerpt == "The description."


def test_excerpt_is_the_text_before_the_more_marker_as_plain_text(tmp_path: Path) -> None:
    body = "# Heading\n\nOne **bold** [link](https://x.example) and `code`.\n\nTwo.\n<!-- more -->\nHidden."
    assert one_post(tmp_path, "title: T\ndate: 2026-03-01", body).excerpt == "One bold link and code. Two."


def test_excerpt_is_else_the_first_paragraph(tmp_path: Path) -> None:
    body = "![cover](c.png)\nFirst *para*\nacross lines.\n\nSecond para."
    assert one_post(tmp_path, "title: T\ndate: 2026-03-01", body).excerpt == "First para across lines."


def test_slug_and_url_front_matter_and_permalink(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace("path: posts", 'path: posts\n  permalink: "blog/{year}/{month}/{slug}/"')
    write_post(tmp_path, "a.md", "title: A\ndate: 2026-03-01\nslug: custom")
    write_post(tmp_path, "b.md", "title: B\ndate: 2026-03-01\nurl: /elsewhere/b.html")
    urls = [post.url for post in posts_of(tmp_path, config)]
    assert urls == ["https://blog.example.com/blog/2026/03/custom/", "https://blog.example.com/elsewhere/b.html"]


def test_draft_tags_author_image_and_id(tmp_path: Path) -> None:
    post = one_post(
        tmp_path,
        "title: T\ndate: 2026-03-01\ndraft: true\ntags: a, b c\nauthors: [ada]\nid: stable\n"
        "image: cover.png\npostion: {alt: A cover}",
    )
    assert (post.draft, post.tags, post.author, post.id, post.image, post.image_alt) == (
        True,
        ("a", "b c"),
        "ada",
        "stable",
        "cover.png",
        "A cover",
    )


@pytest.mark.parametrize(
    ("front", "draft"),
    [
        ("draft: true", True),
        ("draft: 'true'", True),  # quoted: still a draft (it was announced)
        ('draft: "Yes"', True),
        ("draft: false", False),
        ("draft: 'no'", False),
        ("status: Draft", True),
        ("published: false", True),  # Jekyll's
        ("published: 'false'", True),
        ("published: true", False),
        ("published: 2026-01-02", False),  # a date where other generators keep one
        ("", False),
    ],
)
def test_what_makes_a_draft(tmp_path: Path, front: str, draft: bool) -> None:
    assert one_post(tmp_path, f"title: T\ndate: 2026-03-01\n{front}").draft is draft


@pytest.mark.parametrize("value", ["maybe", "[1]", "2"])
def test_a_draft_flag_that_says_neither_yes_nor_no_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(BadInput, match="key 'draft': must be true or false"):
        one_post(tmp_path, f"title: T\ndate: 2026-03-01\ndraft: {value}")


def test_postion_block_skip_and_captions(tmp_path: Path) -> None:
    front = "title: T\ndate: 2026-03-01\nsocial: {cards: false}\npostion:\n  skip: [x]\n  bluesky: Hi"
    post = one_post(tmp_path, front)
    assert post.options.skips("x") and not post.options.skips("bluesky")
    assert post.options.captions == {"bluesky": "Hi"}


def test_an_unknown_key_in_the_postion_block_names_its_line(tmp_path: Path) -> None:
    path = write_post(tmp_path, "p.md", "title: T\ndate: 2026-03-01\npostion:\n  skp: [x]")
    with pytest.raises(BadInput) as caught:
        posts_of(tmp_path)
    assert (caught.value.file, caught.value.line, caught.value.key) == (str(path), 5, "postion.skp")
    assert "did you mean 'skip'?" in str(caught.value)


def test_broken_front_matter_names_the_line(tmp_path: Path) -> None:
    path = write_post(tmp_path, "p.md", "title: T\ndate: 2026-03-01\ntags: [a, b")
    with pytest.raises(BadInput) as caught:
        posts_of(tmp_path)
    assert caught.value.file == str(path) and caught.value.line is not None
