"""`.postion/backfeed.json`: what `postion backfeed` brought home for each live copy (counts of
replies, reposts and likes, the first replies, when it was read), committed so that the site's
next build shows it. Read as untrusted (a pull request may change it): an entry of the wrong shape
is left out, texts and counts are bounded, and the build hooks escape everything."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from postion_publish.core.errors import BadInput
from postion_publish.core.reactions import MAX_REPLIES, MAX_TEXT
from postion_publish.store.jsonfile import read_json_object, write_json_atomic
from postion_publish.store.state import STATE_DIR

FILE = "backfeed.json"
VERSION = 1
Copies = dict[str, dict[str, dict[str, Any]]]  # post URL → platform → what was read


def backfeed_path(root: Path) -> Path:
    return root / STATE_DIR / FILE


def load_backfeed(root: Path) -> Copies:
    """What was read before; nothing when there is no file yet. A damaged file is a BadInput."""
    path = backfeed_path(root)
    if not path.exists():
        return {}
    data = read_json_object(path, what="backfeed file")
    if data.get("version") != VERSION or not isinstance(data.get("posts"), dict):
        raise BadInput(
            f"not a backfeed file of version {VERSION}: delete it, and `postion backfeed` writes it anew", file=path
        )
    found: Copies = {}
    for url, platforms in data["posts"].items():
        if isinstance(url, str) and isinstance(platforms, dict):
            kept = {name: entry for name, raw in platforms.items() if (entry := _entry(raw)) is not None}
            if kept:
                found[url] = kept
    return found


def save_backfeed(root: Path, copies: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
    write_json_atomic(backfeed_path(root), {"version": VERSION, "posts": dict(sorted(copies.items()))})


def _entry(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("url"), str) or not isinstance(raw.get("fetched"), str):
        return None
    counts = {key: raw.get(key) for key in ("replies", "reposts", "likes")}
    if not all(isinstance(value, int) and not isinstance(value, bool) and value >= 0 for value in counts.values()):
        return None
    given = raw.get("items")
    listed: list[Any] = given[:MAX_REPLIES] if isinstance(given, list) else []
    keys = ("author", "text", "url", "time")
    items = [
        {key: str(item[key])[:MAX_TEXT] for key in keys}
        for item in listed
        if isinstance(item, dict) and all(isinstance(item.get(key), str) for key in keys)
    ]
    return {"url": raw["url"], **counts, "items": items, "fetched": raw["fetched"]}
