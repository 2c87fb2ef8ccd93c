"""User text, shown as text: in terminal lines, in Markdown (PR comments, job summaries).

Titles, captions, URLs, file names and platforms' error messages come from posts anyone may write
(a guest post, a fork's pull request) or from a server's answer. Shown raw they could end a list
and write "nothing new to announce", open an HTML comment that hides every post after it, embed an
image, ping `@someone`, or start a line that the Actions runner reads as `::add-mask::`. Each
helper here renders its text so that it means nothing but itself.
"""

from __future__ import annotations

import re

# Every character that can end or break a line, or steer a terminal: C0 and C1 controls, line and
# paragraph separators.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_BACKTICKS = re.compile(r"`+")


def one_line(text: str) -> str:
    """The text on one line: line breaks and control characters become a space."""
    return _BREAKS.sub(" ", text)


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
