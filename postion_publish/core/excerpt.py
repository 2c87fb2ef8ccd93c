"""Excerpts as plain text: what a post says first, without Markdown or HTML."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # loaded on first use: a post with a description, or nothing new, needs no parser
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

MORE_MARKERS = re.compile(r"<!--\s*more\s*-->", re.IGNORECASE)
MAX_EXCERPT = 5_000  # characters: above LinkedIn's 3,000, the longest post any platform takes


@lru_cache(maxsize=1)
def _markdown() -> tuple[MarkdownIt, MarkdownIt]:
    """A parser of blocks only, and a whole one for the few paragraphs an excerpt takes: the inline
    parsing of a post's other paragraphs was two thirds of the time of a plan of many new posts."""
    from markdown_it import MarkdownIt

    whole = MarkdownIt("commonmark")
    # A link's address is never part of an excerpt: it is still checked (a `javascript:` one stays
    # text), but not percent-encoded first, which was an eighth of the inline parser's time.
    whole.normalizeLink = lambda url: url  # type: ignore[method-assign]
    return MarkdownIt("commonmark").disable("inline"), whole


MAX_HTML_FRAGMENT = 50_000  # characters of a summary or feed entry read: what is past it is never shown


def plain_text_of_html(fragment: str) -> str:
    """Visible text of an HTML fragment (Pelican summaries, feed entries), on one line (`split()`
    breaks where `\\s+` does, in a fifth of the time)."""
    if "<" not in fragment and "&" not in fragment:  # plain text (most titles): nothing to parse
        return " ".join(fragment[:MAX_HTML_FRAGMENT].split())
    # Here: Markdown posts need no HTML parser.
    from postion_publish.core.visible_text import VisibleText, parsable, simple_visible_text

    fragment = fragment[:MAX_HTML_FRAGMENT]
    text = simple_visible_text(fragment)
    if text is None:
        parser = VisibleText()
        parser.feed(parsable(fragment))
        parser.close()
        text = "".join(parser.parts)
    return " ".join(text.split())


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline":
            continue
        elif child.type == "image":
            continue  # an image's alt text is not part of what the post says
    return "".join(parts)


# The first paragraph is found within this many characters of a post; longer ones could not be
# posted anyway, and parsing a whole long post for its first lines would be wasted time.
FIRST_PARAGRAPH_WINDOW = 6000
MAX_MARKED_TEXT = 20_000


def excerpt_from_markdown(body: str) -> str:
    """The text before `<!-- more -->`, else the first paragraph, as one line of plain text."""
    marker = MORE_MARKERS.search(body)
    # Before a marker the whole text is the excerpt, but never more than MAX_MARKED_TEXT of it is
    # parsed: a 50 MB post must not be read as Markdown to be cut to a few thousand characters.
    region = body[: min(marker.start(), MAX_MARKED_TEXT) if marker else FIRST_PARAGRAPH_WINDOW]
    return excerpt_with_parser(region, every_paragraph=marker is not None)


def excerpt_with_parser(region: str, *, every_paragraph: bool) -> str:
    """The text of the first paragraph of `region` (`every_paragraph`: of all), read by markdown-it."""
    blocks, whole = _markdown()
    env: dict[str, Any] = {}  # the reference definitions the blocks hold, for links in the paragraphs
    texts: list[str] = []
    inside_paragraph = False
    for token in blocks.parse(region, env):
        if token.type == "paragraph_open":
            inside_paragraph = True
        elif token.type == "paragraph_close":
            inside_paragraph = False
            if not every_paragraph and texts:
                break
        elif token.type == "inline" and inside_paragraph:
            texts.append(_inline_text(whole.parseInline(token.content, env)[0]))
    return " ".join(" ".join(texts).split())


_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p>", re.DOTALL | re.IGNORECASE)


def excerpt_from_html(page: str) -> str:
    """`excerpt_from_markdown` for a page already rendered (MkDocs' `page.content`): the text of the
    paragraphs before `<!-- more -->`, else of the first one. No Markdown parser is loaded, and a
    build's hook stays a small part of the build."""
    marker = MORE_MARKERS.search(page)
    region = page[: min(marker.start(), MAX_MARKED_TEXT)] if marker else page[: 4 * FIRST_PARAGRAPH_WINDOW]
    paragraphs = _PARAGRAPH.findall(region)
    return plain_text_of_html(" ".join(paragraphs if marker else paragraphs[:1]))


def one_line_excerpt(text: str) -> str:
    """One line on every route (MkDocs keeps the newline that ends `description: >`), cut at a word
    boundary before MAX_EXCERPT characters. Every platform's limit is far below it, and every
    caption is measured several times while it is fitted: what cannot be posted is not counted."""
    text = " ".join(text[: 2 * MAX_EXCERPT].split())
    if len(text) <= MAX_EXCERPT:
        return text
    cut = text[: MAX_EXCERPT - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_EXCERPT // 2 else cut).rstrip() + "…"
