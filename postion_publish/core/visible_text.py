"""The visible text of HTML: what `excerpt.plain_text_of_html` reads Pelican summaries, rendered
MkDocs pages and feed entries with. Apart, so that a plan of Markdown posts never loads html.parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Phrasing elements: no word break around them (`an <strong>excerpt</strong>:` reads "an excerpt:").
_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark"}
    | {"q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
)

# Elements whose content the parser reads as raw text (or, in newer Pythons, escapable raw text):
# never on the simple path.
_RAW_TEXT_TAGS = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"})
_RAW_TEXT_TAGS |= {"noscript", "plaintext"}
_PLAIN_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)>")  # no attributes, not self-closing


_LT_BUT_A_DECLARATION = re.compile(r"<(?!!)")
# `<![` opens a marked section, which the parser (3.11) reads with `_markupbase`: any other start
# than one of these names (`<![foo[`, `<![ x`, `<![<![`) raises AssertionError there.
_READABLE_SECTION_NAME = r"(?i:temp|cdata|ignore|include|rcdata|if|else|endif)(?![-_.a-zA-Z0-9])"
_UNREADABLE_MARKED_SECTION = re.compile(rf"<!\[(?!{_READABLE_SECTION_NAME})")


def parsable(html: str) -> str:
    """`html` as Python's HTMLParser (3.11) reads it, the same text, in one pass and without
    failing. Each `<` after the last `>` is given as `&lt;`: the parser rescans to the end of the
    text from every such `<` (a tag it cannot finish), which was quadratic (7 s for 100,000
    characters of `<a<a…`, an hour for a 2 MB page), and reads each as text anyway (`<!` stays: a
    comment left open is read in one pass). And a `<![` the parser cannot read is `&lt;![`."""
    if "<![" in html:
        html = _UNREADABLE_MARKED_SECTION.sub("&lt;![", html)
    tail = html.rfind(">") + 1
    if "<" not in html[tail:]:
        return html
    return html[:tail] + _LT_BUT_A_DECLARATION.sub("&lt;", html[tail:])


def simple_visible_text(fragment: str) -> str | None:
    """The text `VisibleText` reads from a fragment of bare tags and text (`<p>An <em>excerpt</em>
    </p>`, most summaries), without the parser: a fifth of its time. None for anything else (an
    entity, an attribute, a comment, a `<` in the text, a raw-text element): the parser reads it.
    `tests/core/test_visible_text.py` compares the two on generated fragments."""
    if "&" in fragment:
        return None
    parts: list[str] = []
    end = 0
    for tag in _PLAIN_TAG.finditer(fragment):
        text = fragment[end : tag.start()]
        name = tag.group(2).lower()
        if "<" in text or name in _RAW_TEXT_TAGS:
            return None
        parts.append(text if name in _INLINE_TAGS else text + " ")
        end = tag.end()
    if "<" in fragment[end:]:
        return None
    parts.append(fragment[end:])
    return "".join(parts)


class VisibleText(HTMLParser):
    """Text as a reader sees it: comments, scripts and styles dropped, entities decoded, each tag
    but a phrasing one a word break. An HTML parser, not a regex: `<!-- a > b -->` is one comment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")
        if tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1
        if tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)
