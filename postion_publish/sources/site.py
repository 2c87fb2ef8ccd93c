"""`source.type: site` — any built site (Hugo, Jekyll, Eleventy, Astro, Zola, Pelican…), read from its
output folder as a feed reader and a crawler would: its feed (`source.feed`, else the one the home
page links to with `<link rel="alternate">`, else a known name), united with every page that says
it is an article (`article:published_time`), since a feed often holds only the latest ten posts.
RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom are read. A site where nothing is found is an error that says
what was looked for, never an empty plan.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from postion_publish.core.config import Settings
from postion_publish.core.dates import to_utc
from postion_publish.core.errors import BadInput
from postion_publish.core.excerpt import one_line_excerpt, plain_text_of_html
from postion_publish.core.posts import Post
from postion_publish.core.repofiles import read_site_page
from postion_publish.core.urls import join_url, split_url
from postion_publish.core.visible_text import parsable

FEED_NAMES = (
    "atom.xml",
    "feed.xml",
    "index.xml",
    "rss.xml",
    "feed.atom",
    "feed.rss",
    "index.rss",
    "feed/index.xml",
    "posts/index.xml",
    "feeds/all.atom.xml",  # Pelican's default
    "feeds/all.rss.xml",
    "rss/index.xml",
    "atom/index.xml",
)
FEED_TYPES = ("application/atom+xml", "application/rss+xml", "application/rdf+xml", "application/feed+json")
MAX_PAGE = 2_000_000  # bytes of a page read for its head: far beyond any real one


def post_id(url: str) -> str:
    """A post of a built site is known by its URL path: stable across hosts and schemes."""
    path = urlsplit(url).path.strip("/")
    return path or "/"


def read_built_site(settings: Settings) -> list[Post]:
    folder = settings.source.path
    if not folder.is_dir():
        raise BadInput(
            f"the built site {folder} does not exist: build the site first", file=settings.file, key="source.path"
        )
    feed, looked_for = find_feed(folder, settings)
    posts: dict[str, Post] = {}
    for post in read_feed(feed, settings.site_url) if feed else ():
        posts.setdefault(post.url, post)
    for page_post in read_pages(folder, settings.site_url):
        known = posts.get(page_post.url)
        if known is None:
            posts[page_post.url] = page_post
        elif page_post.image and not known.image:  # the page's Open Graph image, for the link card
            posts[page_post.url] = replace(known, image=page_post.image, image_alt=page_post.image_alt)
    if not posts:
        raise BadInput(
            f"no posts found in the built site {folder}: looked for {looked_for}, and for pages with "
            '`<meta property="article:published_time">`; set `source.feed` to the site\'s feed',
            file=settings.file,
            key="source",
        )
    return list(posts.values())


def find_feed(folder: Path, settings: Settings) -> tuple[Path | None, str]:
    """The site's feed, and what was looked for (for the message when nothing is found)."""
    if settings.source.feed:
        feed = _inside(folder, settings.source.feed)
        if feed is None or not feed.is_file():
            raise BadInput(f"no feed at {settings.source.feed} in {folder}", file=settings.file, key="source.feed")
        return feed, f"the feed {settings.source.feed}"
    linked = [path for href in _linked_feeds(folder) if (path := _site_file(folder, href, settings.site_url))]
    for feed in (*linked, *(folder / name for name in FEED_NAMES)):
        if feed.is_file():  # a linked feed is resolved (`_inside`), `folder` may be relative: name it from both
            return feed, f"the feed {feed.resolve().relative_to(folder.resolve()).as_posix()}"
    return None, f"a feed linked from index.html or named {', '.join(FEED_NAMES)}"


def _inside(folder: Path, relative: str) -> Path | None:
    """A path inside the built site; None for one that would leave it."""
    candidate = (folder / relative.lstrip("/")).resolve()
    return candidate if candidate.is_relative_to(folder.resolve()) else None


def _site_file(folder: Path, href: str, site_url: str) -> Path | None:
    """The file of the built site a link of its home page points at (its own host only)."""
    joined = join_url(site_url + "/", href)
    target = split_url(joined) if joined is not None else None
    site = urlsplit(site_url)
    if target is None or (target.netloc and target.netloc != site.netloc):
        return None
    path = target.path.removeprefix(site.path.rstrip("/"))
    if not path.endswith("/"):
        return _inside(folder, path)
    # A feed at a folder's URL (WordPress's /feed/): static exporters save it as index.xml or index.html.
    candidates = [_inside(folder, path + name) for name in ("index.xml", "index.rss", "index.html")]
    return next((c for c in candidates if c is not None and c.is_file()), candidates[0])


class _FeedLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        is_alternate = "alternate" in values.get("rel", "").lower().split()
        if tag == "link" and is_alternate and values.get("type", "").lower() in FEED_TYPES and values.get("href"):
            self.hrefs.append(values["href"])


def _linked_feeds(folder: Path) -> list[str]:
    """The feeds the home page announces, as feed readers find them (Atom before RSS)."""
    home = folder / "index.html"
    if not home.is_file():
        return []
    parser = _FeedLinks()
    parser.feed(parsable(read_site_page(home, folder, MAX_PAGE).decode("utf-8", errors="replace")))
    return sorted(parser.hrefs, key=lambda href: "atom" not in href.lower())


def _plain(detail: Any, value: str) -> str:
    """A feed's text construct as plain text: markup read as HTML only where the feed says it is."""
    kind = (detail or {}).get("type", "text/plain")
    return plain_text_of_html(value) if kind in ("text/html", "application/xhtml+xml") else " ".join(value.split())


def _date(entry: Any) -> dt.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("created_parsed")
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC) if parsed else None  # struct_time, UTC


def read_feed(feed: Path, site_url: str) -> Iterator[Post]:
    """The posts of an RSS (0.9x, 1.0, 2.0) or Atom feed, read by feedparser: every kind of text
    construct (text, html, xhtml), every date format in the wild, entities as the spec says."""
    import feedparser  # type: ignore[import-untyped]  # only a built site with a feed needs it

    parsed = feedparser.parse(feed.read_bytes(), sanitize_html=True, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.get("entries"):
        problem = parsed.get("bozo_exception")
        line = problem.getLineNumber() if hasattr(problem, "getLineNumber") else None
        raise BadInput(f"the feed is not valid XML ({problem})", file=feed, line=line)
    for entry in parsed.get("entries", []):
        links = [link for link in entry.get("links", []) if link.get("rel", "alternate") == "alternate"]
        url = join_url(site_url + "/", links[0].get("href", "") if links else entry.get("id", ""))
        date = _date(entry)
        if date is None or not url or split_url(url) is None:
            continue  # no date, or no address urllib can read: not placed (its page may still be)
        content = (entry.get("content") or [{}])[0]
        # feedparser copies an entry's content into `summary` when it has none, without its type.
        detail = entry.get("summary_detail") or content
        summary = _plain(detail, entry.get("summary", "")) or _plain(content, content.get("value", ""))
        title = _plain(entry.get("title_detail"), entry.get("title", ""))
        tags = tuple(tag["term"] for tag in entry.get("tags", []) if tag.get("term"))
        yield _post(url, title, date, summary, tags, entry.get("author") or None, feed)


def _post(
    url: str, title: str, date: dt.datetime, summary_text: str, tags: tuple[str, ...], author: str | None, source: Path
) -> Post:
    excerpt = one_line_excerpt(summary_text)  # the rule of every source
    return Post(post_id(url), url, title or url, date, excerpt, tags=tags, author=author, source_file=str(source))


ARTICLE_TYPES = {"Article", "BlogPosting", "NewsArticle", "TechArticle", "SocialMediaPosting"}


class _MetaTags(HTMLParser):
    """A page's head: Open Graph and `article:` meta, its canonical link and title, and JSON-LD
    (schema.org's BlogPosting and kin, which many themes write instead of `article:` meta)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.tags: list[str] = []  # article:tag may appear many times
        self.canonical: str | None = None
        self._in_title = False
        self.title = ""
        self._in_json_ld = False
        self.json_ld: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").lower()
            if key == "article:tag":
                self.tags.append(values.get("content", ""))
            elif key and "content" in values:
                self.meta.setdefault(key, values["content"])
        elif tag == "link" and "canonical" in values.get("rel", "").split():
            self.canonical = values.get("href")
        elif tag == "title":
            self._in_title = True
        elif tag == "script" and values.get("type", "").lower() == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "script":
            self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif self._in_json_ld:
            self.json_ld[-1] += data

    def article(self) -> dict[str, Any]:
        """The page's schema.org article, if its JSON-LD has one with a publication date."""
        for text in self.json_ld:
            try:
                data = json.loads(text)
            except ValueError:
                continue
            candidates = data.get("@graph", [data]) if isinstance(data, dict) else data
            for item in candidates if isinstance(candidates, list) else []:
                kinds = item.get("@type") if isinstance(item, dict) else None
                kinds = {kinds} if isinstance(kinds, str) else set(kinds) if isinstance(kinds, list) else set()
                if kinds & ARTICLE_TYPES and isinstance(item.get("datePublished"), str):
                    found: dict[str, Any] = item
                    return found
        return {}


def read_pages(folder: Path, site_url: str) -> Iterator[Post]:
    """Pages that say they are articles: `article:published_time` in their head."""
    for page in sorted(folder.rglob("*.html")):
        parser = _MetaTags()
        parser.feed(parsable(read_site_page(page, folder, MAX_PAGE).decode("utf-8", errors="replace")))
        article = parser.article() if not parser.meta.get("article:published_time") else {}
        published = parser.meta.get("article:published_time") or article.get("datePublished")
        if not published:
            continue
        relative = page.relative_to(folder).as_posix()
        fallback = urljoin(site_url + "/", relative.removesuffix("index.html"))
        linked = article.get("url") if isinstance(article.get("url"), str) else None
        said = (parser.meta.get("og:url"), parser.canonical, linked)  # the first urllib can read
        url = next((address for address in said if address and split_url(address) is not None), fallback)
        title = parser.meta.get("og:title") or str(article.get("headline") or "") or parser.title.strip()
        description = (
            parser.meta.get("og:description") or parser.meta.get("description") or str(article.get("description") or "")
        )
        post = _post(
            url, title, to_utc(published, file=str(page), line=None), description, tuple(parser.tags), None, page
        )
        image = parser.meta.get("og:image")
        yield replace(post, image=image, image_alt=parser.meta.get("og:image:alt")) if image else post
