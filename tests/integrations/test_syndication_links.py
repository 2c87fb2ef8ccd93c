"""Issue 32, item 1: after a post is announced, the next build shows on its page one link per
live copy, marked `class="u-syndication"` and `rel="syndication"`: on Material's blog (MkDocs) and
Pelican's default theme, built by the real generators, published to the sandbox, rebuilt, and
read back from headless Chromium's DOM. A post not announced holds none; Discord (a private
channel) is left out unless `syndication: true`. Any other generator gets a data file:
`postion export syndication`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from browser_support import rendered_dom
from cli_runner import CliRunner
from conftest import REPO, sandbox_config, sandbox_env
from postion_publish.cli import main
from postion_publish.core import registry
from postion_publish.sandbox import Sandbox

pytestmark = pytest.mark.slow  # real generators and a browser
BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
NOW = "2026-11-30T12:00:00Z"
ORDER = registry.names()


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and "u-syndication" in (found.get("class") or "").split():
            self.found.append(found)


def syndication_links(page: Path) -> list[dict[str, str | None]]:
    """The page's copies' links, as Chromium renders it (its DOM after load)."""
    parser = Links()
    parser.feed(rendered_dom(page))
    return parser.found


def pointed(config: Path, sandbox: Sandbox, source: str, site_url: str, **extra: object) -> None:
    platforms = yaml.safe_load(sandbox_config(sandbox))["platforms"]
    platforms["discord"].update(extra)
    data = {"site_url": site_url, "source": {"type": source}, "platforms": platforms}
    config.write_text(yaml.safe_dump(data), encoding="utf-8")


def postion(folder: Path, sandbox: Sandbox, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "-c", str(folder / "postion.yml")], env=sandbox_env(sandbox, folder))
    assert result.exit_code == 0, result.output
    return result.output


def build(command: list[str], folder: Path) -> None:
    done = subprocess.run(command, cwd=folder, env=BUILD_ENV, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def announce_and_rebuild(folder: Path, sandbox: Sandbox, build_command: list[str]) -> dict[str, Any]:
    """Build, publish what is new to the sandbox, build again: the state it left."""
    build(build_command, folder)
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    postion(folder, sandbox, "publish", "--now", NOW)
    build(build_command, folder)
    state: dict[str, Any] = json.loads((folder / ".postion" / "state.json").read_text(encoding="utf-8"))
    return state


def test_material_blog_shows_each_live_copy_on_the_announced_posts_page(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = tmp_path / "blog"
    shutil.copytree(REPO / "examples" / "mkdocs-blog", folder, ignore=shutil.ignore_patterns("site", ".postion"))
    pointed(folder / "postion.yml", sandbox, "mkdocs", "https://blog.example.com")
    state = announce_and_rebuild(folder, sandbox, [sys.executable, "-m", "mkdocs", "build", "-q"])
    announced = [entry for entry in state["posts"].values() if entry["platforms"]]
    assert announced
    for entry in announced:
        page = folder / "site" / entry["url"].removeprefix("https://blog.example.com/") / "index.html"
        links = syndication_links(page)
        live = {name: record["url"] for name, record in entry["platforms"].items() if name != "discord"}
        assert {link["href"] for link in links} == set(live.values())  # one per public copy
        assert all(link["rel"] == "syndication" for link in links)
    not_yet = folder / "site" / "blog" / "2099" / "01" / "01" / "not-yet" / "index.html"
    assert not not_yet.exists() or syndication_links(not_yet) == []


def test_pelicans_default_theme_shows_them_and_discord_when_it_is_public(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = tmp_path / "blog"
    ignore = shutil.ignore_patterns("output", ".postion", "__pycache__")
    shutil.copytree(REPO / "examples" / "pelican-blog", folder, ignore=ignore)
    pointed(folder / "postion.yml", sandbox, "pelican", "https://pelican.example.com", syndication=True)
    kept = "Title: Kept to myself\nDate: 2026-03-06\nSlug: kept-to-myself\nPostion: {skip: true}\n\nNot announced."
    (folder / "content" / "kept.md").write_text(kept, encoding="utf-8")
    pelican = [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", "publishconf.py", "-q"]
    state = announce_and_rebuild(folder, sandbox, pelican)
    announced = {entry["url"]: entry["platforms"] for entry in state["posts"].values() if entry["platforms"]}
    assert len(announced) == 2
    for url, records in announced.items():
        links = syndication_links(folder / "output" / url.removeprefix("https://pelican.example.com/"))
        assert {link["href"] for link in links} == {record["url"] for record in records.values()}
    # Public here (`syndication: true`), Discord is shown where the article went there.
    second = folder / "output" / "second-article-more.html"
    assert ">Discord</a>" in second.read_text(encoding="utf-8")
    kept = folder / "output" / "kept-to-myself.html"  # skipped everywhere: never announced
    assert kept.exists() and syndication_links(kept) == []

    exported = postion(folder, sandbox, "export", "syndication", "--format", "hugo")
    url = "https://pelican.example.com/second-article-more.html"
    expected = [record["url"] for name, record in sorted(announced[url].items(), key=lambda item: ORDER.index(item[0]))]
    assert [copy["url"] for copy in json.loads(exported)["/second-article-more.html"]] == expected
