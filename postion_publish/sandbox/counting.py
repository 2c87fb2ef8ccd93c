"""How the sandbox counts a post, written apart from the client's rules (`captions/rules/`), the
way each service's own code does it: a counting bug of the client must not pass on both sides.

- Bluesky: at most 300 grapheme clusters and 3000 UTF-8 bytes (the app.bsky.feed.post lexicon).
- Mastodon: grapheme clusters, each http(s) URL counted as 23, `@user@domain` as `@user`
  (Mastodon's StatusLengthValidator); 500 by default.
- Discord: at most 2000 characters of content; counted here in UTF-16 code units.
- X: 280 weighted: a URL 23, an emoji sequence 2, code points of the light ranges (Latin,
  general punctuation) 1, any other 2, after NFC (twitter-text's v3 configuration).
- Threads: 500 characters, an emoji counting its UTF-8 bytes.
- LinkedIn: 3000 characters of commentary (UTF-16 units here), after unescaping.
"""

from __future__ import annotations

import unicodedata

import regex

BLUESKY_GRAPHEMES = 300
BLUESKY_BYTES = 3000
MASTODON_LIMIT = 500
DISCORD_CONTENT = 2000
X_LIMIT = 280
THREADS_LIMIT = 500
LINKEDIN_LIMIT = 3000

_CLUSTER = regex.compile(r"\X")
_URL = regex.compile(r"https?://[^\s]+?(?=[.,;:!?)\]'\"]*(?:\s|$))")
_REMOTE_MENTION = regex.compile(r"(?<![\w/])@(\w+)@[\w.-]*\w")


def graphemes(text: str) -> int:
    return len(_CLUSTER.findall(text))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def mastodon_length(text: str) -> int:
    return graphemes(_REMOTE_MENTION.sub(r"@\1", _URL.sub("x" * 23, text)))


_X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_X_URL = regex.compile(r"https?://\S+|(?<![\w@.])(?:[\w-]+\.)+[a-z]{2,}(?:/\S*)?", regex.IGNORECASE)
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")


def x_weighted_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for url in _X_URL.finditer(text):
        total += _x_weight(text[position : url.start()]) + 23
        position = url.end()
    return total + _x_weight(text[position:])


def _x_weight(text: str) -> int:
    weight = 0
    for cluster in _CLUSTER.findall(text):
        if _EMOJI.search(cluster):
            weight += 2
        else:
            weight += sum(1 if any(lo <= ord(c) <= hi for lo, hi in _X_LIGHT) else 2 for c in cluster)
    return weight


def threads_length(text: str) -> int:
    return sum(len(cluster.encode()) if _EMOJI.search(cluster) else len(cluster) for cluster in _CLUSTER.findall(text))
