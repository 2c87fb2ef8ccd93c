"""A model's caption made plain text without links of its own: what a model writes is untrusted (a
post can carry a prompt injection, a provider can be compromised), and with `ai.unreviewed:
generate` it is posted unseen.

- Characters no reader sees are removed: control characters (ESC, NUL…), bidirectional overrides
  and isolates (U+202E can make `txt.exe` read `exe.txt`), zero-width characters, soft hyphens, and
  the other format characters, except a zero-width joiner inside an emoji sequence.
- Every link is removed, however written: a scheme in any case (`HTTPS://`, `javascript:`, `data:`),
  full-width letters (`ｈｔｔｐｓ://`, read as NFKC), a scheme split by a zero-width character (the
  split removed first), `www.…`, a bare domain with a path (`evil.example/login`) or of a real TLD
  (`evil.com`), a Markdown link (its text is kept: `[Read more](…)` → `Read more`), an autolink.
The post's own URL is put back by the caller, where the model wrote the placeholder.
"""

from __future__ import annotations

import re
import unicodedata

from postion_publish.core.captions.twitter_text import url_spans_in_text
from postion_publish.core.inert import visible

_LINK_SCHEMES = "https?|ftps?|wss?|javascript|vbscript|data|file|mailto|tel|sms|intent|blob|about|ssh|git|irc"
_PATTERNS = (
    re.compile(r"<[^<>\s]*(?::|\.)[^<>\s]*>"),  # an autolink, <https://…> or <evil.example>
    re.compile(r"\b[a-z][a-z0-9+.\-]{0,30}://\S*", re.IGNORECASE),  # any scheme://
    re.compile(rf"\b(?:{_LINK_SCHEMES})\s*:\S*", re.IGNORECASE),  # javascript:… data:… mailto:…
    re.compile(r"\bwww\d{0,3}\.\S+", re.IGNORECASE),
    # a bare host followed by a path, a port or a query: a link whatever its TLD
    re.compile(r"\b(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9\-]{1,62}(?::\d{1,5})?[/?#]\S*", re.I),
)
_MARKDOWN_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\(([^()\n]*(?:\([^()\n]*\)[^()\n]*)*)\)")


def without_links(text: str) -> str:
    """`text` (made `visible` first) with every link removed; a Markdown link keeps its text."""
    text = visible(text)
    text = _MARKDOWN_LINK.sub(lambda match: match.group(1), _folded_markdown(text))
    folded, origin = _nfkc_with_origin(text)
    doomed = bytearray(len(text))
    spans = [match.span() for pattern in _PATTERNS for match in pattern.finditer(folded)]
    spans += url_spans_in_text(folded)  # bare domains of a real TLD (`evil.com`), as X links them
    for start, end in spans:
        if start < end:
            for index in range(origin[start], origin[end - 1] + 1):
                doomed[index] = 1
    kept = "".join(char for index, char in enumerate(text) if not doomed[index])
    kept = re.sub(r"[ \t]{2,}", " ", kept)
    return re.sub(r" +\n|\n +", "\n", kept).strip()


def _folded_markdown(text: str) -> str:
    """Markdown's brackets written full width (`［…］（…）`) as ASCII, so that such a link is one too."""
    return text.translate({0xFF3B: "[", 0xFF3D: "]", 0xFF08: "(", 0xFF09: ")"})


def _nfkc_with_origin(text: str) -> tuple[str, list[int]]:
    """`text` read as NFKC, character by character (`ｈｔｔｐｓ` is `https`), and for each character of
    the result the index of the one it came from."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char) if ord(char) > 0x7F else char
        pieces.append(folded)
        origin.extend([index] * len(folded))
    return "".join(pieces), origin
