"""A post's image files: found beside the post or from the content folder's top, confined to the
site's folders, read as the type their name says. No network: the plan checks them too."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from postion_publish.core.errors import ContentRejected
from postion_publish.core.media import Image
from postion_publish.core.posts import Post
from postion_publish.core.urls import split_url

MAX_IMAGE_BYTES = 20 * 1024 * 1024  # above every platform's limit: larger files are never read whole
MIME_BY_SUFFIX = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def sniff_mime(head: bytes) -> str | None:
    """The image type its first bytes declare (the formats' magic numbers), else None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_roots(post: Post, site_folder: Path) -> list[Path]:
    """Where a post's images may be: its content folder and the site's folder (`source.path`)."""
    roots = [site_folder]
    if post.content_root:
        roots.append(Path(post.content_root))
    return [root.resolve() for root in roots]


def find_image(post: Post, name: str, key: str, roots: Sequence[Path]) -> Path | None:
    """The file an image name means: beside the post, or from the content folder's top for "/…".
    None where no such file exists (the name may be a URL or a page of the built site). Raises
    ContentRejected where it exists but resolves outside `roots`."""
    if name.startswith(("http://", "https://")) or post.source_file is None:
        return None
    if name.startswith("/"):
        base = Path(post.content_root) if post.content_root else Path(post.source_file).parent
        candidate = base / name.lstrip("/")
    else:
        candidate = Path(post.source_file).parent / name
    if not os.path.lexists(candidate):
        return None
    resolved = candidate.resolve()
    if not any(resolved.is_relative_to(root) for root in roots):
        reason = f"{name} resolves outside the site's folders; an image must be a file of the site"
        raise image_refused(post, key, reason)
    return resolved


def load_image(post: Post, path: Path, alt: str, key: str) -> Image:
    """Read the image: a regular file, at most MAX_IMAGE_BYTES, whose bytes match its extension."""
    mime = MIME_BY_SUFFIX.get(path.suffix.lower())
    if mime is None:
        raise image_refused(post, key, f"{path.name}: only PNG, JPEG, GIF and WebP images can be attached")
    try:
        # O_NOFOLLOW: the path was resolved already; a link swapped in since is refused, not followed.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise image_refused(post, key, f"cannot read {path.name} ({error.strerror or 'error'})") from None
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise image_refused(post, key, f"{path.name} is not a regular file")
        if info.st_size > MAX_IMAGE_BYTES:
            raise image_refused(post, key, f"{path.name} is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
        data = stream.read(MAX_IMAGE_BYTES + 1)
    if sniff_mime(data[:16]) != mime:
        kind = mime.split("/")[1].upper()
        raise image_refused(post, key, f"{path.name} is not a {kind} image (its bytes say otherwise)")
    return Image(data, mime, alt, path.name)


def public_url(path: Path, roots: Sequence[Path], site_url: str) -> str | None:
    """Where the live site serves a file of its content or output folder: its path below the
    folder, under `site_url` (MkDocs, Pelican and plain content folders copy images as they are)."""
    for root in sorted(roots, key=lambda r: len(r.parts), reverse=True):  # the innermost folder
        if path.is_relative_to(root):
            return urljoin(site_url.rstrip("/") + "/", path.relative_to(root).as_posix())
    return None


def site_file_for(url: str, site_url: str, site_folder: Path) -> Path | None:
    """The built site's own file for a URL of the site (for a build before the deploy), if any."""
    page, site = split_url(url), urlsplit(site_url)
    if page is None or page.hostname != site.hostname:
        return None
    relative = PurePosixPath(unquote(page.path)).relative_to("/") if page.path.startswith("/") else None
    base = PurePosixPath(site.path or "/").relative_to("/")
    if relative is None or not relative.is_relative_to(base) or ".." in relative.parts:
        return None
    candidate = (site_folder / relative.relative_to(base)).resolve()
    return candidate if candidate.is_relative_to(site_folder.resolve()) and candidate.is_file() else None


def image_refused(post: Post, key: str, reason: str) -> ContentRejected:
    where = post.source_file or post.url
    return ContentRejected("image", f"{where}, key '{key}': {reason}")
