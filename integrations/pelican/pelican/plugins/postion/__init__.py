"""Pelican plugin: collect published articles into a manifest at `finalized`, log the plan.

    PLUGINS = ["postion"]                 # pelican-postion: the pelican.plugins.postion namespace
    POSTION_CONFIG = "postion.yml"        # nothing happens without it
    POSTION_SYNDICATION = True            # "Also on …" at the end of each announced article

Each announced article also gets `article.syndication`, a list of {platform, name, url}, for a
theme of its own (`templates/syndication.html` beside this file is a snippet to include).

Facts (Pelican docs "Plugins", pelican/plugins/_utils.py): Pelican loads a plugin by its module path.
postion-publish ships no `pelican.plugins.postion` namespace shim: installed without Pelican, it made
`import pelican` succeed as an empty namespace package, which fools other tools. Articles are
collected at `article_generator_finalized` (published ones: drafts and hidden articles live
elsewhere) and written at `finalized`; state is reset at `initialized`, since `--autoreload` runs
everything again on each save. An empty or relative SITEURL (the quickstart's
pelicanconf.py) means a development build: its manifest is a preview, never published. Receivers are
module-level functions: Pelican holds them by weak reference."""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path
from typing import Any

from pelican import signals

from postion_publish.core.dates import to_utc
from postion_publish.core.excerpt import one_line_excerpt, plain_text_of_html
from postion_publish.run.build import finish_build, relative_path
from postion_publish.sources.manifest import is_preview_site_url, manifest_entry

log = logging.getLogger(__name__)  # Pelican's handlers show it with its own messages

_articles: list[Any] = []


def _reset(pelican: Any) -> None:
    _articles.clear()


def _collect(generator: Any) -> None:
    published = [article for article in generator.articles if getattr(article, "status", "") == "published"]
    _articles.extend(published)
    settings = generator.settings
    if settings.get("POSTION_CONFIG"):
        _show_copies(published, settings)


def _show_copies(articles: list[Any], settings: Any) -> None:
    """Where each article went: `article.syndication`, and the "Also on" line at the end of its
    content (before the pages are written: this runs at article_generator_finalized)."""
    from postion_publish.run.syndication import aside, load_copies, load_reactions, reactions_html

    copies = load_copies(Path(settings["POSTION_CONFIG"]))
    reactions = load_reactions(Path(settings["POSTION_CONFIG"]))
    site_url = str(settings.get("SITEURL") or "").rstrip("/")
    for article in articles:
        url = f"{site_url}/{article.url.lstrip('/')}"
        found = copies.get(url, ())
        article.syndication = [copy.to_json() for copy in found]
        article.backfeed = reactions.get(url, {})
        if found and settings.get("POSTION_SYNDICATION", True) and getattr(article, "_content", None) is not None:
            article._content += aside(found) + reactions_html(reactions.get(url, {}))


def _options(raw: Any, source: str) -> Any:
    """Pelican metadata is flat text: `Postion: {skip: [linkedin], x: "…"}` is read as YAML."""
    if isinstance(raw, str):
        from postion_publish.core.yaml_positions import load_located
        from postion_publish.sources.content import MAX_FRONT_MATTER_NODES

        return load_located(raw, file=source, limit=MAX_FRONT_MATTER_NODES).data
    return raw


def _entry(article: Any, site_url: str, content_root: str, working_folder: str) -> dict[str, Any]:
    """The article as the manifest holds it (no Post in between: a third of the hook's time)."""
    metadata = article.metadata
    # A relative path, not relative_to: `pelican` may run from any folder, and the build must not
    # fail for it. abspath, not resolve: Pelican joins PATH and the file's name as they are, and
    # resolving (a few system calls a folder) made half the plugin's time in a 500-post build.
    full = os.path.abspath(article.source_path)
    source = relative_path(full, working_folder)
    # Strings, not a Path: making one for each post was a sixth of this function's time.
    relative = os.path.splitext(relative_path(full, content_root))[0]
    summary = metadata.get("description") or plain_text_of_html(str(getattr(article, "summary", "") or ""))
    image = metadata.get("og_image") or metadata.get("image")
    return manifest_entry(
        id=str(metadata.get("id") or relative.replace(os.sep, "/")),
        url=f"{site_url.rstrip('/')}/{article.url.lstrip('/')}",
        title=html.unescape(plain_text_of_html(article.title)),
        date=to_utc(article.date, file=source, line=None),
        excerpt=one_line_excerpt(summary),
        tags=[tag.name for tag in getattr(article, "tags", [])],
        author=str(article.author) if getattr(article, "author", None) else None,
        image=str(image) if image else None,
        image_alt=metadata.get("image_alt"),
        source_file=source,
        options=_options(metadata.get("postion"), source),
        meta=metadata | {"category": str(article.category)},
    )


def _finish(pelican: Any) -> None:
    settings = pelican.settings
    if not settings.get("POSTION_CONFIG"):
        return  # listed but not configured
    site_url = str(settings.get("SITEURL") or "")
    content_root = Path(settings.get("PATH", "content"))
    try:
        root, working_folder = os.path.abspath(content_root), os.getcwd()
        report = finish_build(
            [_entry(article, site_url, root, working_folder) for article in _articles],
            output_dir=Path(settings["OUTPUT_PATH"]),
            generator="pelican",
            site_url=site_url or None,
            preview=is_preview_site_url(site_url),
            config_path=Path(settings["POSTION_CONFIG"]),
            content_dir=content_root,
        )
    except Exception as error:  # a plugin never breaks the site's build for a reason of its own
        log.warning("postion: no post manifest was written (%s: %s)", error.__class__.__name__, error)
        return
    # Pelican shows warnings by default and info with -v; the summary belongs in a default build
    # (as MkDocs shows it), but not in a quiet one (-q: errors only).
    if log.getEffectiveLevel() > logging.INFO and logging.getLogger().isEnabledFor(logging.WARNING):
        log.setLevel(logging.INFO)
    for line in report.lines:
        log.info("postion: %s", line)
    for warning in report.warnings:
        log.warning("postion: %s", warning)


def register() -> None:
    signals.initialized.connect(_reset)
    signals.article_generator_finalized.connect(_collect)
    signals.finalized.connect(_finish)
