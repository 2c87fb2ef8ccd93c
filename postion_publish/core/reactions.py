"""What `postion backfeed` brings home from a live copy: how many replies, reposts and likes it
has, and the replies themselves (author, text, link). Everything in it came from a platform and is
untrusted: the text is plain (markup removed) and bounded, the links are only what the platform
said; the build hooks escape all of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_REPLIES = 20  # kept per copy: the site shows the conversation's start, and links to the rest
MAX_TEXT = 500


@dataclass(frozen=True)
class Reply:
    author: str
    text: str
    url: str
    time: str

    def to_json(self) -> dict[str, str]:
        return {"author": self.author, "text": self.text, "url": self.url, "time": self.time}


@dataclass(frozen=True)
class Reactions:
    replies: int
    reposts: int
    likes: int
    items: tuple[Reply, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "replies": self.replies,
            "reposts": self.reposts,
            "likes": self.likes,
            "items": [reply.to_json() for reply in self.items[:MAX_REPLIES]],
        }


def count(value: Any) -> int:
    """A count a platform answered: a non-negative whole number, else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def text(value: Any, limit: int = MAX_TEXT) -> str:
    found = " ".join(str(value or "").split())
    return found if len(found) <= limit else found[: limit - 1] + "…"


def counted(replies: int, reposts: int, likes: int) -> str:
    """`3 replies, 1 repost and 5 likes`, leaving out what is none."""
    parts = [
        f"{number} {word if number == 1 else word + 's'}"
        for word, number in (("reply", replies), ("repost", reposts), ("like", likes))
        if number
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
