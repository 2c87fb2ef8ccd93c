"""`source.type: site`: any built site, from its feed or its pages' Open Graph meta."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from postion_publish.config import parse_settings
from postion_publish.posts import Post
from postion_publish.sources.site import read_built_site

SITES = Path(__file__).parent / "data" / "sites"


def read(name: str, site_url: str, tmp_path: Path) -> dict[str, Post]:
    shutil.copytree(SITES / name, tmp_path / "public")
    config = f"site_url: {site_url}\nsource: {{type: site, path: public}}\nplatforms: {{discord: {{}}}}\n"
    settings = parse_settings(config, tmp_path / "postion.yml")
    return {post.id: post for post in read_built_site(settings)}


def test_a_hugo_site_is_read_from_its_rss_feed(tmp_path: Path) -> None:
    posts = read("hugo", "https://hugo.example.com", tmp_path)
    assert sorted(posts) == ["posts/first-hugo-post", "posts/second-hugo-post"]
    second = posts["posts/second-hugo-post"]
    assert second.url == "https://hugo.example.com/posts/second-hugo-post/"
    assert second.date == dt.datetime(2026, 2, 14, 9, 0, tzinfo=dt.UTC)
    assert second.excerpt == "Hugo puts the summary in the description, as HTML."
    first = posts["posts/first-hugo-post"]
    assert (first.title, first.tags, first.excerpt) == (
        "First Hugo post",
        ("hugo",),
        "The very first post & its summary.",
    )


def test_a_jekyll_site_is_read_from_its_atom_feed(tmp_path: Path) -> None:
    posts = read("jekyll", "https://jekyll.example.com", tmp_path)
    notes = posts["2026/02/14/release-notes.html"]
    assert notes.title == "Valentine’s release notes"
    assert notes.url == "https://jekyll.example.com/2026/02/14/release-notes.html"
    assert notes.date == dt.datetime(2026, 2, 14, 9, 15, tzinfo=dt.UTC)
    assert (notes.excerpt, notes.tags, notes.author) == (
        "What changed this week, in one paragraph.",
        ("releases", "jekyll"),
        "Grace",
    )
    hello = posts["2026/01/20/hello.html"]
    assert hello.excerpt == "Hello, world, from Jekyll. This is the whole post."  # no summary: the content
    assert hello.date == dt.datetime(2026, 1, 20, 11, 0, tzinfo=dt.UTC)


def test_a_site_without_a_feed_is_read_from_open_graph_meta(tmp_path: Path) -> None:
    posts = read("og-only", "https://eleventy.example.com", tmp_path)
    assert list(posts) == ["notes/launch"]  # the home page is no article
    launch = posts["notes/launch"]
    assert (launch.title, launch.url) == ("We launched", "https://eleventy.example.com/notes/launch/")
    assert launch.date == dt.datetime(2026, 2, 20, 19, 0, tzinfo=dt.UTC)
    assert (launch.excerpt, launch.tags) == ("After a year of work, the thing is out.", ("launch", "eleventy"))
    assert (launch.image, launch.image_alt) == (
        "https://eleventy.example.com/img/launch.png",
        "A rocket on a launch pad",
    )
