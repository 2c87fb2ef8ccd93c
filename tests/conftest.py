from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from postion_publish.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_BLOG = REPO / "examples" / "blog"
NOW = "2026-11-29T12:00:00+00:00"

MINIMAL_CONFIG = """\
site_url: https://blog.example.com
source:
  type: content
  path: posts
template: |
  New post: {{ title }}
  {{ excerpt }}
  {{ url }}
platforms:
  x: {}
  bluesky: {handle: me.example.com}
"""


def write_post(folder: Path, name: str, front: str, body: str = "Some text.") -> Path:
    path = folder / "posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{textwrap.dedent(front).strip()}\n---\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    """A small blog: a config and one published post, not yet baselined."""
    (tmp_path / "postion.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    write_post(tmp_path, "hello.md", "title: Hello\ndate: 2026-03-01")
    return tmp_path


@pytest.fixture
def example_blog(tmp_path: Path) -> Path:
    target = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, target)
    return target


@pytest.fixture
def run() -> Callable[..., Result]:
    def invoke(folder: Path, *args: str) -> Result:
        return CliRunner().invoke(main, [*args, "--config", str(folder / "postion.yml"), "--now", NOW])

    return invoke
