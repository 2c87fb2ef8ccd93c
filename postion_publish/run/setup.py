"""`postion init`: a starter configuration fitted to the folder (its generator and site address
read as text, never run), and the baseline that marks every published post as announced."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from postion_publish.core import registry
from postion_publish.core.config import load_settings
from postion_publish.core.errors import BadInput
from postion_publish.core.posts import check_unique
from postion_publish.sources import read_posts
from postion_publish.store.jsonfile import write_atomic
from postion_publish.store.ledger import Ledger, ledger_path, save_ledger
from postion_publish.store.state import State, load_state, save_state, state_path

STARTER_CONFIG = """\
# postion-publish: announce new posts on social platforms. Reference: README.md
site_url: {site_url:<27} # the address of your published site{site_note}
source:
  type: {source_type:<33} # content | site | mkdocs | pelican
  path: {source_path:<33} # {source_note}
template: |
  New post: {{{{ title }}}}
  {{{{ excerpt }}}}
  {{{{ url }}}}
platforms:                              # only listed platforms are used
{platforms}
quota: {{monthly_units: 300, billing_day: 1}}
"""


def generator_site_url(folder: Path) -> tuple[str, str] | None:
    """The site's address as its generator is told it (MkDocs' `site_url`, Pelican's `SITEURL`,
    the published one of publishconf.py first), read as text: a config file is never run."""
    mkdocs = r"^site_url:[ \t]*[\"']?(https?://[^\"'\s#]+)"
    pelican = r"^SITEURL[ \t]*=[ \t]*[\"'](https?://[^\"']+)[\"']"
    sources = (
        ("mkdocs.yml", mkdocs),
        ("mkdocs.yaml", mkdocs),
        ("publishconf.py", pelican),
        ("pelicanconf.py", pelican),
    )
    for name, pattern in sources:
        try:
            text = (folder / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if found := re.search(pattern, text, re.MULTILINE):
            return found.group(1).rstrip("/"), name
    return None


def detected_source(folder: Path) -> tuple[str, str, str]:
    """The source a starter config should name: the site generator found beside it, if any."""
    if (folder / "mkdocs.yml").exists() or (folder / "mkdocs.yaml").exists():
        return "mkdocs", "site", "the built site, with the postion plugin in mkdocs.yml (README: MkDocs)"
    if (folder / "pelicanconf.py").exists():
        return "pelican", "output", "the built site, with the postion plugin (README: Pelican)"
    return "content", "posts", "your Markdown posts (front matter: title, date, …)"


def starter_config(folder: Path) -> str:
    """The starter postion.yml for a blog in `folder`."""
    source_type, source_path, note = detected_source(folder)
    detected = generator_site_url(folder)
    site_url, site_note = (detected[0], f" (from {detected[1]})") if detected else ("https://blog.example.com", "")
    examples = "\n".join(
        f"  {name}: {spec.starter}" for name in registry.names() if (spec := registry.spec(name)).starter
    )
    return STARTER_CONFIG.format(
        platforms=examples,
        source_type=source_type,
        source_path=source_path,
        source_note=note,
        site_url=site_url,
        site_note=site_note,
    )


@dataclass(frozen=True)
class Baseline:
    added: int  # posts marked as announced
    left_new: int  # drafts and future-dated posts, still to be announced when they are published
    state_file: Path


def mark_baseline(
    config_path: Path, moment: dt.datetime, *, force: bool, on_post: Callable[[int], None] | None = None
) -> Baseline:
    """Mark every published post as announced (posting nothing). A second baseline refuses to
    swallow posts that are new since the first one, unless `force`."""
    settings = load_settings(config_path)
    posts = check_unique(read_posts(settings, on_post=on_post))
    # Drafts and future-dated posts are not published yet: they stay new, to be announced when they are.
    published = [post for post in posts if not post.draft and post.date <= moment]
    existing = state_path(settings.root).exists()
    state = load_state(settings.root) if existing else State()
    updated, added = state.with_baseline(published, moment)
    if existing and added and not force:
        # A second baseline would silently swallow posts that are new since the first one.
        by_url = state.url_index()
        new = [post for post in published if state.entry_id(post, by_url) is None]
        listing = "\n".join(f"  {post.url}" for post in new)
        raise BadInput(
            f"{state_path(settings.root)} exists already; these {len(new)} posts are new and would be marked as "
            f"announced without being posted:\n{listing}\nrun `postion init --baseline --force` if that is "
            "what you want, or `postion publish` to announce them"
        )
    save_state(settings.root, updated)
    if not ledger_path(settings.root).exists():
        save_ledger(settings.root, Ledger(), settings.quota, moment)
    ignore = settings.root / ".postion" / ".gitignore"
    if not os.path.lexists(ignore):  # write_atomic: never through a link planted there
        note = "# written by postion init: the run lock and temporary files are not history\n"
        write_atomic(ignore, note + "lock\n*.tmp\n")
    return Baseline(added, len(posts) - len(published), state_path(settings.root))
