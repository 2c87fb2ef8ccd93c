"""What a job sends: its outgoing messages with the link card and image each platform takes,
built once per send from the post, within the run's deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

from postion_publish.core.config import Settings
from postion_publish.core.errors import (
    ContentRejected,
)
from postion_publish.core.plan import Job
from postion_publish.core.posts import Post
from postion_publish.platforms.attachments import download_image
from postion_publish.platforms.base import (
    Image,
    LinkCard,
    Outgoing,
    Part,
)
from postion_publish.platforms.image_files import (
    find_image,
    image_refused,
    image_roots,
    load_image,
    public_url,
    site_file_for,
)
from postion_publish.run.attach import card_description

if TYPE_CHECKING:
    pass


async def outgoing_for(job: Job, now: dt.datetime, settings: Settings, deadline: float) -> Outgoing:
    post = job.post
    image: Image | None = None
    thumb: Image | None = None
    if post.options.image:  # attached on purpose, with its alt text
        alt = post.options.alt or post.image_alt or ""
        image = await post_image(post, post.options.image, alt, "postion.image", settings, deadline)
        if image is None:
            raise image_refused(post, "postion.image", f"{post.options.image} was not found in the site's folders")
    elif post.image:  # the card's picture: optional, a card goes without it
        try:
            thumb = await post_image(post, post.image, post.image_alt or "", "image", settings, deadline)
        except ContentRejected:
            if not post.image.startswith(("http://", "https://")):
                raise  # a local path that escapes the site is refused, not skipped
    description = card_description(post)
    return Outgoing(
        key=f"{post.id}|{job.platform}",
        parts=tuple(Part(message.text) for message in job.messages),
        created_at=now,
        link=LinkCard(post.url, post.title, description, thumb),
        image=image,
    )


async def post_image(post: Post, name: str, alt: str, key: str, settings: Settings, deadline: float) -> Image | None:
    """A post's image, with the URL the live site serves it at: a file of the site's folders, or a
    URL of the site (its built file when there is one, else downloaded from the site's host).
    None where a local name matches no file."""
    roots = image_roots(post, settings.source.path)
    if name.startswith(("http://", "https://")):
        built = settings.source.type != "content"
        if built and (local := site_file_for(name, settings.site_url, settings.source.path)) is not None:
            return replace(load_image(post, local, alt, key), url=name)
        return await download_image(post, name, alt, key, settings.site_url, deadline=deadline)
    path = find_image(post, name, key, roots)
    if path is None:
        return None
    return replace(load_image(post, path, alt, key), url=public_url(path, roots, settings.site_url))
