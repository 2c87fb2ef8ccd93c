"""How each platform counts a message, one module per platform; `LengthRule` is what fitting needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LengthRule:
    platform: str
    limit: int
    measure: Callable[[str], int]
    can_thread: bool  # the platform can chain replies into a thread
    # A second limit beside the length (Bluesky's 3000 bytes): what is wrong, phrased as `problem`
    # phrases it ("too long (…)", "too many links (…)"), or None.
    extra_check: Callable[[str], str | None] | None = None
    # What else a message carries for this platform, shown by `plan --json` (Bluesky: its facets).
    details: Callable[[str], Mapping[str, Any]] | None = None
    # The lengths of the last texts measured: fitting measures a caption, and its message is then
    # measured again for its length and its problem (a third of a plan's counting, Mastodon's URL
    # scan included).
    _lengths: dict[str, int] = field(default_factory=dict, init=False, compare=False, repr=False)

    def length(self, text: str) -> int:
        """`measure(text)`, remembered for the few texts measured last."""
        found = self._lengths.get(text)
        if found is None:
            if len(self._lengths) >= 32:
                self._lengths.clear()
            found = self._lengths[text] = self.measure(text)
        return found

    def message_details(self, text: str) -> dict[str, Any]:
        return dict(self.details(text)) if self.details else {}

    def problem(self, text: str) -> str | None:
        """Why the platform would refuse `text`, as a reader reads it: "too long (301 > 300)"."""
        length = self.length(text)
        if length > self.limit:
            return f"too long ({length} > {self.limit})"
        return self.extra_check(text) if self.extra_check else None

    def fits(self, text: str) -> bool:
        return self.problem(text) is None
