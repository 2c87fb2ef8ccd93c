"""`source.type: site` — any built site (Hugo, Jekyll, Eleventy, Astro, Zola…), read from its output
folder: its Atom or RSS feed when it has one, else each page's Open Graph and
`article:published_time` meta tags. So the tool works beyond MkDocs and Pelican.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from postion_publish.config import Settings
from postion_publish.errors import BadInput
from postion_publish.excerpt import plain_text_of_html
from postion_publish.posts import Post, to_utc

FEED_NAMES = ("atom.xml", "feed.xml", "index.xml", "rss.xml", "feed.atom", "feed/index.xml", "posts/index.xml")
ATOM = "{http://www.w3.org/2005/Atom}"
MAX_EXCERPT = 1000


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
    for name in FEED_NAMES:
        feed = folder / name
        if feed.is_file():
            return list(read_feed(feed, settings.site_url))
    return list(read_pages(folder, settings.site_url))


def _text(element: ElementTree.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _date(value: str, feed: Path) -> dt.datetime:
    try:
        return email.utils.parsedate_to_datetime(value).astimezone(dt.UTC)  # RSS: RFC 822
    except (TypeError, ValueError):
        return to_utc(value, file=str(feed), line=None)  # Atom: RFC 3339


def read_feed(feed: Path, site_url: str) -> Iterator[Post]:
    try:
        root = ElementTree.parse(feed).getroot()
    except ElementTree.ParseError as error:
        raise BadInput(f"the feed is not valid XML ({error})", file=feed, line=error.position[0]) from None
    if root.tag == f"{ATOM}feed":
        for entry in root.iter(f"{ATOM}entry"):
            links = [link for link in entry.iter(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
            url = urljoin(site_url + "/", links[0].get("href", "")) if links else _text(entry.find(f"{ATOM}id"))
            published = _text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated"))
            summary = _text(entry.find(f"{ATOM}summary")) or _text(entry.find(f"{ATOM}content"))
            tags = tuple(c.get("term", "") for c in entry.iter(f"{ATOM}category") if c.get("term"))
            author = _text(entry.find(f"{ATOM}author/{ATOM}name")) or None
            yield _post(url, _text(entry.find(f"{ATOM}title")), _date(published, feed), summary, tags, author, feed)
    else:  # RSS 2.0
        for item in root.iter("item"):
            url = urljoin(site_url + "/", _text(item.find("link")) or _text(item.find("guid")))
            tags = tuple(_text(category) for category in item.iter("category") if _text(category))
            date = _date(_text(item.find("pubDate")), feed)
            yield _post(url, _text(item.find("title")), date, _text(item.find("description")), tags, None, feed)


def _post(
    url: str, title: str, date: dt.datetime, summary_html: str, tags: tuple[str, ...], author: str | None, source: Path
) -> Post:
    excerpt = plain_text_of_html(summary_html)
    if len(excerpt) > MAX_EXCERPT:
        excerpt = excerpt[:MAX_EXCERPT].rsplit(" ", 1)[0] + "…"
    return Post(post_id(url), url, title or url, date, excerpt, tags=tags, author=author, source_file=str(source))


class _MetaTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.tags: list[str] = []  # article:tag may appear many times
        self.canonical: str | None = None
        self._in_title = False
        self.title = ""

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

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def read_pages(folder: Path, site_url: str) -> Iterator[Post]:
    """Pages that say they are articles: `article:published_time` in their head."""
    for page in sorted(folder.rglob("*.html")):
        parser = _MetaTags()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        published = parser.meta.get("article:published_time")
        if not published:
            continue
        relative = page.relative_to(folder).as_posix()
        fallback = urljoin(site_url + "/", relative.removesuffix("index.html"))
        url = parser.meta.get("og:url") or parser.canonical or fallback
        title = parser.meta.get("og:title") or parser.title.strip()
        description = parser.meta.get("og:description") or parser.meta.get("description") or ""
        post = _post(
            url, title, to_utc(published, file=str(page), line=None), description, tuple(parser.tags), None, page
        )
        image = parser.meta.get("og:image")
        yield replace(post, image=image, image_alt=parser.meta.get("og:image:alt")) if image else post
