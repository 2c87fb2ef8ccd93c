"""How the sandbox counts a post, written apart from the client's rules (`captions/rules/`), the
way each service's own code does it: a counting bug of the client must not pass on both sides.

- Bluesky: at most 300 grapheme clusters and 3000 UTF-8 bytes (the app.bsky.feed.post lexicon).
- Mastodon: grapheme clusters, each http(s) URL counted as 23, `@user@domain` as `@user`
  (Mastodon's StatusLengthValidator); 500 by default.
- Discord: at most 2000 characters of content; counted here in UTF-16 code units.
"""

from __future__ import annotations

import regex

BLUESKY_GRAPHEMES = 300
BLUESKY_BYTES = 3000
MASTODON_LIMIT = 500
DISCORD_CONTENT = 2000

_CLUSTER = regex.compile(r"\X")
_URL = regex.compile(r"https?://[^\s]+?(?=[.,;:!?)\]'\"]*(?:\s|$))")
_REMOTE_MENTION = regex.compile(r"(?<![\w/])@(\w+)@[\w.-]*\w")


def graphemes(text: str) -> int:
    return len(_CLUSTER.findall(text))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def mastodon_length(text: str) -> int:
    return graphemes(_REMOTE_MENTION.sub(r"@\1", _URL.sub("x" * 23, text)))
