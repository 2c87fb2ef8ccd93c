"""What a platform accepts as an image: the rules each platform's spec states (sources:
../shared/platforms.md, each platform's media section), read by the image pipeline."""

from __future__ import annotations

from dataclasses import dataclass

JPEG, PNG, GIF, WEBP = "image/jpeg", "image/png", "image/gif", "image/webp"


@dataclass(frozen=True)
class ImageLimits:
    platform: str
    max_bytes: int
    formats: frozenset[str]
    max_pixels: int | None = None  # width × height
    max_side: int | None = None  # the longer side, in pixels
    max_alt: int | None = None  # alt text, in characters: longer is cut (and the plan says so)


@dataclass(frozen=True)
class Image:
    """An image as it is sent: its bytes, type, alt text and file name."""

    data: bytes
    mime: str
    alt: str
    filename: str
    url: str | None = None  # where the live site serves it (Threads downloads images, it takes no upload)


def within(text: str, limit: int | None) -> str:
    """`text` as a platform takes it: cut to `limit` characters, ending in "…", where longer. The
    plan shows the same cut that is sent, so an alt text or a card title never changes on the way."""
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
