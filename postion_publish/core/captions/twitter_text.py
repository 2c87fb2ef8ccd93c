"""twitter-text v3's weighted length and URL finding (the counter X uses; Mastodon finds URLs
the same way). Hand-written: the PyPI port disagrees with the official table; this matches it.

The weighted length, as twitter-text v3 counts it (npm `twitter-text` 3.1.0, `parseTweet`).

twitter-text runs in JavaScript, on UTF-16 code units. To agree with it to the unit, the text is
turned into a string of UTF-16 code units (astral characters become two surrogate characters) and
the same regexes run over it. The TLD lists and the emoji regex are generated data
(`_twitter_text_data.py`); the URL grammar below follows twitter-text's `regexp/*.js`.
Reference values: tests/data/x_weighted_length.json, produced by the npm package itself.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from functools import cache
from typing import Any

LIMIT = 280
URL_WEIGHT = 23
_SCALE = 100
_DEFAULT_WEIGHT = 200
_INVALID = frozenset("\ufffe\ufeff\uffff")
_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG_LENGTH = 40

_PUNCT = r"\!'#%&'\(\)*\+,\\\-\.\/:;<=>\?@\[\]\^_{|}~\$"
_SPACES = r"\x09-\x0D\x20\x85\xA0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_INVALID_CHARS = r"\uFFFE\uFEFF\uFFFF"
_DIRECTIONAL = r"\u202A-\u202E\u061C\u200E\u200F\u2066\u2067\u2068\u2069"
_LATIN_ACCENTS = (
    r"\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B\u0263\u0268"
    r"\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF"
)
_CYRILLIC = r"\u0400-\u04FF"
_PUNYCODE = r"(?:xn--[\-0-9a-z]+)"


def _tld_names(alternation: str) -> list[str]:
    """The TLDs of one of twitter-text's `(?:(?:a|b|…)(?=…))` patterns."""
    return alternation[len("(?:(?:") : alternation.index(")(?=")].split("|")


def _trie_pattern(words: list[str]) -> str:
    """One alternation as a trie (`a(?:aa|rp|b(?:b(?:ott|vie)?)…)`): the regex engine then tries a
    handful of branches per character instead of 1,500 names at each dot. Longer names come first
    where one is a prefix of another, as in twitter-text's own order."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word.lower():
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        joined = branches[0] if len(branches) == 1 and "" not in node else f"(?:{'|'.join(branches)})"
        return joined + ("?" if "" in node else "")

    return pattern(trie)


_TLD_AFTER = r"(?=[^0-9a-zA-Z@+-]|$)"  # twitter-text's lookahead after a TLD

_DOMAIN_CHAR = f"[^{_PUNCT}{_SPACES}{_INVALID_CHARS}{_DIRECTIONAL}]"
# twitter-text's grammar repeats labels and their characters without bound, which makes a long run
# of "a.a.a.…" cost the square of its length (20 KB took minutes). Here a label has at most 63
# characters (DNS) and a host at most 12 labels before its TLD: every start then costs a bounded
# amount and the scan is linear. (A host of 13 labels or more is counted from its 12th-last label.)
_SUBDOMAIN = f"(?:(?:{_DOMAIN_CHAR}(?:[_-]|{_DOMAIN_CHAR}){{0,61}})?{_DOMAIN_CHAR}\\.)"
_DOMAIN_NAME = f"(?:(?:{_DOMAIN_CHAR}(?:-|{_DOMAIN_CHAR}){{0,61}})?{_DOMAIN_CHAR}\\.)"
_PATH_CHAR = f"[a-z{_CYRILLIC}0-9!\\*';:=\\+,\\.\\$\\/%#\\[\\]\\-\\u2013_~@\\|&{_LATIN_ACCENTS}]"
_BALANCED_PARENS = f"\\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\\({_PATH_CHAR}+\\){_PATH_CHAR}*))\\)"
_PATH_END = f"(?:[\\+\\-a-z{_CYRILLIC}0-9=_#\\/{_LATIN_ACCENTS}]|(?:{_BALANCED_PARENS}))"
_PATH = f"(?:(?:{_PATH_CHAR}*(?:{_BALANCED_PARENS}{_PATH_CHAR}*)*{_PATH_END})|(?:@{_PATH_CHAR}+\\/))"
_QUERY_CHARS = r"[a-z0-9!?\*'@\(\);:&=\+\$\/%#\[\]\-_\.,~|]"
_QUERY_END = r"[a-z0-9\-_&=#\/]"
_PRECEDING = f"(?:[^A-Za-z0-9@\uff20$#\uff03{_INVALID_CHARS}]|[{_DIRECTIONAL}]|^)"


@cache
def _tco_url() -> re.Pattern[str]:
    return re.compile(f"^https?:\\/\\/t\\.co\\/([a-z0-9]+)(?:\\?{_QUERY_CHARS}*{_QUERY_END})?", re.IGNORECASE)


_SPACE = re.compile(f"[{_SPACES}]")


def _dotted_runs(units: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of non-space that holds a dot: found from each dot (`str.find`) and
    the white space either side of it, not by a pattern tried at each character (most of a caption
    is words without a dot: a fifth of the time)."""
    backwards: str | None = None  # for the space before a dot: made once, on the first dot
    end = 0
    while (dot := units.find(".", end)) >= 0:
        if backwards is None:
            backwards = units[::-1]
        before = _SPACE.search(backwards, len(units) - dot)
        after = _SPACE.search(units, dot)
        end = after.start() if after else len(units)
        yield (len(units) - before.start() if before else 0), end


@cache
def _tlds() -> frozenset[str]:
    """The TLDs twitter-text knows, in lower case."""
    from postion_publish.core.captions import _twitter_text_data as data

    return frozenset(name.lower() for name in _tld_names(data.VALID_GTLD) + _tld_names(data.VALID_CCTLD))


@cache
def _tld_pattern() -> str:
    return f"(?:(?:{_trie_pattern(sorted(_tlds()))}){_TLD_AFTER}|{_PUNYCODE})"


@cache
def _extract() -> re.Pattern[str]:
    """Built on first use (about 50 ms, for 1,500 TLDs): a plan whose captions hold no URL of X's
    grammar, a build hook with nothing new and `postion --help` never pay it."""
    domain = f"(?:{_SUBDOMAIN}{{0,10}}{_DOMAIN_NAME}{_tld_pattern()})"
    return re.compile(
        f"({_PRECEDING})"  # 1: the character before
        "("  # 2: the URL
        r"(https?:\/\/)?"  # 3: protocol
        f"({domain})"  # 4: domain
        r"(?::([0-9]+))?"  # 5: port
        f"(\\/{_PATH}*)?"  # 6: path
        f"(\\?{_QUERY_CHARS}*{_QUERY_END})?"  # 7: query
        ")",
        re.IGNORECASE,
    )


@cache
def _ascii_domain() -> re.Pattern[str]:
    """For domains without a protocol, and punycode ones: rarer still, so built apart."""
    return re.compile(f"(?:(?:[\\-a-z0-9{_LATIN_ACCENTS}]+)\\.)+{_tld_pattern()}", re.IGNORECASE)


# Python's IGNORECASE matches these to ASCII letters (İ and ı to i, ſ to s, the Kelvin sign to k);
# str.lower() does not.
_ASCII_CASE = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_AFTER_TLD_REFUSED = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@+-")
_PUNYCODE_CHARS = frozenset("-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _has_dot_tld(run: str) -> bool:
    """Whether a dot in `run` is followed by a TLD (twitter-text's TLD pattern and its lookahead):
    a URL needs one, and a run without one is not scanned. Set lookups, not a regex of 1,500 TLDs.
    Where it says yes wrongly (a rare case-folding) the URL grammar still decides; it never says no
    to a run the TLD pattern would find."""
    tlds = _tlds()
    run = run.translate(_ASCII_CASE)
    longest = max(map(len, tlds))
    dot = run.find(".")
    while dot != -1:
        start = dot + 1
        if run[start : start + 4].lower() == "xn--" and run[start + 4 : start + 5] in _PUNYCODE_CHARS:
            return True
        for end in range(start + 1, min(len(run), start + longest) + 1):
            if (end == len(run) or run[end] not in _AFTER_TLD_REFUSED) and run[start:end].lower() in tlds:
                return True
        dot = run.find(".", start)
    return False


_INVALID_BEFORE_BARE_DOMAIN = re.compile(r"[-_.\/]$")


@cache
def _emoji() -> re.Pattern[str]:
    from postion_publish.core.captions._twitter_text_data import EMOJI

    return re.compile(EMOJI)


# Compiled on first use, like every pattern here that plain ASCII text does not need: classes of
# wide ranges take milliseconds each to compile, at every start.
@cache
def _emoji_candidate() -> re.Pattern[str]:
    return re.compile("[#*0-9\u00a9-\uffff]")


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


@cache
def _light() -> re.Pattern[str]:
    return re.compile("[\u0000-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]")


def _utf16_units(text: str) -> str:
    """The text as JavaScript sees it: one character per UTF-16 code unit."""
    return text if text.isascii() else _ASTRAL.sub(_surrogate_pair, text)


def _surrogate_pair(match: re.Match[str]) -> str:
    offset = ord(match.group(0)) - 0x10000
    return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))


def _punycode_length(domain: str) -> int | None:
    """Length of the domain in ASCII (IDNA) form, or None where twitter-text's idna rejects it."""
    if domain[:4].lower() == "xn--" and not _ascii_domain().search(domain):
        return None
    total = 0
    for label in domain.split("."):
        try:
            ascii_label = label if label.isascii() else "xn--" + label.encode("punycode").decode()
        except UnicodeError:
            return None
        if not 1 <= len(ascii_label) <= 63:
            return None
        total += len(ascii_label)
    return total + domain.count(".")


def url_spans(units: str, *, require_protocol: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each URL twitter-text would extract, in UTF-16 units of `units`.
    `require_protocol`: only URLs with http(s):// (Mastodon's rule)."""
    spans: list[tuple[int, int]] = []
    # A URL never spans white space, and white space is a valid character before one: matching
    # each run of non-space that holds a dot (most words hold none, and a URL needs one before its
    # TLD) on its own gives twitter-text's result at a fraction of the cost.
    for start, end in _dotted_runs(units):
        text = units[start:end]
        if _is_plain_url(text):
            spans.append((start, end))
        elif _has_dot_tld(text):
            spans.extend(_url_spans_in_run(text, start, require_protocol))
    return spans


# The URL most captions hold, the post's own (`https://blog.example.com/2026/hello-world/`): a run of
# this shape is one whole URL in twitter-text's grammar (labels of 1 to 63 characters, at most 11
# before a known TLD, a path of characters that may also end it), so the grammar itself, whose 1,500
# TLDs take 50 ms to compile, is not needed for it. t.co links and punycode hosts take the long way.
_PLAIN_URL = re.compile(
    r"https?://((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,11}([a-z]{2,63}))(?::[0-9]{1,5})?(?:/[a-z0-9/_-]*)?",
    re.IGNORECASE | re.ASCII,
)


def _is_plain_url(run: str) -> bool:
    if len(run) > 1000 or run[:4].lower() != "http":
        return False
    match = _PLAIN_URL.fullmatch(run)
    if match is None or match.group(2).lower() not in _tlds():
        return False
    host = match.group(1).lower()
    return host != "t.co" and "xn--" not in host


def url_spans_in_text(text: str, *, require_protocol: bool = False) -> list[tuple[int, int]]:
    """Like `url_spans`, in code point indices of `text` itself."""
    units = _utf16_units(text)
    spans = url_spans(units, require_protocol=require_protocol)
    if len(units) == len(text) or not spans:
        return spans
    # Where each astral character (two units) starts, in units: an index in units, less the astral
    # characters wholly before it, is an index in code points (spans never split a pair).
    pairs = [match.start() + number for number, match in enumerate(_ASTRAL.finditer(text))]
    return [(start - bisect_left(pairs, start - 1), end - bisect_left(pairs, end - 1)) for start, end in spans]


def _url_spans_in_run(run: str, offset: int, require_protocol: bool) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in _extract().finditer(run):
        before, url, protocol, domain = match.group(1), match.group(2), match.group(3), match.group(4)
        path = match.group(6)
        start, end = offset + match.start(2), offset + match.end(2)
        ascii_length = _punycode_length(domain)
        if ascii_length is None:
            continue
        if len(protocol or "https://") + len(url) + ascii_length - len(domain) > _MAX_URL_LENGTH:
            continue
        if not protocol:
            if require_protocol or _INVALID_BEFORE_BARE_DOMAIN.search(before):
                continue
            bare = _bare_domain_spans(domain, start)
            if not bare:
                continue
            if path:
                bare[-1] = (bare[-1][0], end)
            spans.extend(bare)
            continue
        tco = _tco_url().match(url)
        if tco:
            if len(tco.group(1)) > _MAX_TCO_SLUG_LENGTH:
                continue
            end = start + len(tco.group(0))
        spans.append((start, end))
    return spans


def _bare_domain_spans(domain: str, offset: int) -> list[tuple[int, int]]:
    """Without a protocol only ASCII domains count, each found inside the matched domain."""
    spans = []
    position = 0
    for ascii_match in _ascii_domain().finditer(domain):
        found = domain.index(ascii_match.group(0), position)
        position = found + len(ascii_match.group(0))
        spans.append((offset + found, offset + position))
    return spans


def _emoji_spans(units: str) -> list[tuple[int, int]]:
    """(start, end) of each emoji twemoji-parser finds. An emoji can only start at a character
    of U+00A9 and above or at a keycap base, so the large regex is tried only there."""
    spans: list[tuple[int, int]] = []
    if units.isascii():  # every emoji has a character beyond ASCII (a keycap its U+20E3)
        return spans
    end = 0
    for candidate in _emoji_candidate().finditer(units):
        if candidate.start() < end:
            continue
        match = _emoji().match(units, candidate.start())
        if match and match.end() > match.start():
            spans.append((match.start(), match.end()))
            end = match.end()
    return spans


def _plain_weight(units: str) -> int:
    """Weight of text with no URL or emoji: 100 per light code point, 200 per other one."""
    if units.isascii():
        return _SCALE * len(units)
    light = len(_light().findall(units))
    pairs = len(_SURROGATE_PAIR.findall(units))
    return _SCALE * light + _DEFAULT_WEIGHT * (len(units) - light - pairs)


def weighted_length(text: str) -> int:
    """The length X counts against its 280 limit."""
    units = _utf16_units(unicodedata.normalize("NFC", text))
    spans = url_spans(units)
    url_starts = {start for start, _ in spans}
    # twitter-text walks the text and gives URLs precedence over emoji starting at the same place.
    spans += [span for span in _emoji_spans(units) if span[0] not in url_starts]
    total = 0
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue
        total += _plain_weight(units[position:start])
        total += URL_WEIGHT * _SCALE if start in url_starts else _DEFAULT_WEIGHT
        position = end
    total += _plain_weight(units[position:])
    return total // _SCALE


def is_valid(text: str) -> bool:
    """What twitter-text's `valid` says: not empty, within 280, no invalid characters."""
    length = weighted_length(text)
    return 0 < length <= LIMIT and not any(char in _INVALID for char in text)
