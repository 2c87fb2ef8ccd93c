"""MkDocs plugin: collect the posts of a build into a manifest and print the plan summary.

    plugins:
      - blog
      - postion: {config: postion.yml}

Facts (mkdocs.org "Plugins"; Material for MkDocs, material/plugins/blog): Material's blog rewrites
post URLs in `on_files` at priority -50, so posts are collected at -100 from `on_page_context`, with
`page.canonical_url`. There is no reliable "real deploy" signal: the manifest is a *preview* when
the command is `serve`, when `on_startup` never ran, or when `site_url` is missing, loopback or not
https. Publishing is always a later, separate step (`postion publish`). Plan warnings are logged at
info, so that `mkdocs build --strict` fails on them only with `strict: true`."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.pages import Page

from postion_publish.core.dates import to_utc
from postion_publish.core.excerpt import excerpt_from_html, excerpt_from_markdown
from postion_publish.core.posts import Post
from postion_publish.run.build import finish_build, relative_path
from postion_publish.sources.manifest import is_preview_site_url, post_to_json

log = get_plugin_logger("postion")


class PostionConfig(Config):  # type: ignore[no-untyped-call]
    config = options.Type(str, default="postion.yml")  # the postion-publish configuration
    pages = options.Optional(options.Type(str))  # a glob of plain pages (docs-relative) that are posts too
    strict = options.Type(bool, default=False)  # fail the build on plan warnings
    enabled = options.Type(bool, default=True)
    # "Also on …" at the end of each announced post (else only `page.meta.syndication`, for a theme).
    syndication = options.Type(bool, default=True)


def _material_post_class() -> type | None:
    try:
        from material.plugins.blog.structure import Post as MaterialPost
    except ImportError:  # Material is optional: without it, only `pages` are collected
        return None
    found: type = MaterialPost
    return found


def _first(meta: dict[str, Any], *keys: str) -> str | None:
    return next((str(meta[key]) for key in keys if isinstance(meta.get(key), str) and meta[key].strip()), None)


class PostionPlugin(BasePlugin[PostionConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.command: str | None = None
        self.collected: list[dict[str, Any]] = []  # manifest entries
        self.copies: dict[str, tuple[Any, ...]] = {}  # a post's URL → where it was announced (Copy)
        self.reactions: dict[str, dict[str, Any]] = {}  # a post's URL → what `postion backfeed` read

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.collected = []
        # Read only where something was announced already (see syndication.load_copies).
        from postion_publish.run.syndication import load_copies, load_reactions

        self.copies = load_copies(Path(self.config.config)) if self.config.enabled else {}
        self.reactions = load_reactions(Path(self.config.config)) if self.config.enabled else {}
        return config

    @event_priority(-100)  # after Material's blog (-50) has given posts their final URLs
    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if self.config.enabled:
            entry = self._entry(page, config)
            if entry is not None:
                self.collected.append(entry)
                self._show_copies(page, entry["url"])
        return context

    def _show_copies(self, page: Page, url: str) -> None:
        """Where the post went: `page.meta.syndication` for a theme's template, and (unless
        `syndication: false`) the "Also on" line at the end of the page's content."""
        copies = self.copies.get(url, ())
        page.meta["syndication"] = [copy.to_json() for copy in copies]
        page.meta["backfeed"] = self.reactions.get(url, {})
        if copies and self.config.syndication and page.content is not None:
            from postion_publish.run.syndication import aside, reactions_html

            page.content += aside(copies) + reactions_html(self.reactions.get(url, {}))

    def _entry(self, page: Page, config: MkDocsConfig) -> dict[str, Any] | None:
        """The page as the manifest holds it, if it is a post."""
        meta: dict[str, Any] = dict(page.meta)
        material_post = _material_post_class()
        if material_post is not None and isinstance(page, material_post):
            blog_post: Any = page  # Material's Post: its typed config, categories and authors
            if getattr(blog_post.config, "draft", None) is True:
                return None
            created = blog_post.config.date["created"]
            tags = [category.title for category in blog_post.categories] + list(meta.get("tags") or [])
            author = blog_post.authors[0].name if blog_post.authors else None
        elif self.config.pages and fnmatch.fnmatch(page.file.src_uri, self.config.pages) and "date" in meta:
            if meta.get("draft") is True:
                return None
            created = meta["date"]["created"] if isinstance(meta["date"], dict) else meta["date"]
            tags = list(meta.get("tags") or [])
            author = _first(meta, "author")
        else:
            return None
        source = relative_path(os.path.abspath(page.file.abs_src_path or page.file.src_uri), os.getcwd())
        description = _first(meta, "description")
        post = Post(
            id=str(meta.get("id") or page.file.src_uri.rsplit(".", 1)[0]),
            url=page.canonical_url or page.abs_url or page.url,
            title=page.title or page.file.name,
            date=to_utc(created, file=source, line=None),
            # The page as MkDocs rendered it (its own Markdown extensions applied), else its source.
            description=description
            or (excerpt_from_html(page.content) if page.content else excerpt_from_markdown(page.markdown or "")),
            tags=tuple(str(tag) for tag in tags),
            author=author,
            image=_first(meta, "image", "cover"),
            image_alt=_first(meta, "image_alt"),
            meta=meta,
            source_file=source,
        )
        return post_to_json(post, meta.get("postion"))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        # `serve` rewrites site_url to the dev server and builds into a temporary folder;
        # builds started from Python never call on_startup. Neither may ever publish.
        preview = self.command not in ("build", "gh-deploy") or is_preview_site_url(config.site_url)
        report = finish_build(
            self.collected,
            output_dir=Path(config.site_dir),
            generator="mkdocs",
            site_url=config.site_url,
            preview=preview,
            config_path=Path(self.config.config),
            content_dir=Path(config.docs_dir),
        )
        for line in report.lines:
            log.info(line)
        for warning in report.warnings:
            log.info(warning)  # a warning would fail `mkdocs build --strict` for everyone
        if self.config.strict and report.warnings:
            raise PluginError("postion: the plan has warnings (strict: true):\n" + "\n".join(report.warnings))
