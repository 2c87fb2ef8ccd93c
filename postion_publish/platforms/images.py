"""One image pipeline for every adapter: the conversion that meets a platform's limits (its
spec's `images`). Pillow is optional (`postion-publish[images]`): without it an image
that already fits goes as it is, and one that does not is refused with a message saying how to
fix it. The alt text is carried through every conversion."""

from __future__ import annotations

import io
import warnings
from dataclasses import replace
from typing import TYPE_CHECKING

from postion_publish.core.errors import ContentRejected
from postion_publish.core.media import JPEG, PNG, Image, ImageLimits

if TYPE_CHECKING:  # Pillow is optional
    from PIL.ImageFile import ImageFile

# Beyond this an image is not decoded to be converted: a post's PNG of 400 KB can declare 12,000 ×
# 12,000 pixels, and converting it took 1.5 GB. 40 megapixels (a large camera's photo) take 160 MB.
MAX_DECODED_PIXELS = 40_000_000


def fits(image: Image, limits: ImageLimits) -> bool:
    """Bytes and format; pixels too where the header tells them."""
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
    if (size := dimensions(image)) is not None:  # the header's word, before Pillow opens anything
        _convertible(image, limits, *size)
    try:
        from PIL import Image as PillowImage
    except ImportError:
        raise _refused(image, limits, "install postion-publish[images] to convert it automatically") from None
    try:
        with _opened(image.data) as opened:
            _convertible(image, limits, *opened.size)  # from the header: nothing is decoded yet
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


def _convertible(image: Image, limits: ImageLimits, width: int, height: int) -> None:
    if width * height > MAX_DECODED_PIXELS:
        most = f"{MAX_DECODED_PIXELS // 1_000_000} megapixels"
        fix = f"at {width:,} × {height:,} pixels it is too large to convert: resize it to {most} or less"
        raise _refused(image, limits, fix)


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


def dimensions(image: Image) -> tuple[int, int] | None:
    """Width and height as the image shows (EXIF rotation applied), read from its header by
    `imagesize`: nothing is decoded, so it is safe on any file and needs no Pillow. None: no header
    it can read."""
    import imagesize

    try:
        width, height = imagesize.get(io.BytesIO(image.data))
    except (OSError, ValueError):
        return None
    return (int(width), int(height)) if width > 0 and height > 0 else None


def _pixel_size(image: Image) -> tuple[int, int] | None:
    return dimensions(image)
