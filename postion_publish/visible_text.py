"""The visible text of HTML: what `excerpt.plain_text_of_html` reads Pelican summaries, rendered
MkDocs pages and feed entries with. Apart, so that a plan of Markdown posts never loads html.parser."""

from __future__ import annotations

from html.parser import HTMLParser

# Phrasing elements: no word break around them (`an <strong>excerpt</strong>:` reads "an excerpt:").
_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd", "mark"}
    | {"q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"}
)


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
