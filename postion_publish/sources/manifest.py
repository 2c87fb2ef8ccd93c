"""The post manifest: what a build (MkDocs, Pelican) writes into its output folder, and what
`source.type: mkdocs | pelican` reads back. Every source ends in the same Post model.

A manifest from a development build (`mkdocs serve`, a Pelican build without a real SITEURL, a
loopback or non-https site URL) is marked as a *preview*: it can be planned, never published.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from postion_publish.core.dates import to_utc
from postion_publish.core.errors import BadInput
from postion_publish.store.jsonfile import read_json_object, write_json_atomic

MANIFEST_FILE = "postion-manifest.json"
VERSION = 1

if TYPE_CHECKING:  # a build hook with nothing new loads neither the config (nor PyYAML) nor the Post model
    from postion_publish.core.config import Settings
    from postion_publish.core.posts import Post


def is_preview_site_url(site_url: str | None) -> bool:
    """A site URL no reader can open: missing, relative, plain http, or a loopback address."""
    if not site_url:
        return True
    parts = urlsplit(site_url)
    if parts.scheme != "https" or not parts.hostname:
        return True
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


_PLAIN = frozenset((str, int, float, bool, type(None)))


def _json_safe(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values: tested first, a manifest holds every post's metadata
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def manifest_entry(
    *,
    id: str,
    url: str,
    title: str,
    date: dt.datetime,
    excerpt: str,
    tags: Iterable[str],
    author: str | None,
    image: str | None,
    image_alt: str | None,
    source_file: str | None,
    options: Any,
    meta: Mapping[str, Any],
) -> dict[str, Any]:
    """One post as the manifest holds it. `options`: its raw `postion:` block, kept as written so
    that readers validate it alike; `meta`: its front matter or metadata, for templates."""
    return {
        "id": id,
        "url": url,
        "title": title,
        "date": date.isoformat(),
        "excerpt": excerpt,
        "tags": list(tags),
        "author": author,
        "image": image,
        "image_alt": image_alt,
        "source_file": source_file,
        "postion": _json_safe(options),
        "meta": {str(key): _json_safe(value) for key, value in meta.items() if key != "postion"},
    }


def post_to_json(post: Post, options: Any = None) -> dict[str, Any]:
    return manifest_entry(
        id=post.id,
        url=post.url,
        title=post.title,
        date=post.date,
        excerpt=post.excerpt,
        tags=post.tags,
        author=post.author,
        image=post.image,
        image_alt=post.image_alt,
        source_file=post.source_file,
        options=options,
        meta=post.meta,
    )


def write_manifest(
    output_dir: Path,
    entries: list[dict[str, Any]],
    *,
    generator: str,
    site_url: str | None,
    preview: bool,
    content_root: str | None = None,
) -> Path:
    """`entries`: from `manifest_entry`. `content_root`: the build's source folder (MkDocs
    docs_dir, Pelican PATH), absolute: posts' images are looked for there and never outside it or
    the output folder."""
    path = output_dir / MANIFEST_FILE
    write_json_atomic(
        path,
        {
            "version": VERSION,
            "generator": generator,
            "site_url": site_url,
            "preview": preview,
            "content_dir": content_root,
            "posts": entries,
        },
        durable=False,  # a build output like the pages beside it: the next build writes it again
    )
    return path


def manifest_path(settings: Settings) -> Path:
    return settings.source.path / MANIFEST_FILE


def read_manifest(settings: Settings, *, allow_preview: bool = True) -> list[Post]:
    path = manifest_path(settings)
    if not path.exists():
        build = {"mkdocs": "mkdocs build", "pelican": "pelican"}.get(settings.source.type, "the build")
        raise BadInput(f"no post manifest: run `{build}` with the postion plugin first", file=path)
    data = read_json_object(path, what="post manifest")
    if data.get("version") != VERSION or not isinstance(data.get("posts"), list):
        raise BadInput(f"not a postion post manifest of version {VERSION}", file=path, key="version")
    preview = ""
    if data.get("preview"):
        url = data.get("site_url")
        preview = (
            f"a preview build ({data.get('generator')}, "
            + (f"site URL {url}" if url else "no site URL: a development build")
            + "): rebuild with the published site URL before publishing"
        )
    if preview and not allow_preview:
        raise BadInput(f"this manifest comes from {preview}", file=path)
    built_for = data.get("site_url")
    if not preview and isinstance(built_for, str) and built_for.rstrip("/") != settings.site_url:
        preview = (
            f"a build for {built_for.rstrip('/')} ({data.get('generator')}), while site_url in "
            f"{settings.file.name} is {settings.site_url}: make them the same, or links will point elsewhere"
        )
    content_dir = data.get("content_dir")
    content_root = content_dir if isinstance(content_dir, str) and content_dir else None
    posts = posts_from_entries(data["posts"], path, content_root)
    if preview:  # `plan` and `--dry-run` read it, and say what `publish` will refuse
        return [replace(post, warnings=(*post.warnings, f"from {preview}")) for post in posts]
    return posts


def posts_from_entries(entries: Iterable[Any], path: Path, content_root: str | None) -> list[Post]:
    """The manifest's entries as Posts, each checked (`postion:` blocks included). `path`: the
    manifest, for messages."""
    from postion_publish.core.posts import Post, parse_options  # here: a build with nothing new makes none

    posts = []
    for index, entry in enumerate(entries):
        key = f"posts.{index}"
        if not isinstance(entry, dict) or not all(isinstance(entry.get(name), str) for name in ("id", "url", "title")):
            raise BadInput("each post needs id, url and title", file=path, key=key)
        label = str(entry.get("source_file") or path)
        posts.append(
            Post(
                id=entry["id"],
                url=entry["url"],
                title=entry["title"],
                date=to_utc(entry.get("date"), file=str(path), line=None, key=f"{key}.date"),
                description=str(entry.get("excerpt") or ""),
                tags=tuple(str(tag) for tag in entry.get("tags") or []),
                author=entry.get("author"),
                image=entry.get("image"),
                image_alt=entry.get("image_alt"),
                meta=dict(entry.get("meta") or {}),
                options=parse_options(entry.get("postion"), file=label, lines={}, block_line=None),
                source_file=entry.get("source_file"),
                content_root=content_root,
            )
        )
    return posts
