"""The diff: what is new is what the state does not hold, minus drafts, future and old posts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import MINIMAL_CONFIG
from postion_publish.core.config import parse_settings
from postion_publish.core.errors import BadInput
from postion_publish.core.plan import make_plan
from postion_publish.core.posts import Post, PostOptions
from postion_publish.store.state import PlatformStatus, State, parse_state

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
SETTINGS = parse_settings(MINIMAL_CONFIG + "since: 2026-01-01\n", Path("/blog/postion.yml"))


def post(post_id: str, day: str = "2026-03-01", **changes: object) -> Post:
    values: dict[str, object] = {
        "id": post_id,
        "url": f"https://blog.example.com/{post_id}/",
        "title": post_id.title(),
        "date": dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC),
        "description": "An excerpt.",
    }
    values.update(changes)
    return Post(**values)  # type: ignore[arg-type]


def planned(posts: list[Post], state: State | None = None) -> list[tuple[str, str]]:
    return [(job.post.id, job.platform) for job in make_plan(posts, state or State(), SETTINGS, NOW).jobs]


def test_new_posts_get_one_job_per_enabled_platform() -> None:
    assert planned([post("a")]) == [("a", "x"), ("a", "bluesky")]


def test_drafts_future_and_pre_since_posts_are_not_new() -> None:
    posts = [post("draft", draft=True), post("future", "2026-07-01"), post("old", "2025-12-31"), post("ok")]
    assert planned(posts) == [("ok", "x"), ("ok", "bluesky")]


def test_future_posts_are_listed_as_scheduled() -> None:
    plan = make_plan([post("future", "2026-07-01")], State(), SETTINGS, NOW)
    assert [p.id for p in plan.scheduled] == ["future"]


def test_baseline_marks_every_post_so_nothing_is_announced() -> None:
    posts = [post(f"p{i}") for i in range(500)]
    state, added = State().with_baseline(posts, NOW)
    assert added == 500
    assert planned(posts, state) == []


def test_a_changed_slug_is_matched_by_id() -> None:
    state, _ = State().with_baseline([post("a")], NOW)
    assert planned([post("a", url="https://blog.example.com/renamed/")], state) == []


def test_a_renamed_file_with_the_same_url_is_matched_by_url() -> None:
    state, _ = State().with_baseline([post("a")], NOW)
    assert planned([post("new-file-name", url="https://blog.example.com/a/")], state) == []


def test_a_pending_platform_is_planned_again_and_only_it() -> None:
    state = State().with_platform_status(post("a"), "x", "announced", {"id": "1"})
    state = state.with_platform_status(post("a"), "bluesky", PlatformStatus.PENDING)
    assert planned([post("a")], state) == [("a", "bluesky")]


def test_a_platform_added_later_does_not_announce_the_archive() -> None:
    state = State().with_platform_status(post("a"), "x", "announced", {"id": "1"})
    assert planned([post("a")], state) == []


def test_skipped_platforms_get_no_job() -> None:
    assert planned([post("a", options=PostOptions(skip=frozenset({"x"})))]) == [("a", "bluesky")]
    assert planned([post("a", options=PostOptions(skip_all=True))]) == []


def test_two_posts_with_one_url_are_bad_input() -> None:
    with pytest.raises(BadInput, match="two posts have the URL"):
        planned([post("a"), post("b", url="https://blog.example.com/a/")])


def test_a_state_with_an_unknown_status_is_bad_input() -> None:
    data = {"version": 1, "posts": {"a": {"url": "u", "platforms": {"x": {"status": "posted?"}}}}}
    with pytest.raises(BadInput) as caught:
        parse_state(data, Path("state.json"))
    assert caught.value.key == "posts.a.platforms.x"


def test_bluesky_messages_carry_their_facets() -> None:
    [_, job] = make_plan([post("a")], State(), SETTINGS, NOW).jobs
    [message] = job.messages
    [facet] = message.details["facets"]
    start = facet["index"]["byteStart"]
    assert message.text.encode()[start : facet["index"]["byteEnd"]].decode() == "https://blog.example.com/a/"


def test_a_settled_post_is_not_even_parsed_but_one_with_its_own_id_is(tmp_path: Path) -> None:
    from conftest import write_post
    from postion_publish.sources.content import read_content_folder

    settings = parse_settings(MINIMAL_CONFIG, tmp_path / "postion.yml")
    write_post(tmp_path, "old.md", "title: Old\ndate: not a date at all")  # would be bad input if read
    write_post(tmp_path, "own-id.md", "id: custom\ntitle: Own\ndate: 2026-03-01")
    posts = list(read_content_folder(settings, settled=lambda post_id: post_id in {"old", "own-id"}))
    assert [post.id for post in posts] == ["custom"]


def test_settles_all_only_for_posts_recorded_with_nothing_left() -> None:
    announced = {"platforms": {"x": {"status": "announced"}}}
    state = State({"a": {"url": "https://b/a/", **announced}, "": {"url": "https://b/other/", **announced}})
    assert state.settles_all([("a", "https://b/a/"), ("renamed", "https://b/a/")])  # by id, then by URL
    assert not state.settles_all([("a", "https://b/a/"), ("new", "https://b/new/")])  # never the "" entry
    pending = State({"a": {"url": "https://b/a/", "platforms": {"x": {"status": "pending"}}}})
    assert not pending.settles_all([("a", "https://b/a/")])
