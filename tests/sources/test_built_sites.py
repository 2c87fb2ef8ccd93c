"""`source.type: site`: any built site, from its feed or its pages' Open Graph meta."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from postion_publish.core.config import parse_settings
from postion_publish.core.errors import BadInput
from postion_publish.core.excerpt import MAX_EXCERPT, one_line_excerpt
from postion_publish.core.posts import Post
from postion_publish.sources.site import read_built_site

SITES = Path(__file__).resolve().parent.parent / "data" / "sites"


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


def test_a_long_summary_is_cut_by_the_rule_of_every_source(tmp_path: Path) -> None:
    """As from a content folder: one line, cut at a word before MAX_EXCERPT characters (LinkedIn
    takes 3,000), and a word longer than that is cut too."""
    shutil.copytree(SITES / "hugo", tmp_path / "hugo")
    feed = tmp_path / "hugo" / "index.xml"
    words = " ".join(f"word{n}" for n in range(1500))  # about 10,000 characters
    unbroken = "x" * 9000
    text = feed.read_text(encoding="utf-8")
    text = text.replace("Hugo puts the &lt;strong&gt;summary&lt;/strong&gt; in the description, as HTML.", words)
    text = text.replace("The very first post &amp;amp; its summary.", f"First\n\nline. {unbroken}")
    feed.write_text(text, encoding="utf-8")
    posts = read(str(tmp_path / "hugo"), "https://hugo.example.com", tmp_path / "site")  # SITES / an absolute path
    long, unbroken_post = posts["posts/second-hugo-post"], posts["posts/first-hugo-post"]
    assert long.excerpt == one_line_excerpt(words) and 3000 < len(long.excerpt) <= MAX_EXCERPT
    assert long.excerpt.endswith("…") and long.excerpt[:-1] == words[: len(long.excerpt) - 1]
    assert len(unbroken_post.excerpt) == MAX_EXCERPT and unbroken_post.excerpt.startswith("First line. xxx")


@pytest.mark.parametrize("target", ["outside-page", "/dev/zero"])
def test_a_page_linked_outside_the_built_site_is_refused(tmp_path: Path, target: str) -> None:
    """A committed output folder (GitHub Pages from docs/) may hold links: one to a page of the
    runner would have been announced, and one to /dev/zero read until memory ran out. (The site
    is read where it is: a copy would follow the link itself.)"""
    outside = tmp_path / "runner" / "page.html"
    outside.parent.mkdir()
    outside.write_text(_meta_page(1, "https://hugo.example.com"), encoding="utf-8")
    site = tmp_path / "public"
    shutil.copytree(SITES / "hugo", site)
    planted = site / "posts" / "planted" / "index.html"
    planted.parent.mkdir()
    planted.symlink_to(outside if target == "outside-page" else Path(target))
    config = "site_url: https://hugo.example.com\nsource: {type: site, path: public}\nplatforms: {discord: {}}\n"
    settings = parse_settings(config, tmp_path / "postion.yml")
    with pytest.raises(BadInput, match="links outside the built site"):
        read_built_site(settings)
    planted.unlink()
    planted.symlink_to(site / "posts" / "first-hugo-post" / "index.html")  # inside the site: read as usual
    assert "posts/first-hugo-post" in {post.id for post in read_built_site(settings)}


def test_an_address_urllib_cannot_read_is_passed_over(tmp_path: Path) -> None:
    """A feed entry's link or a page's og:url of `https://[::1` raised ValueError: a traceback."""
    site = tmp_path / "public"
    shutil.copytree(SITES / "hugo", site)
    feed = site / "index.xml"
    feed.write_text(
        feed.read_text().replace("https://hugo.example.com/posts/first-hugo-post/</link>", "https://[::1</link>")
    )
    page = site / "posts" / "first-hugo-post" / "index.html"
    said = '<meta property="article:published_time" content="2026-02-02T08:30:00Z"><meta property="og:url" content="https://[::1">'
    page.write_text(page.read_text().replace("<head>", "<head>" + said, 1))
    config = "site_url: https://hugo.example.com\nsource: {type: site, path: public}\nplatforms: {discord: {}}\n"
    posts = {post.url for post in read_built_site(parse_settings(config, tmp_path / "postion.yml"))}
    assert posts == {  # the page's own address in place of its og:url
        "https://hugo.example.com/posts/second-hugo-post/",
        "https://hugo.example.com/posts/first-hugo-post/",
    }


def _json_ld_page(number: int, site_url: str) -> str:
    """An Eleventy theme's post: schema.org BlogPosting, no `article:` meta."""
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": f"Note {number}",
        "datePublished": f"2026-02-{number:02d}T08:00:00Z",
        "url": f"{site_url}/blog/note-{number}/",
        "description": f"Note {number}, in short.",
    }
    script = f"<script type='application/ld+json'>{json.dumps(data)}</script>"
    return f"<html><head><title>Note {number} | Site</title>{script}</head></html>"


def _meta_page(number: int, site_url: str) -> str:
    """A WordPress page (Yoast's meta)."""
    return (
        f"<html><head><title>Note {number}</title><meta property='og:url' content='{site_url}/2026/02/note-{number}/'>"
        f"<meta property='og:title' content='Note {number}'><meta property='article:published_time' "
        f"content='2026-02-{number:02d}T08:00:00+00:00'></head></html>"
    )


def _atom(site_url: str, paths: list[tuple[int, str]]) -> str:
    entries = "".join(
        f"<entry><title>Note {n}</title><link href='{site_url}{path}'/><id>{site_url}{path}</id>"
        f"<published>2026-02-{n:02d}T08:00:00Z</published><updated>2026-02-{n:02d}T08:00:00Z</updated>"
        f"<summary>Note {n}, in short.</summary></entry>"
        for n, path in paths
    )
    return f"<feed xmlns='http://www.w3.org/2005/Atom'><title>Site</title>{entries}</feed>"


def _rss(site_url: str, paths: list[tuple[int, str]]) -> str:
    items = "".join(
        f"<item><title>Note {n}</title><link>{site_url}{path}</link>"
        f"<pubDate>Mon, {n:02d} Feb 2026 08:00:00 +0000</pubDate><description>Note {n}, in short.</description></item>"
        for n, path in paths
    )
    return f"<rss version='2.0'><channel><title>Site</title>{items}</channel></rss>"


@pytest.mark.parametrize(
    ("shape", "site_url", "feed_file", "home_link", "page_path", "page", "feed", "expected"),
    [
        # Eleventy (eleventy-base-blog): an Atom feed at /feed/feed.xml, the latest ten; JSON-LD pages.
        (
            "eleventy",
            "https://eleventy.example.com",
            "feed/feed.xml",
            "/feed/feed.xml",
            "blog/note-{n}/index.html",
            _json_ld_page,
            _atom,
            12,
        ),
        # Zola: atom.xml at the root, linked absolutely; its pages carry no article metadata.
        (
            "zola",
            "https://zola.example.com",
            "atom.xml",
            "https://zola.example.com/atom.xml",
            "notes/note-{n}/index.html",
            lambda n, url: "<html><head><title>Note</title></head></html>",
            _atom,
            10,
        ),
        # WordPress, exported as static files (Simply Static): the feed at /feed/, saved as feed/index.html.
        (
            "wordpress",
            "https://wp.example.com",
            "feed/index.html",
            "https://wp.example.com/feed/",
            "2026/02/note-{n}/index.html",
            _meta_page,
            _rss,
            12,
        ),
    ],
)
def test_reference_shapes_with_a_ten_item_feed_and_more_posts_on_pages(
    tmp_path: Path,
    shape: str,
    site_url: str,
    feed_file: str,
    home_link: str,
    page_path: str,
    page: Any,
    feed: Any,
    expected: int,
) -> None:
    public = tmp_path / "public"
    paths = []
    for number in range(1, 13):
        target = public / page_path.format(n=number)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page(number, site_url))
        paths.append((number, "/" + page_path.format(n=number).removesuffix("index.html")))
    (public / feed_file).parent.mkdir(parents=True, exist_ok=True)
    (public / feed_file).write_text(feed(site_url, paths[2:]))  # the latest ten
    kind = "application/atom+xml" if feed is _atom else "application/rss+xml"
    (public / "index.html").write_text(
        f"<html><head><link rel='alternate' type='{kind}' href='{home_link}'></head></html>"
    )
    config = f"site_url: {site_url}\nsource: {{type: site, path: public}}\nplatforms: {{discord: {{}}}}\n"
    posts = read_built_site(parse_settings(config, tmp_path / "postion.yml"))
    assert len(posts) == expected, shape
    twelve = next(post for post in posts if post.url.endswith("note-12/"))
    assert (twelve.title, twelve.excerpt, twelve.date) == (
        "Note 12",
        "Note 12, in short.",
        dt.datetime(2026, 2, 12, 8, 0, tzinfo=dt.UTC),
    )


@pytest.mark.parametrize(
    "link",
    [
        '<link rel="alternate" type="application/rss+xml" href="https://hugo.example.com/index.xml">',
        '<link rel="alternate" type="application/rss+xml" href="index.xml">',
        '<link rel="alternate" type="application/rss+xml" href="/index.xml">',
        "",
    ],
    ids=["absolute", "relative", "rooted", "none"],
)
@pytest.mark.parametrize("config", ["relative", "absolute", "from-elsewhere"])
def test_a_feed_linked_any_way_is_read_whatever_the_config_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, link: str, config: str
) -> None:
    """A relative -c with a feed linked by absolute URL (Pelican, Hugo, Jekyll; the Action's
    default) stopped `plan` with a ValueError traceback."""
    from cli_runner import CliRunner
    from postion_publish.cli import main

    blog = tmp_path / "blog"
    shutil.copytree(SITES / "hugo", blog / "public")
    (blog / "public" / "index.html").write_text(f"<html><head>{link}</head><body></body></html>", encoding="utf-8")
    (blog / "postion.yml").write_text(
        "site_url: https://hugo.example.com\nsource: {type: site, path: public}\nplatforms: {discord: {}}\n",
        encoding="utf-8",
    )
    (blog / ".postion").mkdir()
    (blog / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd, path = {
        "relative": (blog, "postion.yml"),
        "absolute": (elsewhere, str(blog / "postion.yml")),
        "from-elsewhere": (elsewhere, "../blog/postion.yml"),
    }[config]
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, ["plan", "--json", "-c", path, "--now", "2026-12-01T00:00:00Z"])
    assert result.exit_code == 0, result.output
    planned = {job["post_id"] for job in json.loads(result.stdout)["jobs"]}
    assert planned == {"posts/first-hugo-post", "posts/second-hugo-post"}


FEED_TEXTS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>S</title>
<entry><title type="html">Tom &amp;amp; Jerry &lt;em&gt;rock&lt;/em&gt;</title>
<link href="https://blog.example.com/html/"/><published>2026-03-01T08:00:00Z</published>
<summary type="html">Tom &amp;amp; Jerry &lt;em&gt;rock&lt;/em&gt;</summary></entry>
<entry><title type="text">Less &lt;than&gt; more</title>
<link href="https://blog.example.com/text/"/><published>2026-03-02T08:00:00Z</published>
<summary type="text">a &lt;b&gt; is a tag &amp; so on</summary></entry>
<entry><title>X</title><link href="https://blog.example.com/xhtml/"/><published>2026-03-03T08:00:00Z</published>
<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">An <em>xhtml</em> summary</div></summary></entry>
</feed>"""


def test_every_atom_text_construct_becomes_plain_text(tmp_path: Path) -> None:
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "atom.xml").write_text(FEED_TEXTS, encoding="utf-8")
    settings = parse_settings(
        "site_url: https://blog.example.com\nsource: {type: site, path: public}\nplatforms: {discord: {}}\n",
        tmp_path / "postion.yml",
    )
    posts = {post.url: post for post in read_built_site(settings)}
    html, text, xhtml = (posts[f"https://blog.example.com/{name}/"] for name in ("html", "text", "xhtml"))
    assert (html.title, html.excerpt) == ("Tom & Jerry rock", "Tom & Jerry rock")
    assert (text.title, text.excerpt) == ("Less <than> more", "a <b> is a tag & so on")
    assert xhtml.excerpt == "An xhtml summary"
