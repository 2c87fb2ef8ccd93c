"""Each platform's counting rule, against the platforms' documented rules (and twitter-text's own values)."""

from __future__ import annotations

from postion_publish.platforms.bluesky import rule as bluesky
from postion_publish.platforms.discord import rule as discord
from postion_publish.platforms.linkedin import rule as linkedin
from postion_publish.platforms.mastodon import rule as mastodon
from postion_publish.platforms.threads import rule as threads

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # one grapheme, 25 UTF-8 bytes


def test_bluesky_counts_graphemes_not_code_points() -> None:
    assert bluesky.RULE.measure(FAMILY * 3) == 3


def test_bluesky_300_family_emoji_fit_the_graphemes_but_not_the_3000_bytes() -> None:
    text = FAMILY * 300
    assert bluesky.RULE.measure(text) == 300
    assert bluesky.RULE.problem(text) == f"too long ({len(text.encode())} bytes > 3000)"


def test_bluesky_link_facet_uses_utf8_byte_offsets_after_emoji_and_cjk() -> None:
    text = "日本語 🚀 read https://example.com/post now"
    [facet] = bluesky.facets(text)
    start = len("日本語 🚀 read ".encode())
    assert facet == {
        "index": {"byteStart": start, "byteEnd": start + len(b"https://example.com/post")},
        "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.com/post"}],
    }
    assert text.encode()[start : start + 24].decode() == "https://example.com/post"


def test_bluesky_link_facet_leaves_out_trailing_punctuation() -> None:
    [facet] = bluesky.facets("Read (https://example.com/a).")
    assert facet["features"][0]["uri"] == "https://example.com/a"


def test_bluesky_tag_facets_without_the_hash() -> None:
    text = "👩🏾‍💻 #python and #日本語, not a#tag nor #123"
    tags = [(f["features"][0]["tag"], f["index"]) for f in bluesky.facets(text)]
    encoded = text.encode()
    assert [tag for tag, _ in tags] == ["python", "日本語"]
    assert [encoded[i["byteStart"] : i["byteEnd"]].decode() for _, i in tags] == ["#python", "#日本語"]


def test_bluesky_ascii_text_gets_the_facets_the_unicode_patterns_give() -> None:
    """ASCII text is matched with `re` (no `regex` to load at each start): the same facets as the
    Unicode patterns on generated texts dense in what links and tags are made of."""
    import random

    from postion_publish.platforms.bluesky.rule import _unicode_patterns

    pieces = [
        "#",
        "http://",
        "HTTPS://",
        "a",
        "Z",
        "1",
        "_",
        "/",
        ".",
        ",",
        "-",
        "!",
        "$",
        "(",
        ")",
        "<",
        '"',
        " ",
        "\t",
        "\n",
        "\x1c",
    ]
    rnd = random.Random(6)
    found = 0
    for _ in range(4000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 14)))
        url_pattern, tag_pattern = _unicode_patterns()
        expected = [(m.start(), m.group(0)) for m in url_pattern.finditer(text)]
        expected += [(m.start(), m.group(1)) for m in tag_pattern.finditer(text)]
        ascii_url, ascii_tag = bluesky._ascii_patterns()
        got = [(m.start(), m.group(0)) for m in ascii_url.finditer(text)]
        got += [(m.start(), m.group(1)) for m in ascii_tag.finditer(text)]
        assert got == expected, repr(text)
        found += bool(expected)
    assert found > 1000  # links and tags were there to find


def test_mastodon_urls_with_a_scheme_count_23_and_bare_domains_count_in_full() -> None:
    assert mastodon.length("https://example.com/" + "x" * 100) == 23
    assert mastodon.length("example.com") == len("example.com")


def test_mastodon_remote_mentions_count_as_local_ones() -> None:
    assert mastodon.length("hi @alice@mastodon.social") == len("hi @alice")


def test_mastodon_limit_comes_from_the_config() -> None:
    assert mastodon.rule(1000).limit == 1000


def test_threads_counts_an_emoji_as_its_utf8_bytes() -> None:
    assert threads.length("ok 🚀") == 3 + 4
    assert threads.length("日本") == 2


def test_linkedin_escapes_reserved_characters_but_not_urls_or_hashtags() -> None:
    sent = linkedin.escape_little_text("Hello (world) @me *bold* #tag https://example.com/a_(b)")
    assert sent == r"Hello \(world\) \@me \*bold\* #tag https://example.com/a_(b)"


def test_linkedin_escapes_a_reserved_character_right_after_a_url() -> None:
    """The link ends where a URL grammar ends it: the `)` closing the sentence is text, escaped, so
    LinkedIn cannot cut the post there; a URL's own balanced parentheses stay in it."""
    sent = linkedin.escape_little_text("(see https://example.com/a) and more")
    assert sent == r"\(see https://example.com/a\) and more"
    assert linkedin.escape_little_text("(https://en.wikipedia.org/wiki/Foo_(bar))") == (
        r"\(https://en.wikipedia.org/wiki/Foo_(bar)\)"
    )


def test_linkedin_and_discord_count_utf16_units() -> None:
    assert linkedin.RULE.measure("a🚀") == 3
    assert discord.RULE.measure("a🚀") == 3
    assert discord.RULE.limit == 2000 and linkedin.RULE.limit == 3000
