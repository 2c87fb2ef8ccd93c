"""Helpers for adapter tests: an in-memory journal and ready-made outgoing posts."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar

from postion_publish.platforms.base import Image, LinkCard, Outgoing, Part, PartRef

T = TypeVar("T")
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


class MemoryJournal:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, Any]] = []

    async def before(self, index: int, data: Mapping[str, Any]) -> None:
        self.events.append(("before", index, dict(data)))

    async def after(self, index: int, ref: PartRef) -> None:
        self.events.append(("after", index, ref))


def outgoing(*texts: str, key: str = "post-1|platform", image: bool = False, thumb: bool = False) -> Outgoing:
    parts = tuple(Part(text) for text in texts)
    picture = Image(PNG, "image/png", "A one-pixel picture", "pixel.png")
    card = LinkCard("https://blog.example.com/p/", "A post", "What it says.", picture if thumb else None)
    return Outgoing(key, parts, NOW, card, picture if image else None)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)
