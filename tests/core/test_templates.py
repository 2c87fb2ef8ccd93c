"""Templates: sandboxed, strict, and their errors point at the line that is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG, write_post
from postion_publish.core.captions.templates import hashtag, render
from postion_publish.core.config import parse_settings
from postion_publish.core.errors import BadInput
from postion_publish.core.plan import make_plan
from postion_publish.sources.content import read_content_folder
from postion_publish.store.state import State


def test_hashtags_are_one_word() -> None:
    tags = ["python", "static sites", "c++", "日本語"]
    assert [hashtag(t) for t in tags] == ["#python", "#StaticSites", "#c", "#日本語"]


def test_an_undefined_name_is_an_error_at_its_line_in_the_config() -> None:
    with pytest.raises(BadInput) as caught:
        render("Hi\n{{ titel }}", {"title": "T"}, origin="template", file="postion.yml", first_line=10)
    assert (caught.value.file, caught.value.line, caught.value.key) == ("postion.yml", 11, "template")
    assert "'titel' is undefined" in str(caught.value) and "known names: title" in str(caught.value)


def test_a_syntax_error_names_its_line() -> None:
    with pytest.raises(BadInput) as caught:
        render("ok\n{% if %}", {}, origin="platforms.x.template", file="postion.yml", first_line=5)
    assert caught.value.line == 6 and caught.value.key == "platforms.x.template"


def test_the_sandbox_refuses_unsafe_attribute_access() -> None:
    with pytest.raises(BadInput, match="template error"):
        render("{{ title.__class__.__mro__ }}", {"title": "T"}, origin="template", file="f", first_line=1)


def test_a_post_template_error_names_the_post_file_and_line(tmp_path: Path) -> None:
    path = write_post(tmp_path, "p.md", "title: T\ndate: 2026-03-01\npostion:\n  template: |\n    Hi\n    {{ nope }}")
    settings = parse_settings(MINIMAL_CONFIG, tmp_path / "postion.yml")
    posts = list(read_content_folder(settings))
    with pytest.raises(BadInput) as caught:
        make_plan(posts, State(), settings, posts[0].date)
    assert (caught.value.file, caught.value.line, caught.value.key) == (str(path), 7, "postion.template")


def test_meta_gives_any_front_matter_key(tmp_path: Path) -> None:
    front = "title: T\ndate: 2026-03-01\npostion:\n  x: 'By {{ meta.series }}: {{ url }}'\nseries: S1"
    write_post(tmp_path, "p.md", front)
    settings = parse_settings(MINIMAL_CONFIG, tmp_path / "postion.yml")
    posts = list(read_content_folder(settings))
    job = make_plan(posts, State(), settings, posts[0].date).jobs[0]
    assert job.messages[0].text == "By S1: https://blog.example.com/p/"
