"""The excerpt of Markdown simple enough to read without a parser.

markdown-it (pure Python) took 100 µs to find and read a post's first paragraph: a third of a plan
of many new posts, and 17 ms to load. Most first paragraphs are plain prose with a few `**strong**`
or `*emphasised*` words, `[links](https://…)` and `code`: those are read here, as CommonMark reads
them. Anything else, or anything in doubt (an underscore, a backslash, HTML, an entity, a list or
a heading before the paragraph, emphasis next to a link…), returns None and goes to markdown-it.
`tests/test_simple_markdown.py` compares the two on generated documents.
"""

from __future__ import annotations

import re

_ORDERED_ITEM = re.compile(r"\s*\d{1,9}[.)](?:[ \t]|$)")  # a list item may start within a paragraph
# `[text](address)`: plain text, an address without spaces, parentheses or control characters, no title.
_LINK = re.compile(r"(?<!!)\[([^\[\]\\`*_<>&!\n]+)\]\(([^\s()<>\\`\x00-\x1f\x7f]+)\)")
_UNSAFE_LINK = re.compile(r"(?:vbscript|javascript|file|data):", re.IGNORECASE)  # markdown-it's validateLink
_NOT_IN_TEXT = re.compile(r"[\\`\[\]<_]|&[#A-Za-z0-9]+;")  # escapes, brackets, HTML, underscores, entities
_STARS = re.compile(r"\*+")
# Around a delimiter run: CommonMark's whitespace and ASCII punctuation (others are left to markdown-it).
_WHITESPACE = frozenset(" \t\n")
_PUNCTUATION = frozenset("!\"#$%&'()+,-./:;<=>?@[\\]^_`{|}~")
_BESIDE = _WHITESPACE | _PUNCTUATION


def simple_excerpt(region: str, *, every_paragraph: bool) -> str | None:
    """The first paragraph of `region` (`every_paragraph`: all of them, which must then be all it
    holds) as one line of plain text, or None if markdown-it has to read it."""
    if "\r" in region or "\x00" in region:  # markdown-it normalises these first
        return None
    paragraphs: list[list[str]] = []
    lines: list[str] = []
    for line in region.split("\n"):
        if not line.strip(" \t"):  # a blank line ends a paragraph
            if lines:
                paragraphs.append(lines)
                lines = []
                if not every_paragraph:
                    break
            continue
        if not _plain_line(line, first=not lines):
            return None
        lines.append(line)
    if lines:
        paragraphs.append(lines)
    texts = []
    for paragraph in paragraphs:
        text = _plain_inline("\n".join(paragraph))
        if text is None:
            return None
        texts.append(text)
    return " ".join(" ".join(texts).split())


def _plain_line(line: str, *, first: bool) -> bool:
    """A line that is a paragraph's text: its first one starts with a letter (no block starts so);
    the next ones with a letter or a digit, after any indentation (nothing that could start a
    block inside a paragraph: a list item, a quote, a heading, a fence, a setext underline)."""
    if first:
        return line[0].isalpha()
    start = line.lstrip(" \t")[:1]
    return start.isalpha() or (start.isdigit() and not _ORDERED_ITEM.match(line))


def _plain_inline(text: str) -> str | None:
    """A paragraph's plain text: code spans of single backticks, then links and emphasis."""
    parts = text.split("`")
    if len(parts) % 2 == 0 or not all(parts[1:-1]):  # a backtick left open, or a run of two or more
        return None
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            code = part.replace("\n", " ")
            if code.startswith(" ") and code.endswith(" ") and code.strip(" "):
                code = code[1:-1]
            out.append(code)
            continue
        plain = _plain_text_around_links(part, at_start=index == 0, at_end=index == len(parts) - 1)
        if plain is None:
            return None
        out.append(plain)
    return "".join(out)


def _plain_text_around_links(text: str, *, at_start: bool, at_end: bool) -> str | None:
    pieces: list[str] = []
    last = 0
    links = list(_LINK.finditer(text))
    for number, link in enumerate(links):
        if _UNSAFE_LINK.match(link.group(2)):
            return None
        before = _without_emphasis(text[last : link.start()], at_start and number == 0, False)
        if before is None:
            return None
        pieces += [before, link.group(1)]
        last = link.end()
    after = _without_emphasis(text[last:], at_start and not links, at_end)
    if after is None:
        return None
    return "".join([*pieces, after])


def _without_emphasis(text: str, at_start: bool, at_end: bool) -> str | None:
    """Text with its `*a*` and `**a**` delimiters taken out. `at_start` / `at_end`: it begins or
    ends the paragraph (else a link or a code span is beside it, and a run there is left alone)."""
    if _NOT_IN_TEXT.search(text):
        return None
    runs = list(_STARS.finditer(text))
    if not runs:
        return text
    if len(runs) % 2:
        return None
    kept = []
    last = 0
    for opening, closing in zip(runs[::2], runs[1::2], strict=True):
        inner = text[opening.end() : closing.start()]
        if not (len(opening.group()) == len(closing.group()) <= 2 and inner[:1].isalnum() and inner[-1:].isalnum()):
            return None
        # Left-flanking only, and right-flanking only: each run can only open, or only close.
        if (opening.start() == 0 and not at_start) or (closing.end() == len(text) and not at_end):
            return None
        if opening.start() > 0 and text[opening.start() - 1] not in _BESIDE:
            return None
        if closing.end() < len(text) and text[closing.end()] not in _BESIDE:
            return None
        kept += [text[last : opening.start()], inner]
        last = closing.end()
    return "".join([*kept, text[last:]])
