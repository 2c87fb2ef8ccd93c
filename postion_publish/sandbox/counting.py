"""How the sandbox counts a post, written apart from the client's rules (`platforms/<name>/rule.py`),
the way each service's own code does it: a counting bug of the client must not pass on both sides.
What the platforms share is here; each platform's own count is in its sandbox module.
"""

from __future__ import annotations

import regex

CLUSTER = regex.compile(r"\X")
EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")


def graphemes(text: str) -> int:
    return len(CLUSTER.findall(text))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
