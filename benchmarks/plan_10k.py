"""How long `postion plan` takes on a blog of 10,000 posts. Prints figures; asserts nothing.

Target (issue 2): under 2 s for 10,000 posts. Two cases, each the median of three runs of the
whole command (interpreter start included):
- typical: 10,000 posts of which 9,900 are already announced (100 new, 6 platforms each);
- busy: 1,000 new posts at once (6,000 fitted captions), to show the cost per caption.
Run: python benchmarks/plan_10k.py [--posts N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = """\
site_url: https://blog.example.com
source: {type: content, path: posts}
platforms:
  x: {}
  bluesky: {handle: bench.example.com, thread: true}
  mastodon: {instance: https://mastodon.example}
  linkedin: {author: "urn:li:person:1"}
  discord: {}
  threads: {}
"""
BODY = (
    "A first paragraph that **says** what the post is about, with a [link](https://example.com) and "
    "some `code`, long enough to be shortened on X: " + "words " * 40 + "\n\n"
    "A second paragraph.\n\n## A heading\n\nMore text, lists and so on.\n"
)


def make_blog(folder: Path, count: int, announced: int) -> None:
    posts = folder / "posts"
    posts.mkdir(parents=True)
    start = dt.date(2020, 1, 1)
    state_posts = {}
    for index in range(count):
        day = start + dt.timedelta(days=index % 2000)
        name = f"{day.isoformat()}-post-{index}"
        tags = f"[bench, topic{index % 7}]"
        (posts / f"{name}.md").write_text(
            f"---\ntitle: Post number {index} 🚀 日本語\ndate: {day.isoformat()}\ntags: {tags}\n---\n{BODY}",
            encoding="utf-8",
        )
        if index < announced:
            url = f"https://blog.example.com/post-{index}/"
            state_posts[name] = {"url": url, "baseline": "2026-01-01T00:00:00Z", "platforms": {}}
    (folder / "postion.yml").write_text(CONFIG, encoding="utf-8")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text(json.dumps({"version": 1, "posts": state_posts}), encoding="utf-8")


def time_plan(folder: Path) -> tuple[float, int]:
    """Median wall time of three runs, and the number of jobs planned."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "postion_publish", "plan", "--json", "-c", str(folder / "postion.yml")],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(json.loads(result.stdout)["jobs"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    count = parser.parse_args().posts
    with tempfile.TemporaryDirectory() as temporary:
        for label, new in (("typical", 100), ("busy", 1000)):
            folder = Path(temporary) / label
            make_blog(folder, count, count - new)
            seconds, jobs = time_plan(folder)
            print(
                f"{label:8} {count} posts, {new} new: {jobs} jobs in {seconds:.2f} s "
                f"(whole command, median of 3; target for typical: < 2 s)"
            )


if __name__ == "__main__":
    main()
