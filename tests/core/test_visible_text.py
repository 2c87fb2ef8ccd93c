"""Fragments of bare tags and text are read without the HTML parser (`simple_visible_text`): on
generated fragments, whatever it reads is what the parser reads, and it reads the usual kind."""

from __future__ import annotations

import random

from conftest import answered_alike
from postion_publish.core.excerpt import plain_text_of_html
from postion_publish.core.visible_text import VisibleText, parsable, simple_visible_text

TAGS = ["<p>", "</p>", "<P>", "</P>", "<em>", "</em>", "<Strong>", "</strong>", "<h1>", "</h1>", "<br>", "<li>"]
TAGS += ["<span>", "</span>", "<div>", "</div>", "<a>", "</a>", "<script>", "</script>", "<style>", "</style>"]
TAGS += ["<title>", "</title>", "<textarea>", "<xmp>", "<plaintext>", "<noscript>", "<iframe>", "<code>"]
OTHER = ["<br/>", "<br />", '<a href="x">', "<a href=x>", "<!-- c -->", "<!-- a > b -->", "<!doctype html>", "<?x?>"]
OTHER += ["</p >", "<p\n>", "</", "<", ">", "< b", "a<b", "<1>", "</3>", "&amp;", "&lt;", "&#60;", "&", "&x"]
OTHER += ["<![CDATA[x]]>"]
WORDS = ["An", "excerpt", "café", "日本語", "🚀", " ", "  ", "\n", "\t", "\r\n", "a, b.", "x > y", "\x00", "'q'", '"q"']
WORDS += ["-->", "--", "]]>", "/", "=", "#", ";", "\u00a0", "\u2028"]


def fragment(chance: random.Random) -> str:
    pieces = []
    for _ in range(chance.randint(0, 8)):
        roll = chance.random()
        pieces.append(chance.choice(TAGS if roll < 0.4 else OTHER if roll < 0.5 else WORDS))
    return "".join(pieces)


def parsed(text: str) -> str:
    parser = VisibleText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def test_what_it_reads_the_parser_reads_alike() -> None:
    answered = answered_alike(fragment, simple_visible_text, lambda text, read: read == parsed(text))
    assert answered > 3_000  # it is taken often enough for this to say something


def test_the_usual_summary_is_read_without_the_parser() -> None:
    text = "<p>The excerpt of <em>a post</em>, 日本語 🚀.</p>\n<p>Second</p>"
    assert simple_visible_text(text) == parsed(text)
    assert plain_text_of_html(text) == "The excerpt of a post, 日本語 🚀. Second"
    for doubt in ["a &amp; b", '<a href="x">x</a>', "<!-- c -->", "a < b", "<script>x</script>", "<br/>", "<p"]:
        assert simple_visible_text(doubt) is None, doubt


def test_an_open_tail_reads_as_before_in_one_pass() -> None:
    """`parsable` changes no text the parser reads (the fragments end in every way, an open tag
    or comment included); the time it saves is shown in test_attack_resources."""
    tails = ["<a", "<a<a", "</a", "<?x", "<!-- x", "<!x", "<a href='x", "< b", "a<b<c", ""]
    answered = answered_alike(
        lambda chance: fragment(chance) + chance.choice(tails),
        parsable,
        lambda text, safe: parsed(text) == parsed(str(safe)),
    )
    assert answered == 20_000
    assert parsable("<p>x</p><a<a<!-- c") == "<p>x</p>&lt;a&lt;a<!-- c"


MARKED = ["<![", "<![foo[", "<![ x", "<![CDATA[", "<![cdata[", "]]>", "]>", "<![if IE]>", "<![endif]>", "<![<!["]
MARKED += ["<![temp[", "<![Include[", "<![if", "<![ifx]>", "<![-x[", "<!["]


def test_a_marked_section_the_parser_cannot_read_is_text_and_the_rest_reads_as_before() -> None:
    """`<![foo[`, `<![ x` or `<![<![` made Python's parser (3.11) raise AssertionError: a traceback
    from any feed summary or built page holding one."""
    chance = random.Random(7)
    crashed = 0
    for _ in range(20_000):
        text = "".join(chance.choice([*MARKED, *WORDS, "<p>", "</p>", "x"]) for _ in range(chance.randint(1, 6)))
        safe = parsed(parsable(text))  # never raises
        try:
            original = parsed(text)
        except AssertionError:  # `_markupbase`'s "expected name token", "unknown status keyword"
            crashed += 1
            continue
        assert original == safe, repr(text)
    assert crashed > 1_000  # the inputs did reach the failure
