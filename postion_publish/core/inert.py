"""User text, shown as text: in terminal lines, in Markdown (PR comments, job summaries).

Titles, captions, URLs, file names and platforms' error messages come from posts anyone may write
(a guest post, a fork's pull request) or from a server's answer. Shown raw they could end a list
and write "nothing new to announce", open an HTML comment that hides every post after it, embed an
image, ping `@someone`, or start a line that the Actions runner reads as `::add-mask::`. Each
helper here renders its text so that it means nothing but itself.
"""

from __future__ import annotations

import re
import unicodedata

# Every character that can end or break a line, or steer a terminal: C0 and C1 controls, line and
# paragraph separators.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_BACKTICKS = re.compile(r"`+")


def one_line(text: str) -> str:
    """The text on one line: line breaks and control characters become a space; characters no reader
    sees (bidi overrides, zero-width characters: see `visible`) are dropped."""
    return _BREAKS.sub(" ", text if text.isascii() else visible(text))


def fence_for(text: str, char: str = "`", shortest: int = 1) -> str:
    """A run of backticks longer than any inside `text`: a code span or block it cannot close."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    return char * max(shortest, longest + 1)


def code_span(text: str) -> str:
    """Inline code: Markdown, HTML, mentions and links inside are shown, never interpreted."""
    flat = one_line(text).strip() or " "
    fence = fence_for(flat)
    return f"{fence} {flat} {fence}"


def table_cell(text: str) -> str:
    """A code span fit for a table cell (a `|` ends a cell even inside code unless escaped)."""
    return code_span(text).replace("|", "\\|")


def code_block(text: str, info: str = "text") -> list[str]:
    """Lines of a fenced block holding `text` as it is; no line inside can close the fence."""
    fence = fence_for(text, shortest=3)
    return [fence + info, *text.split("\n"), fence]


_INVISIBLE_CATEGORIES = frozenset(("Cc", "Cf", "Co", "Cs", "Cn"))
_KEEP = frozenset("\n")
_LINE_BREAKS = frozenset("\u2028\u2029\r\x0b\x0c\x85")
_ZWJ = "\u200d"


def visible(text: str) -> str:
    """`text` without the characters no reader sees (see the module's docstring); line breaks of
    every kind become `\\n`, tabs a space."""
    out: list[str] = []
    for index, char in enumerate(text):
        if char in _KEEP:
            out.append(char)
        elif char in _LINE_BREAKS:
            out.append("\n")
        elif char == "\t":
            out.append(" ")
        elif (char == _ZWJ and _joins_emoji(text, index)) or unicodedata.category(char) not in _INVISIBLE_CATEGORIES:
            out.append(char)
    return "".join(out)


def _joins_emoji(text: str, index: int) -> bool:
    before = text[index - 1] if index > 0 else ""
    after = text[index + 1] if index + 1 < len(text) else ""
    return (
        bool(before and after)
        and unicodedata.category(after) == "So"
        and (unicodedata.category(before) in ("So", "Sk", "Mn") or "\U0001f3fb" <= before <= "\U0001f3ff")
    )


def safe_href(url: str) -> str:
    """A URL fit for an href: what a URL may not hold (`<`, `"`, spaces…) percent-encoded, the rest
    kept. Escape the result for its attribute as any other text."""
    from urllib.parse import quote

    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def is_web_link(url: str) -> bool:
    """Whether `url` is an http(s) link with a host: the only kind a page of ours makes a link of."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:  # `https://[::1`: not a URL at all
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def html_link(shown: str, url: str, **attributes: str) -> str:
    """`shown` (HTML, escaped already) as a link to `url` where that is an http(s) link, else as it
    is: whatever a record or a platform says, a page of ours never links anything else."""
    import html

    if not is_web_link(url):
        return shown
    # `class_="u-syndication"` is class="u-syndication": a Python keyword, spelled as HTML does
    extra = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{html.escape(value, quote=True)}"'
        for name, value in attributes.items()
    )
    return f'<a{extra} href="{html.escape(safe_href(url), quote=True)}">{shown}</a>'
