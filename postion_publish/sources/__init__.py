"""Readers that yield Posts: every source produces the same Post model."""

from __future__ import annotations

from postion_publish.config import Settings
from postion_publish.errors import BadInput
from postion_publish.posts import Post


def read_posts(settings: Settings) -> list[Post]:
    if settings.source.type == "content":
        from postion_publish.sources.content import read_content_folder

        return list(read_content_folder(settings))
    raise BadInput(
        f"source.type '{settings.source.type}' is not available in this version; use 'content'",
        file=settings.file,
        key="source.type",
    )
