"""Readers that yield Posts: every source produces the same Post model."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a build hook with nothing new loads neither the config nor PyYAML
    from postion_publish.core.config import Settings
    from postion_publish.core.posts import Post


def read_posts(
    settings: Settings,
    settled: Callable[[str], bool] | None = None,
    *,
    publishing: bool = False,
    on_post: Callable[[int], None] | None = None,
) -> list[Post]:
    """The site's posts. `settled(post_id)`: the state has nothing left for it (a reader may skip
    it). `publishing`: a preview build's manifest is refused. `on_post(count)`: after each post
    of a folder, for a progress line."""
    if settings.source.type in ("content", "site"):
        _check_inside_repository(settings)
    if settings.source.type == "content":
        from postion_publish.sources.content import read_content_folder

        posts = []
        for post in read_content_folder(settings, settled):
            posts.append(post)
            if on_post is not None:
                on_post(len(posts))
        return posts
    if settings.source.type == "site":
        from postion_publish.sources.site import read_built_site

        return read_built_site(settings)
    from postion_publish.sources.manifest import read_manifest

    return read_manifest(settings, allow_preview=not publishing)


def _check_inside_repository(settings: Settings) -> None:
    """The posts (or built site) folder, links followed, is inside the repository (the config's
    folder): a pull request that makes `posts` a link to a folder of the runner would otherwise
    have its files announced. The files inside are confined by their readers."""
    from postion_publish.core.errors import BadInput

    repository = settings.root.resolve()
    if not settings.source.path.resolve().is_relative_to(repository):
        raise BadInput(
            f"source.path {settings.source.path} resolves outside the repository ({repository}); "
            "postion reads posts only from the repository's own files",
            file=settings.file,
            key="source.path",
        )
