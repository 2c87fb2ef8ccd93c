"""The Post model: the one thing every source produces, and the `postion:` front-matter block."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from postion_publish.core.errors import BadInput
from postion_publish.core.excerpt import excerpt_from_markdown, one_line_excerpt

OPTION_KEYS = ("skip", "accounts", "template", "image", "alt", "ai")  # and one hand-written caption per platform


@dataclass(frozen=True)
class PostOptions:
    """The post's own `postion:` block: hand-written captions, skips, template and image."""

    skip_all: bool = False
    skip: frozenset[str] = frozenset()
    captions: Mapping[str, str] = field(default_factory=dict)  # platform → caption written by hand
    template: str | None = None
    template_line: int | None = None  # line of the template's first line in the post file
    caption_lines: Mapping[str, int] = field(default_factory=dict)
    image: str | None = None
    alt: str | None = None
    ai: bool | None = None  # `ai: false`: `adapt` writes this post's captions without the model
    accounts: frozenset[str] | None = None  # `accounts: [<platform>/<account>, …]`: only these; None: all

    def skips(self, platform: str) -> bool:
        """`platform`: a platform, or one of its accounts (`mastodon/project`): skipped by its own
        name or its platform's, or left out of the post's `accounts`."""
        kind = platform.partition("/")[0]
        if self.skip_all or platform in self.skip or kind in self.skip:
            return True
        return self.accounts is not None and platform not in self.accounts and kind not in self.accounts

    def caption_for(self, platform: str) -> str | None:
        """The caption written by hand for this platform (an account takes its platform's)."""
        return self.captions.get(platform.partition("/")[0])


UNDATED = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # the date of a post that has none: never due, never scheduled


@dataclass(frozen=True)
class Post:
    id: str  # stable across URL changes: front matter `id`, else the source path
    url: str
    title: str
    date: dt.datetime  # aware, UTC
    description: str | None = None  # the post's own summary, as plain text
    body: str = ""  # Markdown, for the excerpt when there is no description
    draft: bool = False
    tags: tuple[str, ...] = ()
    author: str | None = None
    image: str | None = None
    image_alt: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    options: PostOptions = PostOptions()
    source_file: str | None = None  # for messages: where the post is written
    source_line: int | None = None
    content_root: str | None = None  # the content folder: "/…" paths start here, images stay inside
    warnings: tuple[str, ...] = ()  # what the source noticed, shown with each of the post's jobs
    undated: bool = False  # no date in its front matter: `date` is UNDATED and it is never announced

    @cached_property
    def excerpt(self) -> str:
        """The description, else the text before `<!-- more -->`, else the first paragraph; at
        most MAX_EXCERPT characters. Computed on first use: a plan needs it only for new posts."""
        return one_line_excerpt(self.description if self.description is not None else excerpt_from_markdown(self.body))


def parse_options(
    raw: Any,
    *,
    file: str,
    lines: Mapping[str, int],
    block_line: int | None,
    template_line: int | None = None,
) -> PostOptions:
    """Validate a `postion:` block. `lines` maps each of its keys to its line in the file;
    `template_line` is where the text of its template starts."""

    def fail(key: str | None, message: str) -> BadInput:
        line = lines.get(key, block_line) if key else block_line
        return BadInput(message, file=file, line=line, key=f"postion.{key}" if key else "postion")

    if raw is None:
        return PostOptions()
    if not isinstance(raw, dict):
        raise fail(None, "must be a mapping, e.g. `postion: {skip: [<platform>]}`")
    from postion_publish.core import registry  # here: a build hook with nothing new needs no registry

    platforms = registry.names()
    known = (*OPTION_KEYS, *platforms)
    for key in raw:
        if key not in known:
            import difflib  # only to name a likely typo

            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
            raise fail(str(key), f"unknown key{hint}")
    skip = raw.get("skip", False)
    skip_all = skip is True
    skipped: frozenset[str] = frozenset()
    if isinstance(skip, str):
        skip = [skip]
    if isinstance(skip, list):
        unknown = [name for name in skip if str(name).partition("/")[0] not in platforms]
        if unknown:
            raise fail("skip", f"unknown platform '{unknown[0]}'; known: {', '.join(platforms)}")
        skipped = frozenset(skip)
    elif not isinstance(skip, bool):
        raise fail("skip", "must be true, false or a list of platforms")
    for key in ("template", "image", "alt", *platforms):
        if key in raw and not isinstance(raw[key], str):
            raise fail(key, "must be text")
    if "ai" in raw and not isinstance(raw["ai"], bool):
        raise fail("ai", "must be true or false")
    accounts = raw.get("accounts")
    if accounts is not None:
        if not isinstance(accounts, list) or not all(isinstance(name, str) for name in accounts):
            raise fail("accounts", "must be a list of platforms or their accounts, e.g. [<platform>/<account>]")
        unknown = [name for name in accounts if name.partition("/")[0] not in platforms]
        if unknown:
            raise fail("accounts", f"unknown platform '{unknown[0]}'; known: {', '.join(platforms)}")
    captions = {name: raw[name] for name in platforms if name in raw}
    return PostOptions(
        skip_all=skip_all,
        skip=skipped,
        captions=captions,
        template=raw.get("template"),
        template_line=template_line,
        caption_lines={name: lines[name] for name in captions if name in lines},
        image=raw.get("image"),
        alt=raw.get("alt"),
        ai=raw.get("ai"),
        accounts=frozenset(accounts) if accounts is not None else None,
    )


def check_unique(posts: Iterable[Post]) -> list[Post]:
    """Two posts with one id or one URL would be announced as one: that is bad input."""
    seen_ids: dict[str, Post] = {}
    seen_urls: dict[str, Post] = {}
    result = []
    for post in posts:
        for seen, key, what in ((seen_ids, post.id, "id"), (seen_urls, post.url, "URL")):
            if key in seen:
                raise BadInput(
                    f"two posts have the {what} '{key}' (the other is {seen[key].source_file}); "
                    "give one of them its own `id:` or slug",
                    file=post.source_file,
                    line=post.source_line,
                )
            seen[key] = post
        result.append(post)
    return result
