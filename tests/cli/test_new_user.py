"""What a new user hit on real blogs (issue 13), item by item: each test failed before its fix."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli_runner import CliRunner, Result
from conftest import NOW, sandbox_env, write_post
from postion_publish.cli import main
from postion_publish.core.excerpt import plain_text_of_html
from postion_publish.sandbox import Sandbox
from postion_publish.sources.content import slugify

Run = Callable[..., Result]
THREAD_PART = re.compile(r"\(\d+/\d+\)$")


def test_an_over_long_message_never_reaches_the_network(
    sandbox: Sandbox, live_blog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests: list[str] = []
    dispatch = sandbox.dispatch

    def counted(method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        requests.append(path)
        return dispatch(method, path, headers, body)

    monkeypatch.setattr(sandbox, "dispatch", counted)
    config_file = live_blog / "postion.yml"  # no thread on Bluesky: the caption must fit one post
    config_file.write_text(config_file.read_text().replace("/bluesky, thread: true}", "/bluesky}"))
    caption = "word " * 80  # 399 graphemes (trimmed) by hand: Bluesky takes 300, and hand-written text is never cut
    write_post(live_blog, "third.md", f"title: Third\ndate: 2026-03-03\npostion: {{bluesky: '{caption}'}}")
    env = sandbox_env(sandbox, live_blog)
    config = ["-c", str(live_blog / "postion.yml")]
    result = CliRunner().invoke(
        main, ["publish", "--json", "--platform", "bluesky", "--post", _url(3), *config], env=env
    )
    [job] = json.loads(result.stdout)["results"]
    assert (job["status"], result.exit_code) == ("failed", 1)
    assert "too long (399 > 300): not sent" in job["error"] and "thread: true" in job["error"]
    assert [path for path in requests if path.startswith("/bluesky")] == []

    # It failed once; unchanged, it is skipped on the next runs, without failing them or the history.
    publish = ["publish", "--json", "--platform", "bluesky", "--post", _url(3), *config]
    again = CliRunner().invoke(main, publish, env=env)
    [muted] = json.loads(again.stdout)["results"]
    assert (muted["status"], again.exit_code) == ("skipped", 0) and "unchanged since it failed" in muted["error"]
    history = json.loads(CliRunner().invoke(main, ["history", "--json", *config], env=env).stdout)
    assert [a["status"] for a in history if a["post"] == _url(3)] == ["failed"]
    # `postion retry` tries it again (and it fails again, locally); a changed caption is tried afresh.
    retried = CliRunner().invoke(main, ["retry", *config], env=env)
    assert retried.exit_code == 1 and "too long" in retried.output
    write_post(live_blog, "third.md", f"title: Third\ndate: 2026-03-03\npostion: {{bluesky: '{caption}!'}}")
    changed = CliRunner().invoke(main, publish, env=env)
    assert json.loads(changed.stdout)["results"][0]["status"] == "failed"
    assert [path for path in requests if path.startswith("/bluesky")] == []


def _url(number: int) -> str:
    return f"https://blog.example.com/{['', 'first', 'second', 'third'][number]}/"


def test_front_matter_never_closed_is_one_line_exit_2(live_blog: Path, run: Run) -> None:
    (live_blog / "posts" / "open.md").write_text("---\ntitle: Open\ndate: 2026-03-03\nNo closing line.\n")
    result = run(live_blog, "plan")
    assert result.exit_code == 2 and "open.md, line 1: the front matter opens with ---" in result.output
    assert "Traceback" not in result.output


def test_the_config_option_works_before_the_command(live_blog: Path) -> None:
    result = CliRunner().invoke(main, ["-c", str(live_blog / "postion.yml"), "plan", "--now", NOW])
    assert result.exit_code == 0 and "First post" in result.output


def test_action_outside_github_actions_prints_no_secret(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "GITHUB_ACTIONS"}
    env["POSTION_MASTODON_TOKEN"] = "a-secret-value"
    result = subprocess.run(
        [sys.executable, "-m", "postion_publish", "action"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2 and "inside GitHub Actions only" in result.stderr
    assert "a-secret-value" not in result.stdout + result.stderr and "add-mask" not in result.stdout


def test_a_publish_refused_for_a_missing_state_creates_nothing(blog: Path, run: Run) -> None:
    result = run(blog, "publish")
    assert result.exit_code == 2 and "postion init --baseline" in result.output
    assert not (blog / ".postion").exists()


def test_a_slug_keeps_what_is_not_an_accent() -> None:
    assert slugify("日本語の記事") == "日本語の記事"
    assert slugify("Déjà vu, café!") == "deja-vu-cafe"


def test_html_comments_are_parsed_not_guessed() -> None:
    assert plain_text_of_html("<p>A <!-- a > b --> post &amp; more</p>") == "A post & more"
    assert plain_text_of_html("<style>p{}</style>Text<script>if (a < b) {}</script>") == "Text"


def test_plan_says_why_each_new_post_is_left_out(live_blog: Path, run: Run) -> None:
    config = live_blog / "postion.yml"
    config.write_text(config.read_text().replace("platforms:", "since: 2026-03-02\nplatforms:", 1))
    write_post(live_blog, "draft.md", "title: Unfinished\ndate: 2026-03-05\ndraft: true")
    write_post(live_blog, "later.md", "title: Later\ndate: 2099-01-01")
    write_post(live_blog, "quiet.md", "title: Quiet\ndate: 2026-03-06\npostion: {skip: true}")
    reasons = {n["post_id"]: n["reason"] for n in json.loads(run(live_blog, "plan", "--json").output)["not_planned"]}
    assert reasons["first"].startswith("dated before `since` (2026-03-02")  # the post of the day before
    assert reasons["draft"] == "a draft" and reasons["quiet"].startswith("skipped on bluesky, mastodon, discord")
    table = run(live_blog, "plan").output
    assert "Not announced: First post" in table and "Scheduled: Later" in table


def test_the_starter_config_needs_no_since(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", "-c", str(tmp_path / "postion.yml")])
    assert result.exit_code == 0 and "since:" not in (tmp_path / "postion.yml").read_text()


def test_a_second_baseline_lists_the_new_posts_and_wants_force(blog: Path, run: Run) -> None:
    assert run(blog, "init", "--baseline").exit_code == 0
    write_post(blog, "second.md", "title: Second\ndate: 2026-04-01")
    before = (blog / ".postion" / "state.json").read_bytes()
    refused = run(blog, "init", "--baseline")
    assert (
        refused.exit_code == 2 and "https://blog.example.com/second/" in refused.output and "--force" in refused.output
    )
    assert (blog / ".postion" / "state.json").read_bytes() == before
    assert run(blog, "init", "--baseline", "--force").exit_code == 0
    assert "Nothing new to announce." in run(blog, "plan").output


def test_an_excerpt_is_one_line_on_every_route() -> None:
    from postion_publish.core.posts import Post

    post = Post("a", "https://blog.example.com/a/", "A", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "Folded\ntext\n")
    assert post.excerpt == "Folded text"


def test_a_preview_manifest_is_said_in_the_plan(tmp_path: Path, run: Run) -> None:
    from postion_publish.core.posts import Post
    from postion_publish.sources.manifest import post_to_json, write_manifest

    (tmp_path / "postion.yml").write_text(
        "site_url: https://blog.example.com\nsource: {type: mkdocs, path: site}\nplatforms:\n  discord: {}\n"
    )
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    post = Post("a", "https://blog.example.com/a/", "A", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), "Text.")
    write_manifest(tmp_path / "site", [post_to_json(post)], generator="pelican", site_url=None, preview=True)
    plan = json.loads(run(tmp_path, "plan", "--json").output)
    assert "from a preview build (pelican, no site URL: a development build)" in plan["jobs"][0]["warnings"][0]
    refused = run(tmp_path, "publish")
    assert refused.exit_code == 2 and "None" not in refused.output and "no site URL" in refused.output


def test_the_pelican_plugin_reads_articles_outside_the_working_folder(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from pelican.plugins.postion import _entry

    content = tmp_path / "elsewhere" / "content"
    content.mkdir(parents=True)
    (content / "hello.md").write_text("Title: Hello\n")
    article = SimpleNamespace(
        metadata={},
        source_path=str(content / "hello.md"),
        title="Hello",
        date=dt.datetime(2026, 1, 1),
        url="hello.html",
        summary="<p>Hi.</p>",
        tags=[],
        category="misc",
    )
    entry = _entry(article, "https://blog.example.com", str(content), os.getcwd())
    assert entry["id"] == "hello" and entry["url"] == "https://blog.example.com/hello.html"
    assert entry["source_file"] == os.path.relpath(content / "hello.md") and entry["excerpt"] == "Hi."


@pytest.mark.parametrize(
    ("marker", "source"),
    [("mkdocs.yml", {"type": "mkdocs", "path": "site"}), ("pelicanconf.py", {"type": "pelican", "path": "output"})],
)
def test_init_writes_the_source_of_the_generator_beside_it(tmp_path: Path, marker: str, source: dict[str, str]) -> None:
    import yaml

    (tmp_path / marker).write_text("")
    assert CliRunner().invoke(main, ["init", "-c", str(tmp_path / "postion.yml")]).exit_code == 0
    assert yaml.safe_load((tmp_path / "postion.yml").read_text())["source"] == source


def test_help_shows_whole_summaries_examples_and_exit_codes() -> None:
    output = CliRunner().invoke(main, ["--help"], terminal_width=200).output
    assert "Retry failed attempts (all still pending, or the ids given; see `postion history`)." in output
    assert "Examples:" in output and "Exit status: 0 done; 1 a job failed" in output
    assert "Publish the plan: every new post on every platform it is due on." in output


def test_a_second_demo_lists_the_live_links_it_made(tmp_path: Path) -> None:
    env = {**os.environ, "POSTION_DEMO_DIR": str(tmp_path / "demo"), "POSTION_CACHE_DIR": str(tmp_path / "c")}
    command = [sys.executable, "-m", "postion_publish", "demo", "--no-serve"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    links = [line for line in second.stdout.splitlines() if line.strip().startswith(("bluesky", "mastodon", "discord"))]
    assert first.returncode == second.returncode == 0 and len(links) == 12
    assert "serves these links again" in second.stdout and "timeline:" not in second.stdout


def test_a_bluesky_post_page_shows_its_whole_thread(sandbox: Sandbox, live_blog: Path) -> None:
    import httpx

    write_post(
        live_blog, "long.md", "title: Long\ndate: 2026-03-04\npostion: {skip: [mastodon, discord]}", "word " * 150
    )
    env = sandbox_env(sandbox, live_blog)
    result = CliRunner().invoke(main, ["publish", "--json", "-c", str(live_blog / "postion.yml")], env=env)
    [thread] = [r for r in json.loads(result.stdout)["results"] if r["post"].endswith("/long/")]
    markers = [
        m.group(0)
        for r in sandbox.store["bluesky"]["records"].values()
        if (m := THREAD_PART.search(r["value"]["text"]))
    ]
    page = httpx.get(thread["url"]).text
    assert len(markers) >= 2 and all(marker in page for marker in markers)  # (1/3) (2/3) (3/3)
    assert page.count("<article") == len(markers)


# --- 1. any built site: feeds found as readers find them, united with article pages ---------------


def site_blog(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "postion.yml").write_text(
        "site_url: https://blog.example.com\nsource: {type: site, path: public" + extra + "}\n"
        "platforms:\n  discord: {}\n"
    )
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    return tmp_path


def planned(blog: Path, run: Run) -> list[str]:
    result = run(blog, "plan", "--json")
    assert result.exit_code == 0, result.output
    return sorted(job["post"] for job in json.loads(result.output)["jobs"])


def test_a_stock_pelican_build_is_read_as_any_built_site(tmp_path: Path, run: Run) -> None:
    import shutil

    from conftest import REPO

    site = tmp_path / "pelican"
    shutil.copytree(REPO / "examples" / "pelican-blog" / "content", site / "content")
    (site / "stock.py").write_text('SITEURL = "https://blog.example.com"\nPATH = "content"\nTIMEZONE = "UTC"\n')
    build = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-o", "public", "-s", "stock.py", "-e", "PLUGINS=[]"],
        cwd=site,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert (site / "public" / "feeds" / "all.atom.xml").is_file()  # Pelican's default feed, no settings
    blog = site_blog(site)
    posts = planned(blog, run)
    assert posts == [  # drafts and hidden articles are not published, so not in the feed
        "https://blog.example.com/a-first-pelican-article.html",
        "https://blog.example.com/second-article-more.html",
    ]


def _article_page(folder: Path, number: int) -> None:
    page = folder / "posts" / f"post-{number}" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        f"<html><head><title>Post {number}</title>"
        f'<meta property="og:url" content="https://blog.example.com/posts/post-{number}/">'
        f'<meta property="article:published_time" content="2026-02-{number:02d}T10:00:00Z"></head></html>'
    )


def test_a_ten_item_feed_is_united_with_the_article_pages(tmp_path: Path, run: Run) -> None:
    public = tmp_path / "public"
    for number in range(1, 13):
        _article_page(public, number)
    items = "".join(
        f"<item><title>Post {n}</title><link>https://blog.example.com/posts/post-{n}/</link>"
        f"<pubDate>Tue, {n:02d} Feb 2026 10:00:00 +0000</pubDate><description>Post {n}.</description></item>"
        for n in range(3, 13)  # the latest ten, as Hugo and Jekyll write them
    )
    (public / "blog-feed.xml").write_text(f"<rss version='2.0'><channel>{items}</channel></rss>")
    (public / "index.html").write_text(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/blog-feed.xml"></head></html>'
    )
    blog = site_blog(tmp_path)
    assert len(planned(blog, run)) == 12
    plan = json.loads(run(blog, "plan", "--json").output)
    [twelve] = [job for job in plan["jobs"] if job["post"].endswith("post-12/")]
    assert "Post 12." in twelve["messages"][0]["text"]  # the feed's summary, found by the home page's link


def test_an_rss_1_feed_is_read(tmp_path: Path, run: Run) -> None:
    public = tmp_path / "public"
    public.mkdir()
    (public / "index.rdf").write_text(
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<item rdf:about="https://blog.example.com/old-school/"><title>Old school</title>'
        "<link>https://blog.example.com/old-school/</link><dc:date>2026-02-01T10:00:00Z</dc:date></item></rdf:RDF>"
    )
    assert planned(site_blog(tmp_path, ", feed: index.rdf"), run) == ["https://blog.example.com/old-school/"]


def test_a_built_site_without_posts_says_what_was_looked_for(tmp_path: Path, run: Run) -> None:
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "index.html").write_text("<html><head><title>Home</title></head></html>")
    result = run(site_blog(tmp_path), "plan")
    assert result.exit_code == 2 and "no posts found" in result.output
    assert "feeds/all.atom.xml" in result.output and "article:published_time" in result.output


def test_a_date_yaml_cannot_build_names_its_line_and_key(live_blog: Path, run: Run) -> None:
    write_post(live_blog, "bad.md", "title: Bad\ntags: [a]\ndate: 2026-13-45")
    result = run(live_blog, "plan")
    assert result.exit_code == 2 and "bad.md, line 4, key 'date': cannot read '2026-13-45'" in result.output


def test_the_wheel_ships_no_pelican_namespace(tmp_path: Path) -> None:
    """Installed without Pelican, a `pelican/` folder in the wheel made `import pelican` succeed."""
    import zipfile

    from conftest import REPO

    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert not [name for name in names if name.startswith("pelican/")]
    assert "postion_publish/run/build.py" in names


def test_sandbox_and_demo_take_the_config_option_too(tmp_path: Path) -> None:
    config = tmp_path / "postion.yml"
    config.write_text(
        "site_url: https://blog.example.com\nsource: {type: content, path: posts}\nplatforms: {x: {}, discord: {}}\n"
    )
    command = [sys.executable, "-m", "postion_publish", "sandbox", "--port", "0", "-c", str(config)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(6)]
        server.terminate()
    shown = "".join(lines)
    assert "  x: " in shown and "  discord: " in shown and "bluesky" not in shown  # this blog's platforms only
    env = {**os.environ, "POSTION_DEMO_DIR": str(tmp_path / "demo")}
    demo = subprocess.run(
        [sys.executable, "-m", "postion_publish", "demo", "--no-serve", "-c", str(config)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert demo.returncode == 0 and "is not used: the demo publishes its bundled example" in demo.stdout
