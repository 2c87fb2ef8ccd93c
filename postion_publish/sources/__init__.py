"""Readers that yield Posts: every source produces the same Post model."""

from __future__ import annotations

from collections.abc import Callable

from postion_publish.config import Settings
from postion_publish.errors import BadInput
from postion_publish.posts import Post


def read_posts(settings: Settings, settled: Callable[[str], bool] | None = None) -> list[Post]:
    """The site's posts. `settled(post_id)`: the state has nothing left for it (a reader may skip it)."""
    if settings.source.type == "content":
        from postion_publish.sources.content import read_content_folder

        return list(read_content_folder(settings, settled))
    raise BadInput(
        f"source.type '{settings.source.type}' is not available in this version; use 'content'",
        file=settings.file,
        key="source.type",
    )
