"""What the MkDocs plugin costs: a 1,000-post Material blog built with and without it.

Target (issue 4): the plugin adds under 5% to `mkdocs build`. Prints both times (median of three
builds each) and the difference; asserts nothing.
Run: python benchmarks/mkdocs_plugin_overhead.py [--posts N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MKDOCS = """\
site_name: Benchmark blog
site_url: https://blog.example.com/
theme: {{name: material}}
plugins:
  - blog
{plugin}"""
POSTION = """\
site_url: https://blog.example.com
source: {type: mkdocs, path: site}
platforms:
  bluesky: {handle: me.example.com}
  mastodon: {instance: https://mastodon.example}
"""


def make_blog(folder: Path, posts: int, with_plugin: bool) -> None:
    drafts = folder / "docs" / "blog" / "posts"
    drafts.mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Home\n")
    (folder / "docs" / "blog" / "index.md").write_text("# Blog\n")
    start = dt.date(2020, 1, 1)
    for index in range(posts):
        day = start + dt.timedelta(days=index)
        (drafts / f"post-{index}.md").write_text(
            f"---\ndate: {day.isoformat()}\ncategories: [Topic {index % 5}]\n---\n\n# Post {index}\n\n"
            f"The excerpt of post {index}, a sentence or two long.\n\n<!-- more -->\n\n"
            + "More text in the body of the post. " * 30
            + "\n"
        )
    plugin = "  - postion: {config: postion.yml}\n" if with_plugin else ""
    (folder / "mkdocs.yml").write_text(MKDOCS.format(plugin=plugin))
    (folder / "postion.yml").write_text(POSTION)
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')


def build_time(folder: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=folder, env=env, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1000)
    posts = parser.parse_args().posts
    with tempfile.TemporaryDirectory() as temporary:
        without, with_plugin = Path(temporary) / "without", Path(temporary) / "with"
        make_blog(without, posts, with_plugin=False)
        make_blog(with_plugin, posts, with_plugin=True)
        plain, hooked = build_time(without), build_time(with_plugin)
    print(f"mkdocs build, {posts} posts, without the plugin: {plain:.2f} s (median of 3)")
    print(f"mkdocs build, {posts} posts, with the plugin:    {hooked:.2f} s (median of 3)")
    print(f"overhead: {hooked - plain:+.2f} s ({(hooked - plain) / plain:+.1%}; target: under 5%)")


if __name__ == "__main__":
    main()
