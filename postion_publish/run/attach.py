"""What each job attaches, found when it is planned: the image (file, size as it will go, alt text)
or the link card (title, description, picture), with every check publish makes on it. A job whose
image publish would refuse is refused in the plan, with what to change; nothing is downloaded here
(an image given by URL is fetched, and checked, at publish)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace

from postion_publish.core import registry
from postion_publish.core.config import Settings
from postion_publish.core.errors import ContentRejected
from postion_publish.core.media import within
from postion_publish.core.plan import Attachment, Job, Plan
from postion_publish.core.posts import Post
from postion_publish.core.spec import PlatformSpec
from postion_publish.platforms.image_files import find_image, image_refused, image_roots, load_image
from postion_publish.platforms.images import fit_image, fit_or_none, fits

MAX_CARD_DESCRIPTION = 300


def card_description(post: Post) -> str:
    """The card's description: the excerpt, cut at a word within MAX_CARD_DESCRIPTION characters."""
    description = post.excerpt
    if len(description) > MAX_CARD_DESCRIPTION:
        description = description[: MAX_CARD_DESCRIPTION - 1].rsplit(" ", 1)[0] + "…"
    return description


def with_attachments(plan: Plan, settings: Settings, on_job: Callable[[int, int], None] | None = None) -> Plan:
    """Each job with what it attaches. `on_job(done, total)`: after each, for a progress line (a
    plan of many images reads and converts each)."""
    jobs = []
    for job in plan.jobs:
        jobs.append(replace(job, attachment=attachment_of(job, settings)))
        if on_job is not None:
            on_job(len(jobs), len(plan.jobs))
    return replace(plan, jobs=tuple(jobs))


def attachment_of(job: Job, settings: Settings) -> Attachment | None:
    post, spec = job.post, registry.find(job.platform)
    if spec is None:
        return None
    if post.options.image:
        image = _image(post, post.options.image, post.options.alt or post.image_alt or "", spec, settings)
        if spec.link_card and spec.card_beside_image:  # the card goes too, the image as its picture
            return replace(image, title=within(post.title, spec.max_card_title), description=card_description(post))
        return image
    if not spec.link_card:
        return None
    if spec.downloads_images:  # it sends only the link, and makes the preview from the page itself
        return Attachment("card", note=f"{spec.display} makes the preview from the page's own tags")
    card = Attachment("card", title=within(post.title, spec.max_card_title), description=card_description(post))
    if not post.image:
        return card
    card = replace(card, name=post.image)
    if spec.card_picture_alt:
        card = replace(card, alt=within(post.image_alt or "", spec.images.max_alt if spec.images else None))
    if not post.image.startswith(("http://", "https://")):
        return _card_picture(post, post.image, spec, settings, card)
    return card


def _card_picture(post: Post, name: str, spec: PlatformSpec, settings: Settings, card: Attachment) -> Attachment:
    """As publish treats it: a file that is unsafe or not what it says refuses the job; one that is
    missing, or does not fit and cannot be converted, leaves the card without it."""
    try:
        path = find_image(post, name, "image", image_roots(post, settings.source.path))
        if path is None:
            return replace(card, alt=None, note=f"the card goes without its picture: {name} was not found")
        image = load_image(post, path, post.image_alt or "", "image")
    except ContentRejected as refused:
        return replace(card, problem=refused.reason)
    sent = fit_or_none(image, spec.images) if spec.images is not None else image
    if sent is None:
        note = f"the card goes without its picture: it does not fit {spec.display}'s limits"
        return replace(card, alt=None, note=note)
    return replace(
        card,
        size=len(sent.data),
        digest=digest_of(sent.data),
        note=None if sent is image else f"picture converted to fit {spec.display}",
    )


def _image(
    post: Post, name: str, alt: str, spec: PlatformSpec, settings: Settings, key: str = "postion.image"
) -> Attachment:
    limits = spec.images
    found = Attachment("image", name, alt=within(alt, limits.max_alt if limits else None))
    notes = []
    if found.alt != alt and limits is not None:
        notes.append(f"alt text cut to {limits.max_alt:,} characters, {spec.display}'s limit")
    if spec.link_card and not spec.card_beside_image:
        notes.append(f"no link card: {spec.display} takes an image or a card, not both")
    if name.startswith(("http://", "https://")):
        return _noted(found, [*notes, "downloaded from the site and checked at publish"])
    try:
        path = find_image(post, name, key, image_roots(post, settings.source.path))
        if path is None:
            return replace(
                found, problem=image_refused(post, key, f"{name} was not found in the site's folders").reason
            )
        image = load_image(post, path, alt, key)
        if limits is None:
            return _noted(replace(found, size=len(image.data), digest=digest_of(image.data)), notes)
        if spec.downloads_images:  # taken as it is from the live site: it must fit already
            if not fits(image, limits):
                fix = f"{name} does not fit: {spec.display} downloads images as they are, and nothing converts them"
                return replace(found, problem=fix)
            return _noted(replace(found, size=len(image.data), digest=digest_of(image.data)), notes)
        sent = fit_image(image, limits)
    except ContentRejected as refused:
        return replace(found, problem=refused.reason)
    if sent is not image:
        notes.insert(0, f"converted to fit {spec.display}")
    return _noted(replace(found, size=len(sent.data), digest=digest_of(sent.data)), notes)


def _noted(attachment: Attachment, notes: list[str]) -> Attachment:
    return replace(attachment, note="; ".join(notes) or None)


def digest_of(data: bytes) -> str:
    """The bytes as they go, named by their SHA-256: what a reviewer can compare with what arrived."""
    return hashlib.sha256(data).hexdigest()
