"""Shrinking an image to a platform's byte limit. Pillow is optional (`postion-publish[images]`):
without it an image over the limit is refused with a message that says how to fix it."""

from __future__ import annotations

import io
from dataclasses import replace

from postion_publish.adapters.base import Image


def shrink_to_fit(image: Image, max_bytes: int) -> Image | None:
    """The image itself when small enough, else a JPEG re-encoding that fits, else None."""
    if len(image.data) <= max_bytes:
        return image
    try:
        from PIL import Image as PillowImage
    except ImportError:
        return None
    with PillowImage.open(io.BytesIO(image.data)) as opened:
        picture = opened.convert("RGB")  # also drops EXIF, which platforms ask clients to strip
    for scale in (1.0, 0.75, 0.5, 0.35, 0.25, 0.15):
        size = (max(1, int(picture.width * scale)), max(1, int(picture.height * scale)))
        buffer = io.BytesIO()
        picture.resize(size).save(buffer, format="JPEG", quality=80, optimize=True)
        if buffer.tell() <= max_bytes:
            name = image.filename.rsplit(".", 1)[0] + ".jpg"
            return replace(image, data=buffer.getvalue(), mime="image/jpeg", filename=name)
    return None
