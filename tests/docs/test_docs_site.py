"""The docs site (issue 31): `mkdocs build --strict` passes; the reference pages hold every key of
the configuration, every command, every input of the Action and every error kind (generated from
the code, so a new one cannot go undocumented); its blog is announced by the project's own
plugin and Action into the sandbox; its screenshots are made by headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import imagesize
import pytest
import yaml

from conftest import REPO

pytestmark = pytest.mark.slow  # a real MkDocs build, a browser, the Action's logic


def build(site: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stderr


def text_of(page: Path) -> str:
    return re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))


def test_the_site_builds_strictly_and_its_references_hold_everything(tmp_path: Path) -> None:
    from postion_publish.cli.parser import COMMANDS
    from postion_publish.core import config, registry
    from postion_publish.core.errors import ErrorKind

    log = build(tmp_path / "site")
    assert "postion: 1 posts in" in log  # the plugin ran on the docs' own blog
    cli = text_of(tmp_path / "site" / "reference" / "cli" / "index.html")
    assert all(f"postion {name}" in cli for name in COMMANDS)
    configuration = text_of(tmp_path / "site" / "reference" / "configuration" / "index.html")
    keys = [*config.TOP_KEYS, *config.SOURCE_KEYS, *config.AI_KEYS, *registry.COMMON_KEYS]
    keys += [key for name in registry.names() for key in registry.spec(name).keys]
    assert all(key in configuration for key in keys)
    assert all(f"platforms.{name}" in configuration for name in registry.names())
    action = text_of(tmp_path / "site" / "reference" / "action" / "index.html")
    inputs = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))["inputs"]
    assert all(name in action for name in inputs)
    troubleshooting = text_of(tmp_path / "site" / "troubleshooting" / "index.html")
    assert all(kind.value in troubleshooting for kind in ErrorKind)


def test_the_docs_blog_is_announced_by_the_projects_own_plugin_and_action() -> None:
    """`postion try-action push --build-command "mkdocs build"` on this repository: the Action's
    own logic builds the docs (the plugin writes the manifest) and announces the release notes
    on the platforms of the project's postion.yml, pointed at a sandbox."""
    if not (REPO / ".git").exists():
        pytest.skip("needs the repository's git checkout")
    done = subprocess.run(
        [sys.executable, "-m", "postion_publish", "try-action", "push", "--build-command", "mkdocs build -q"],
        cwd=REPO,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    printed = done.stdout.split("--- its summary")[0]
    announced = re.findall(r"^✓ (\w+)\s+postion-publish 0\.1\.0\s+(\S+)$", printed, re.M)
    assert sorted(platform for platform, _ in announced) == ["Bluesky", "Mastodon"]
    assert "It committed back:" in done.stdout


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium makes the screenshots")
def test_the_screenshots_are_made_by_headless_chromium(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "docs" / "screenshots.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for name, width in (("plan.png", 1100), ("pull-request.png", 940), ("sandbox.png", 1200)):
        picture = tmp_path / name
        assert imagesize.get(str(picture))[0] == width and picture.stat().st_size > 20_000, name
