"""A post's image, found and read safely: it is uploaded publicly, and a post is untrusted text.

A guest post or a fork's pull request writes `image:`. Without these rules `image: ../../.env`, an
absolute path or a symlink `cover.png → /proc/self/environ` would publish any file of the runner.
So an image must resolve, after following every link, inside the site's content or output folder;
it must be a regular file of bounded size; and its first bytes must be an image of the type its
name declares. Any refusal is a ContentRejected that names the post and the key.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import urlsplit

import httpx

from postion_publish.core.posts import Post
from postion_publish.core.urls import split_url
from postion_publish.net import tls
from postion_publish.net.answers import AnswerTooLarge
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import Image
from postion_publish.platforms.image_files import MAX_IMAGE_BYTES, image_refused, sniff_mime


async def download_image(
    post: Post,
    url: str,
    alt: str,
    key: str,
    site_url: str,
    *,
    deadline: float,
    transport: httpx.BaseTransport | None = None,
) -> Image:
    """An image the post names by URL: fetched only from the site's own host (a post must not make
    the runner fetch anything else), without redirects, at most MAX_IMAGE_BYTES, bytes sniffed."""
    parts = split_url(url)
    if parts is None or parts.hostname != urlsplit(site_url).hostname or parts.scheme not in ("http", "https"):
        raise image_refused(
            post, key, f"{url}: only images on the site's own host ({urlsplit(site_url).hostname}) are used"
        )
    client = DeadlineClient(
        deadline=deadline, limit=MAX_IMAGE_BYTES, verify=tls.context(), timeout=deadline, transport=transport
    )
    try:
        async with client:  # the whole download within the deadline, at most MAX_IMAGE_BYTES read
            response = await client.get(url)
    except AnswerTooLarge:
        raise image_refused(post, key, f"{url} is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB") from None
    except httpx.HTTPError as error:
        raise image_refused(post, key, f"{url} could not be fetched ({type(error).__name__})") from None
    if response.status_code != 200:
        raise image_refused(post, key, f"{url} answered {response.status_code}")
    data = response.content
    mime = sniff_mime(data[:16])
    if mime is None:
        raise image_refused(post, key, f"{url} is not a PNG, JPEG, GIF or WebP image")
    name = PurePosixPath(parts.path).name or "image"
    return Image(data, mime, alt, name, url)
