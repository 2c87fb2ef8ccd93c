"""What every build hook does at the end of a build: write the post manifest and say, in a few
lines, what the plan would announce. It never publishes and never needs the network."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postion_publish.core.errors import BadInput
from postion_publish.sources.manifest import posts_from_entries, write_manifest


def relative_path(path: str, start: str) -> str:
    """`os.path.relpath(path, start)` for normalised absolute paths, at the cost of a slice where
    `path` is inside `start` (relpath normalises both again, for each of a build's posts)."""
    prefix = start.rstrip(os.sep) + os.sep
    return path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, start)


@dataclass(frozen=True)
class BuildReport:
    manifest: Path
    lines: tuple[str, ...]  # for the build log, at info level (the host adds "postion:")
    warnings: tuple[str, ...]  # plan warnings and planning problems
    problem: bool = False  # the plan could not be made (bad config, bad template…)


def asks_for_status_page(config_path: Path) -> bool:
    """Whether the config has a `status_page` key, from its text: no YAML reader is loaded for it."""
    try:
        text = config_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^status_page\s*:", text, re.M) is not None


def finish_build(
    entries: list[dict[str, Any]],
    *,
    output_dir: Path,
    generator: str,
    site_url: str | None,
    preview: bool,
    config_path: Path,
    content_dir: Path | None = None,
) -> BuildReport:
    """`entries`: the posts as the manifest holds them (`manifest_entry`), raw `postion:` blocks
    included; a bad block is reported here and is an error for `postion plan`, never a failed site
    build. The summary is planned from the entries as `postion plan` reads them back."""
    content_root = str(content_dir.resolve()) if content_dir is not None else None
    manifest = write_manifest(
        output_dir, entries, generator=generator, site_url=site_url, preview=preview, content_root=content_root
    )
    head = f"{len(entries)} posts in {manifest}" + (" (a preview build: never published)" if preview else "")
    if not config_path.exists():
        return BuildReport(manifest, (head, f"no {config_path}; `postion init` writes one"), ())
    if asks_for_status_page(config_path):  # most builds read no config at all (see _plan_summary)
        from postion_publish.run.status_page import build_status_page

        if (page := build_status_page(config_path, output_dir, dt.datetime.now(dt.UTC))) is not None:
            head += f"; the status page: {page}"
    try:
        summary, warnings = _plan_summary(entries, manifest, content_root, config_path)
    except BadInput as error:
        return BuildReport(manifest, (head,), (f"cannot plan: {error}",), problem=True)
    return BuildReport(manifest, (head, summary), warnings)


def _plan_summary(
    entries: list[dict[str, Any]], manifest: Path, content_root: str | None, config_path: Path
) -> tuple[str, tuple[str, ...]]:
    from postion_publish.store.state import load_state, state_path

    # A bad `postion:` block is reported even when nothing is new, as `postion plan` reports it: the
    # entries with one are read as Posts for it (most have none).
    if with_options := [entry for entry in entries if entry["postion"] is not None]:
        posts_from_entries(with_options, manifest, content_root)
    root = config_path.parent  # Settings.root
    if not state_path(root).exists():
        return "no state file yet; run `postion init --baseline` before the first publish", ()
    state = load_state(root)
    pairs = [(entry["id"], entry["url"]) for entry in entries]
    unique = len({post_id for post_id, _ in pairs}) == len(pairs) == len({url for _, url in pairs})
    if unique and state.settles_all(pairs):  # else the plan says which two posts are one
        # The usual build: the state alone says it, and neither the config (nor PyYAML) nor the
        # planner is loaded. `postion plan` and `publish` still check the config on every run.
        return "nothing new to announce", ()
    posts = posts_from_entries(entries, manifest, content_root)
    from postion_publish.core.config import load_settings
    from postion_publish.core.plan import make_plan
    from postion_publish.run.report import warning_text
    from postion_publish.store.captions import load_captions

    settings, now = load_settings(config_path), dt.datetime.now(dt.UTC)
    if not make_plan(posts, state, settings, now).jobs:  # stored captions not even read
        return "nothing new to announce", ()
    plan = make_plan(posts, state, settings, now, load_captions(settings.root))
    new_posts = len({job.post.id for job in plan.jobs})
    platforms = sorted({job.platform for job in plan.jobs})
    summary = (
        f"{new_posts} new post{'s' if new_posts != 1 else ''} to announce on {', '.join(platforms)} "
        "— `postion plan` shows every message, `postion publish` posts them"
    )
    warnings = tuple(
        f"{job.post.title} on {job.platform}: {warning_text(w)}" for job in plan.jobs for w in job.warnings
    )
    return summary, warnings
