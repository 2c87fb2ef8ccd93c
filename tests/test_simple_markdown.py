"""Excerpts of simple Markdown are read without markdown-it (`simple_markdown`): on generated
documents, whatever it reads is what markdown-it reads, and it reads most plain prose."""

from __future__ import annotations

import random

from postion_publish.excerpt import (
    FIRST_PARAGRAPH_WINDOW,
    MAX_MARKED_TEXT,
    MORE_MARKERS,
    excerpt_from_markdown,
    excerpt_with_parser,
)
from postion_publish.simple_markdown import simple_excerpt

WORDS = ["word", "Post", "café", "日本語", "naïve", "x²", "2026", "a", "I", "emoji😀", "ok"]
PUNCTUATION = [*",.!?:;()'\"-/~|#=+%$@^{}", "...", " - ", "a-b", "«", "»", "—"]
EMPHASIS = ["**w**", "*w*", "**w w**", "***w***", "**w*", "*w**", "** w**", "**w **", "_w_", "__w__", "*", "**"]
EMPHASIS += ["a**b**", "**b**c", "(**b**)", "**b**.", "*b*!", "**日本**", "**x²**", "*😀*", "**a\nb**"]
LINKS = ["[w](https://e.com/a_b)", "[w w](/rel)", "[w](javascript:x)", "[w](<x>)", "[w](a b)", '[w](a "t")']
LINKS += ["![w](i.png)", "[w]", "[w][r]", "[", "]", "[w](a(b)c)", "[w](a\x01)", "[**w**](u)", "[w](u)!", "x[w](u)"]
LINKS += ["**[w](u)**", "[w](DATA:x)", "[w](u*v)", "[w](u\u00a0v)", "[w](u&amp;v)", "[r]"]
CODE = ["`c`", "` c `", "`` c ``", "`", "`a*b*`", "` `", "`[w](u)`", "`<b>`", "`\\`", "`a\nb`", "**`c`**"]
HTML = ["<b>", "</b>", "<http://a.b>", "<!-- c -->", "a<b", "a>b", "&amp;", "&copy;", "&#35;", "&", "&foo;", "AT&T"]
ODD = ["\\*", "\\", "\\_", "\u00a0", "\t", "snake_case", "\x0c", "\u2028", "<!-- more -->"]
ATOMS = WORDS * 6 + PUNCTUATION + EMPHASIS + LINKS + CODE + HTML + ODD
# Prose of the kind read without markdown-it, and what is close to it, for most paragraphs.
PLAIN_ATOMS = WORDS * 8 + PUNCTUATION + EMPHASIS[:4] + EMPHASIS[12:] + LINKS[:2] + LINKS[-3:] + CODE[:2] + ["**"]
SEPARATORS = [" "] * 8 + ["", "  ", "\n", "  \n", "\n   ", "\n\t", " \t"]
BLOCKS = ["# Heading", "## h **b**", "- item", "* item", "+ item", "1. item", "2) item", "> quote", "```\ncode\n```"]
BLOCKS += [
    "    indented code",
    "---",
    "***",
    "===",
    "<div>x</div>",
    "[r]: /url",
    "",
    "   ",
    "\t",
    "Title\n===",
    "a\n---",
]
BLOCKS += ["~~~\nx\n~~~", " lead", "1986. A great year", "12) x", "- [w](u)", "<!-- more -->"]


def paragraph(chance: random.Random) -> str:
    pool = PLAIN_ATOMS if chance.random() < 0.7 else ATOMS
    atoms = [chance.choice(pool) for _ in range(chance.randint(1, 12))]
    text = "".join(atom + chance.choice(SEPARATORS) for atom in atoms).strip(" \n")
    return text if chance.random() < 0.5 else chance.choice(WORDS) + " " + text


def document(chance: random.Random) -> str:
    blocks = [
        paragraph(chance) if chance.random() < 0.6 else chance.choice(BLOCKS) for _ in range(chance.randint(1, 6))
    ]
    return "".join(block + chance.choice(["\n\n", "\n\n", "\n", "\n\n\n"]) for block in blocks)


def region_of(body: str) -> tuple[str, bool]:
    marker = MORE_MARKERS.search(body)
    end = min(marker.start(), MAX_MARKED_TEXT) if marker else FIRST_PARAGRAPH_WINDOW
    return body[:end], marker is not None


def test_what_it_reads_markdown_it_reads_alike() -> None:
    chance = random.Random(2026)
    read = 0
    for _ in range(20_000):
        region, every_paragraph = region_of(document(chance))
        simple = simple_excerpt(region, every_paragraph=every_paragraph)
        if simple is not None:
            read += 1
            assert simple == excerpt_with_parser(region, every_paragraph=every_paragraph), repr(region)
    assert read > 3_000  # it is taken often enough for this to say something


def test_plain_prose_is_read_without_markdown_it() -> None:
    body = (
        "A first paragraph that **says** what the post is about, with a [link](https://example.com) and\n"
        "some `code`, in *two* lines.\n\nA second one.\n"
    )
    expected = "A first paragraph that says what the post is about, with a link and some code, in two lines."
    assert simple_excerpt(body, every_paragraph=False) == expected == excerpt_from_markdown(body)
    assert excerpt_from_markdown("First.\n\nSecond.\n\n<!-- more -->\n\nThird.") == "First. Second."


def test_anything_in_doubt_is_left_to_markdown_it() -> None:
    for body in [
        "# Title\n\nText.",
        "Text with snake_case.",
        "A <b>tag</b>.",
        "A \\*star\\*.",
        "**a**b `c",
        "Tom &amp; me",
    ]:
        assert simple_excerpt(body, every_paragraph=False) is None, body
    assert excerpt_from_markdown("# Title\n\nText with snake_case.") == "Text with snake_case."
