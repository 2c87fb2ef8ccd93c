"""What a platform would refuse, or readers could not use, the plan says first: before anything is
sent (issue 30, item 2). Each case is planned and then published to the sandbox: the plan's
refusal is the run's, and the platform is never asked."""

from __future__ import annotations

import json
from pathlib import Path

from cli_runner import CliRunner, Result
from conftest import sandbox_env, write_post
from connect_support import blog_for
from postion_publish.cli import main
from postion_publish.platforms.threads.rule import links_in, too_many_links
from postion_publish.sandbox import Sandbox


def blog(folder: Path, sandbox: Sandbox, platforms: str, extra: str = "") -> Path:
    config = blog_for(sandbox, folder, *platforms.split())
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    return folder


def plan(folder: Path, sandbox: Sandbox) -> dict[str, object]:
    result = CliRunner().invoke(
        main, ["plan", "--json", "-c", str(folder / "postion.yml")], env=sandbox_env(sandbox, folder)
    )
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def publish(folder: Path, sandbox: Sandbox) -> Result:
    return CliRunner().invoke(main, ["publish", "-c", str(folder / "postion.yml")], env=sandbox_env(sandbox, folder))


def test_meta_counts_bare_domains_as_links() -> None:
    text = "See www.example.com, https://a.com/x and a.com/x/ and b.org/p and c.io d.dev e.app"
    assert links_in(text) == {"www.example.com", "a.com/x", "b.org/p", "c.io", "d.dev", "e.app"}
    assert too_many_links(text) == "too many links (6 > 5): Threads allows at most 5 different links"
    assert too_many_links("one https://a.com/", also="https://b.com/") is None


def test_a_threads_caption_with_six_links_is_refused_by_the_plan_and_never_sent(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    folder = blog(tmp_path, sandbox, "threads")
    caption = "Read www.a.com, b.com, c.org/x, https://d.net/, e.io and f.dev: {{ url }}"
    write_post(folder, "links.md", f"title: Links\ndate: 2026-03-01\npostion: {{threads: '{caption}'}}")
    [job] = plan(folder, sandbox)["jobs"]  # type: ignore[misc]
    assert job["messages"][0]["problem"] == "too many links (7 > 5): Threads allows at most 5 different links"
    result = publish(folder, sandbox)
    assert result.exit_code == 1 and "too many links (7 > 5)" in result.output
    assert sandbox.store["threads"].get("containers", {}) == {} and sandbox.store["threads"].get("posts", {}) == {}


def test_a_caption_of_nothing_but_an_ellipsis_is_a_warning(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path, sandbox, "bluesky", "template: '{{ excerpt }}'\n")
    write_post(folder, "long.md", "title: Long\ndate: 2026-03-01", "word" * 400)
    [job] = plan(folder, sandbox)["jobs"]  # type: ignore[misc]
    assert job["messages"][0]["text"].strip("… ") == ""  # a word longer than the whole limit: cut to nothing
    assert any("empty once shortened" in warning for warning in job["warnings"])


def test_no_link_and_no_card_is_a_warning_where_the_platform_shows_no_card(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path, sandbox, "mastodon bluesky", "template: 'New: {{ title }}'\n")
    write_post(folder, "p.md", "title: A post\ndate: 2026-03-01")
    jobs = {job["platform"]: job for job in plan(folder, sandbox)["jobs"]}  # type: ignore[attr-defined]
    assert any("no link to the post" in warning for warning in jobs["mastodon"]["warnings"])
    assert not any("no link to the post" in warning for warning in jobs["bluesky"]["warnings"])  # its card links


def test_x_premium_accounts_plan_long_posts(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path, sandbox, "x")
    config = folder / "postion.yml"
    config.write_text(config.read_text().replace('  x: {"', '  x: {"long_posts": true, "'), encoding="utf-8")
    write_post(folder, "p.md", "title: A post\ndate: 2026-03-01\npostion: {x: '" + "word " * 100 + "{{ url }}'}")
    [job] = plan(folder, sandbox)["jobs"]  # type: ignore[misc]
    assert job["messages"][0]["limit"] == 25_000 and "problem" not in job["messages"][0]
