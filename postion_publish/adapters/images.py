"""One image pipeline for every adapter: each platform's size and format limits, and the
conversion that meets them. Pillow is optional (`postion-publish[images]`): without it an image
that already fits goes as it is, and one that does not is refused with a message saying how to
fix it. The alt text is carried through every conversion."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from postion_publish.adapters.base import Image
from postion_publish.errors import ContentRejected

if TYPE_CHECKING:  # Pillow is optional
    from PIL.ImageFile import ImageFile

JPEG, PNG, GIF, WEBP = "image/jpeg", "image/png", "image/gif", "image/webp"
# Beyond this an image is not decoded to be converted: a post's PNG of 400 KB can declare 12,000 ×
# 12,000 pixels, and converting it took 1.5 GB. 40 megapixels (a large camera's photo) take 160 MB.
MAX_DECODED_PIXELS = 40_000_000
_TOO_LARGE_TO_TELL = (2**31, 2**31)  # what Pillow refuses to open: above every platform's limit


@dataclass(frozen=True)
class ImageLimits:
    platform: str
    max_bytes: int
    formats: frozenset[str]
    max_pixels: int | None = None  # width × height
    max_side: int | None = None  # the longer side, in pixels


# Sources: ../shared/platforms.md (each platform's media section).
X_IMAGES = ImageLimits("x", 5 * 1024 * 1024, frozenset({JPEG, PNG, GIF, WEBP}))
LINKEDIN_IMAGES = ImageLimits("linkedin", 10 * 1024 * 1024, frozenset({JPEG, PNG, GIF}), max_pixels=36_152_319)
# Threads downloads the image from the live site: it can be checked, not converted.
THREADS_IMAGES = ImageLimits("threads", 8 * 1024 * 1024, frozenset({JPEG, PNG}))
# The lexicon allows 2 MB, but PDS 0.4 still refuses blobs over 1 MB.
BLUESKY_IMAGES = ImageLimits("bluesky", 1_000_000, frozenset({JPEG, PNG, GIF, WEBP}))
# Mastodon's default `image_size_limit`; a server's own is in its instance document.
MASTODON_IMAGES = ImageLimits("mastodon", 16 * 1024 * 1024, frozenset({JPEG, PNG, GIF, WEBP}))
# Discord's upload cap: 10 MiB, the lower of the two figures reported for 2026.
DISCORD_IMAGES = ImageLimits("discord", 10 * 1024 * 1024, frozenset({JPEG, PNG, GIF, WEBP}))


def fits(image: Image, limits: ImageLimits) -> bool:
    """Bytes and format; pixels too where Pillow can tell."""
    if len(image.data) > limits.max_bytes or image.mime not in limits.formats:
        return False
    size = _pixel_size(image)
    if size is None:
        return True
    width, height = size
    return (limits.max_pixels is None or width * height <= limits.max_pixels) and (
        limits.max_side is None or max(width, height) <= limits.max_side
    )


def fit_image(image: Image, limits: ImageLimits) -> Image:
    """The image itself when it fits, else a converted and, if need be, smaller copy that fits.
    Raises ContentRejected when no copy fits or Pillow is not installed."""
    if fits(image, limits):
        return image
    try:
        from PIL import Image as PillowImage
    except ImportError:
        raise _refused(image, limits, "install postion-publish[images] to convert it automatically") from None
    try:
        with _opened(image.data) as opened:
            width, height = opened.size  # from the header: nothing is decoded yet
            if width * height > MAX_DECODED_PIXELS:
                most = f"{MAX_DECODED_PIXELS // 1_000_000} megapixels"
                fix = f"at {width:,} × {height:,} pixels it is too large to convert: resize it to {most} or less"
                raise _refused(image, limits, fix)
            # PNG keeps transparency where the platform takes PNG; anything else becomes a JPEG.
            keep_png = PNG in limits.formats and opened.mode in ("RGBA", "LA", "P")
            picture = opened.convert("RGBA" if keep_png else "RGB")  # also drops EXIF, as platforms ask
    except (OSError, ValueError, PillowImage.DecompressionBombError):
        raise _refused(image, limits, "and it cannot be read as an image to convert it") from None
    target, suffix = (PNG, ".png") if keep_png else (JPEG, ".jpg")
    scale = 1.0
    if limits.max_pixels is not None:
        scale = min(scale, (limits.max_pixels / (picture.width * picture.height)) ** 0.5)
    if limits.max_side is not None:
        scale = min(scale, limits.max_side / max(picture.width, picture.height))
    for step in (1.0, 0.75, 0.5, 0.35, 0.25, 0.15):
        size = (max(1, int(picture.width * scale * step)), max(1, int(picture.height * scale * step)))
        buffer = io.BytesIO()
        resized = picture.resize(size) if size != picture.size else picture
        resized.save(
            buffer, format="PNG" if keep_png else "JPEG", optimize=True, **({} if keep_png else {"quality": 82})
        )
        if buffer.tell() <= limits.max_bytes:
            name = image.filename.rsplit(".", 1)[0] + suffix
            return replace(image, data=buffer.getvalue(), mime=target, filename=name)
    raise _refused(image, limits, "even a small copy is too large")


def fit_or_none(image: Image, limits: ImageLimits) -> Image | None:
    """For what is optional (a link card's thumbnail): the fitted image, or None."""
    try:
        return fit_image(image, limits)
    except ContentRejected:
        return None


def _opened(data: bytes) -> ImageFile:
    """Pillow's image, from its header (nothing is decoded yet), without Pillow's warning about a
    decompression bomb: the sizes are checked here (MAX_DECODED_PIXELS)."""
    from PIL import Image as PillowImage

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PillowImage.DecompressionBombWarning)
        return PillowImage.open(io.BytesIO(data))


def _refused(image: Image, limits: ImageLimits, fix: str) -> ContentRejected:
    kinds = ", ".join(sorted(kind.split("/")[1].upper() for kind in limits.formats))
    return ContentRejected(
        limits.platform,
        f"the image {image.filename} ({len(image.data):,} bytes, {image.mime}) does not fit: at most "
        f"{limits.max_bytes:,} bytes of {kinds}; {fix}",
    )


def _pixel_size(image: Image) -> tuple[int, int] | None:
    try:
        from PIL import Image as PillowImage
    except ImportError:
        return None
    try:
        with _opened(image.data) as opened:
            width, height = opened.size
            return int(width), int(height)
    except PillowImage.DecompressionBombError:
        return _TOO_LARGE_TO_TELL
    except (OSError, ValueError):
        return None
