"""`source.type: content` — a folder of Markdown posts with front matter."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from frontmatter.default_handlers import YAMLHandler

from postion_publish.core.config import Settings
from postion_publish.core.dates import to_utc
from postion_publish.core.errors import BadInput
from postion_publish.core.posts import UNDATED, Post, parse_options
from postion_publish.core.urls import join_url, split_url
from postion_publish.core.yaml_positions import check_expansion, load_located

SUFFIXES = (".md", ".markdown")
MAX_FRONT_MATTER = 64 * 1024
MAX_FRONT_MATTER_NODES = 5_000  # values once every alias is expanded: far above any real post
_ID_KEY = re.compile(r"^id\s*:", re.MULTILINE)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_NOT_SLUG = re.compile(r"[\W_]+")
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_CHUNK = 256 * 1024
_HANDLER = YAMLHandler()
try:
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def slugify(text: str) -> str:
    """`Déjà vu` → `deja-vu`, `日本語の記事` → `日本語の記事`: accents dropped, other letters kept (as
    Hugo and Jekyll do), so that no title gives an empty slug."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_SLUG.sub("-", unicodedata.normalize("NFC", plain)).strip("-")


def markdown_files(folder: Path) -> list[tuple[str, bool]]:
    """Each Markdown file under `folder` (hidden folders and linked folders left out): its path
    relative to `folder`, POSIX style, and whether it is a symbolic link; sorted by path. With
    `scandir` the link test needs no system call of its own: on 10,000 posts that is 10,000 fewer."""
    found: list[tuple[str, bool]] = []
    pending = [("", os.fspath(folder))]
    while pending:
        prefix, directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.is_dir():
                        if not entry.name.startswith(".") and not entry.is_symlink():
                            pending.append((prefix + entry.name + "/", entry.path))
                    elif entry.name.endswith(SUFFIXES):
                        found.append((prefix + entry.name, entry.is_symlink()))
        except OSError:  # a folder that cannot be listed is left out, as os.walk does
            continue
    return sorted(found)


def read_content_folder(settings: Settings, settled: Callable[[str], bool] | None = None) -> Iterator[Post]:
    """Every Markdown post under `source.path`, in path order. Bad front matter is a BadInput.

    `settled(post_id)` may say that the state has nothing left to do for a post: such a file is
    not parsed when its id is its path (no `id:` in its front matter). On a blog of thousands of
    posts this is most of the work of a plan."""
    folder = settings.source.path
    if not folder.is_dir():
        raise BadInput(f"the posts folder {folder} does not exist", file=settings.file, key="source.path")
    repository = settings.root.resolve()
    base = os.fspath(folder)
    for relative, is_link in markdown_files(folder):
        location = os.path.join(base, relative)  # a Path only for the posts read in full
        if is_link and not Path(location).resolve().is_relative_to(repository):
            # A guest post may be a link to anything on the machine that builds the site.
            raise BadInput(
                f"this post is a link to a file outside the repository ({repository}); refused", file=location
            )
        text = _read(location)
        if settled is not None and settled(relative.rsplit(".", 1)[0]):
            if "\nid" not in text:  # no line starts with `id`: a quick no, without splitting the text
                continue
            front, _, _ = _split(text, location)
            if front is None or not _ID_KEY.search(front):
                continue
        yield read_post_file(Path(location), relative, settings, text)


def _read(path: Path | str) -> str:
    try:
        text = _read_bytes(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read this post ({error.__class__.__name__})", file=path) from None
    # Line ends as a text stream gives them (universal newlines): \r\n and \r become \n.
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _read_bytes(path: Path | str) -> bytes:
    """The file's bytes, read with `os.read`: a buffered stream's objects cost as much as the
    reading itself (40 ms more on 10,000 posts)."""
    descriptor = os.open(path, _READ_FLAGS)
    try:
        chunks = []
        while chunk := os.read(descriptor, _CHUNK):
            chunks.append(chunk)
    finally:
        os.close(descriptor)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _split(text: str, label: str = "post") -> tuple[str | None, str, int]:
    """(front matter, body, number of lines before the front matter's text)."""
    stripped = text.lstrip("\ufeff")
    if not _HANDLER.detect(stripped):
        return None, stripped, 0
    try:
        front, body = _HANDLER.split(stripped)
    except ValueError:  # an opening `---` and no closing one
        raise BadInput(
            "the front matter opens with --- but is never closed by a line of ---", file=label, line=1
        ) from None
    return front, body, stripped[: stripped.index(front)].count("\n")


def _check_front_matter(front: str, label: str, offset: int) -> None:
    """Front matter is small: a bounded size, and aliases that cannot expand into a bomb."""
    if len(front) > MAX_FRONT_MATTER:
        raise BadInput(
            f"the front matter is larger than {MAX_FRONT_MATTER // 1024} KB; keep long text in the post's body",
            file=label,
            line=offset + 1,
        )
    if "*" in front and "&" in front:  # an alias needs an anchor: only then can it expand
        check_expansion(front, file=label, line_offset=offset, limit=MAX_FRONT_MATTER_NODES)


def read_post_file(path: Path, relative: str, settings: Settings, text: str | None = None) -> Post:
    """One post; `relative` is its path inside the posts folder (its id unless front matter sets one)."""
    label = str(path)
    front, body, offset = _split(_read(path) if text is None else text, label)
    meta: dict[str, Any] = {}
    lines: dict[str, int] = {}
    if front is not None:
        _check_front_matter(front, label, offset)
        try:
            loaded = yaml.load(front, Loader=_Loader)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            loaded = load_located(front, file=label, line_offset=offset).data  # raises with the line
        if loaded is not None and not isinstance(loaded, dict):
            raise BadInput("the front matter must be a mapping of keys to values", file=label, line=offset + 1)
        meta = loaded or {}
        if meta.get("postion") is not None or not _valid_date(meta.get("date")):
            # Lines are only needed for errors and per-post templates: compute them then.
            located = load_located(front, file=label, line_offset=offset)
            lines = {".".join(key): position.key_line for key, position in located.positions.items()}
            lines.update({f"{'.'.join(key)}@value": position.value_line for key, position in located.positions.items()})
    return _build_post(path, relative, settings, meta, body, lines)


def _valid_date(value: Any) -> bool:
    return isinstance(value, dt.date) or value is None


def _build_post(
    path: Path, relative: str, settings: Settings, meta: Mapping[str, Any], body: str, lines: Mapping[str, int]
) -> Post:
    label = str(path)
    stem = path.stem
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        title = _first_heading(body) or stem
    raw_date = meta.get("date")
    if isinstance(raw_date, Mapping):  # Material for MkDocs: `date: {created: …, updated: …}`
        raw_date = raw_date.get("created")
    # No date: a draft needs none; a published post is left out of the plan with its reason
    # (see plan._left_out_because), and the rest of the blog goes on.
    date = UNDATED if raw_date is None else to_utc(raw_date, file=label, line=lines.get("date"))
    slug = str(meta.get("slug") or slugify(_DATE_PREFIX.sub("", stem)))
    url = _post_url(settings, meta.get("url"), slug, date, label, lines)
    warnings = _url_warnings(settings, url) if meta.get("url") else ()
    description = meta.get("description") or meta.get("summary")
    postion_block = meta.get("postion")
    option_lines = {
        key.removeprefix("postion."): line
        for key, line in lines.items()
        if key.startswith("postion.") and not key.endswith("@value")
    }
    options = parse_options(
        postion_block,
        file=label,
        lines=option_lines,
        block_line=lines.get("postion"),
        template_line=lines.get("postion.template@value"),
    )
    authors = meta.get("authors")
    author = meta.get("author") or (authors[0] if isinstance(authors, list) and authors else None)
    return Post(
        id=str(meta.get("id") or relative.rsplit(".", 1)[0]),
        url=url,
        title=title.strip(),
        date=date,
        description=str(description).strip() if description else None,
        body=body,
        draft=_is_draft(meta, label, lines),
        tags=_tags(meta.get("tags")),
        author=str(author) if author else None,
        image=options.image or _first_str(meta, "image", "cover", "og_image"),
        image_alt=options.alt or _first_str(meta, "image_alt", "alt"),
        meta=dict(meta),
        options=options,
        source_file=label,
        source_line=1,
        content_root=str(settings.source.path),
        warnings=warnings,
        undated=raw_date is None,
    )


_YES, _NO = frozenset(("true", "yes", "on", "1")), frozenset(("false", "no", "off", "0"))


def _is_draft(meta: Mapping[str, Any], label: str, lines: Mapping[str, int]) -> bool:
    """`draft: true` (a quoted "true" too), `status: draft`, or Jekyll's `published: false`. A
    `draft` that says neither yes nor no is a BadInput: a wrong guess would announce a draft, and
    an announcement cannot be taken back. (`published` may also be a date elsewhere: only false counts.)"""
    draft = meta.get("draft")
    if draft is not None and not isinstance(draft, bool):
        said = str(draft).strip().lower() if isinstance(draft, str | int) else None
        if said not in _YES and said not in _NO:
            shown = repr(draft) if len(repr(draft)) <= 40 else repr(draft)[:39] + "…"  # as check_fields shows
            raise BadInput(f"must be true or false, not {shown}", file=label, line=lines.get("draft"), key="draft")
        draft = said in _YES
    published = meta.get("published")
    unpublished = published is False or (isinstance(published, str) and published.strip().lower() in _NO)
    return draft is True or unpublished or str(meta.get("status", "")).lower() == "draft"


def _post_url(settings: Settings, raw: Any, slug: str, date: dt.datetime, label: str, lines: Mapping[str, int]) -> str:
    base = settings.site_url + "/"
    if isinstance(raw, str) and raw.strip():
        url = join_url(base, raw.strip().lstrip("/"))  # None: urllib cannot read it (`https://[::1`)
        parts = split_url(url) if url is not None else None
        if (
            url is None
            or parts is None
            or parts.scheme not in ("http", "https")
            or not parts.netloc
            or any(c in url for c in ' \t\r\n<>"`')
        ):
            raise BadInput(
                "a post's url must be a web address (http or https)", file=label, line=lines.get("url"), key="url"
            )
        return url
    try:
        path = settings.source.permalink.format(
            slug=slug, year=f"{date.year:04d}", month=f"{date.month:02d}", day=f"{date.day:02d}"
        )
    except (KeyError, IndexError, ValueError) as error:
        raise BadInput(
            f"permalink may use {{slug}}, {{year}}, {{month}}, {{day}}; not {error}",
            file=settings.file,
            key="source.permalink",
        ) from None
    return base + path.lstrip("/")  # a relative path: no need for urljoin's general case


def _url_warnings(settings: Settings, url: str) -> tuple[str, ...]:
    """A `url:` that leaves the site is allowed (a post syndicated from elsewhere) but said."""
    if urlsplit(url).netloc.lower() == urlsplit(settings.site_url).netloc.lower():
        return ()
    return (f"the post's url {url} is not on the site ({settings.site_url}): check it before merging",)


def _tags(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        return tuple(tag.strip() for tag in raw.split(",") if tag.strip())
    if isinstance(raw, list):
        return tuple(str(tag).strip() for tag in raw if str(tag).strip())
    return ()


def _first_str(meta: Mapping[str, Any], *keys: str) -> str | None:
    for key in keys:
        if isinstance(meta.get(key), str) and meta[key].strip():
            return str(meta[key]).strip()
    return None


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None
