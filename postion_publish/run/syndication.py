"""Where each post went, for the site itself: the live copies the state records, shown on the
post's page as IndieWeb does it (`class="u-syndication"`, `rel="syndication"`: readers find
the conversation, Bridgy's backfeed finds the copies), or exported as a data file for any
generator. Only platforms whose links anyone can open are shown (a Discord channel may be private;
`syndication:` in postion.yml decides). Everything is escaped; only http(s) links are written."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from postion_publish.core import registry
from postion_publish.core.config import Settings, load_settings
from postion_publish.core.errors import BadInput, PostionError
from postion_publish.core.inert import html_link, is_web_link
from postion_publish.core.reactions import counted
from postion_publish.store.state import PlatformStatus, State, load_state, state_path

FORMATS = ("json", "hugo", "jekyll", "eleventy")


@dataclass(frozen=True)
class Copy:
    platform: str
    name: str  # as readers know it: "Bluesky"
    url: str

    def to_json(self) -> dict[str, str]:
        return {"platform": self.platform, "name": self.name, "url": self.url}


Copies = Mapping[str, Sequence[Copy]]  # a post's URL → its live copies


def shown_platforms(settings: Settings) -> list[str]:
    """The platforms whose copies the site shows, in the order readers always see them."""
    found = []
    for name in registry.names():
        platform = settings.platforms.get(name)
        if platform is None:
            continue
        public = registry.spec(name).public_links if platform.syndication is None else platform.syndication
        if public:
            found.append(name)
    return found


def copies_of(state: State, settings: Settings) -> dict[str, tuple[Copy, ...]]:
    shown = shown_platforms(settings)
    found: dict[str, tuple[Copy, ...]] = {}
    for entry in state.posts.values():
        records = entry.get("platforms") or {}
        links = []
        for name in shown:
            record = records.get(name) or {}
            url = record.get("url")
            if record.get("status") == PlatformStatus.ANNOUNCED and isinstance(url, str) and is_web_link(url):
                links.append(Copy(name, registry.display_name(name), url))
        if links and isinstance(entry.get("url"), str):
            found[entry["url"]] = tuple(links)
    return found


def load_copies(config_path: Path) -> dict[str, tuple[Copy, ...]]:
    """For the build hooks: the copies, or none at all when there is no config or state yet, or
    they cannot be read (the site's build never fails for this; `postion plan` says why)."""
    try:
        # Nothing announced yet (the state's bytes say it): no config to read, no state to parse.
        if b'"announced"' not in state_path(config_path.parent).read_bytes():
            return {}
        settings = load_settings(config_path)
        return copies_of(load_state(settings.root), settings)
    except (PostionError, OSError):
        return {}


def aside(copies: Sequence[Copy]) -> str:
    """The post's "Also on" line, for the end of its page."""
    links = ", ".join(
        html_link(html.escape(copy.name), copy.url, class_="u-syndication", rel="syndication") for copy in copies
    )
    return f'\n<aside class="postion-syndication"><p>Also on {links}.</p></aside>\n' if copies else ""


def load_reactions(config_path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """For the build hooks: what `postion backfeed` read, by post URL and platform; none when there
    is nothing, or it cannot be read (the site's build never fails for this)."""
    from postion_publish.store.backfeed import backfeed_path, load_backfeed

    root = config_path.parent
    if not backfeed_path(root).exists():
        return {}
    try:
        return load_backfeed(root)
    except (PostionError, OSError):
        return {}


def reactions_html(reactions: Mapping[str, Mapping[str, Any]]) -> str:
    """ "3 replies and 5 likes on Mastodon", and the first replies with their links. Every word of
    it came from a platform: escaped, and a link only where it is http(s)."""
    counts, replies = [], []
    for platform in sorted(reactions, key=_position):
        entry = reactions[platform]
        said = counted(entry["replies"], entry["reposts"], entry["likes"])
        name = html.escape(registry.display_name(platform) if registry.find(platform) else platform)
        if said:
            counts.append(f"{said} on {html_link(name, entry['url'])}")
        for item in entry.get("items", []):
            author = html_link(html.escape(item["author"]), item["url"])
            replies.append(f"<li>{author} ({name}): {html.escape(item['text'])}</li>")
    if not counts:
        return ""
    listing = f"<ul>{''.join(replies)}</ul>" if replies else ""
    return f'<section class="postion-backfeed"><p>{"; ".join(counts)}.</p>{listing}</section>\n'


def _position(platform: str) -> int:
    spec = registry.find(platform)
    return spec.position if spec is not None else 1000


def export(copies: Copies, format: str) -> str:
    """The copies as a data file: `json` keyed by each post's URL; `hugo` and `eleventy` (JSON) and
    `jekyll` (YAML) keyed by the post's path, as those generators name a page (`.RelPermalink`,
    `page.url`)."""
    if format not in FORMATS:
        raise BadInput(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")
    data: dict[str, Any] = {
        (url if format == "json" else urlsplit(url).path or "/"): [copy.to_json() for copy in links]
        for url, links in sorted(copies.items())
    }
    if format == "jekyll":
        import yaml

        return yaml.safe_dump(data, allow_unicode=True, sort_keys=True)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
