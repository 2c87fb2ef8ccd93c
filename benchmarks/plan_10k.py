"""How long `postion plan` takes, and how much memory, on small and large blogs. Prints figures;
asserts nothing. Each case is the median of three runs of the whole command (interpreter start
included; compiled modules, with the core dependencies only, as installed: see core_python.py), its
peak memory the largest of the three:
- small: 3 posts, all new, 6 platforms (issue 12's target: ≤ 0.2 s);
- typical: 10,000 posts, 100 new, 6 platforms (≤ 1 s);
- busy: 10,000 posts, all new, on 2 platforms (≤ 2 s and ≤ 150 MB).
With --baseline DIR (another checkout's folder, e.g. a `git worktree` of an older commit) the same
cases run with that code too, interleaved, and the ratios are printed: the machines are noisy.
Run: python benchmarks/plan_10k.py [--posts N] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from core_python import core_python, installed_environment

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
TWO_PLATFORMS = """\
site_url: https://blog.example.com
source: {type: content, path: posts}
platforms:
  bluesky: {handle: bench.example.com}
  mastodon: {instance: https://mastodon.example}
"""
BODY = (
    "A first paragraph that **says** what the post is about, with a [link](https://example.com) and "
    "some `code`, long enough to be shortened on X: " + "words " * 40 + "\n\n"
    "A second paragraph.\n\n## A heading\n\nMore text, lists and so on.\n"
)


def make_blog(folder: Path, count: int, announced: int, config: str = CONFIG) -> None:
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
    (folder / "postion.yml").write_text(config, encoding="utf-8")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text(json.dumps({"version": 1, "posts": state_posts}), encoding="utf-8")


def time_plan(python: str, folder: Path, source: Path | None) -> tuple[float, float, int]:
    """Median wall time of three runs, the peak memory (MB) and the number of jobs planned.
    `source`: run that checkout's code instead of this one."""
    env = installed_environment()
    if source is not None:
        env["PYTHONPATH"] = str(source)
    times, peaks = [], []
    for _ in range(3):
        command = [python, "-m", "postion_publish", "plan", "--json", "-c", str(folder / "postion.yml")]
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            started = time.perf_counter()
            # From the blog's folder: `-m` puts the working folder first on the path, before PYTHONPATH.
            child = subprocess.Popen(command, env=env, stdout=out, stderr=err, cwd=folder)
            _, status, usage = os.wait4(child.pid, 0)  # its own peak memory, not the largest child's
            times.append(time.perf_counter() - started)
            child.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            if child.returncode:
                raise SystemExit(err.read())
            jobs = len(json.loads(out.read())["jobs"])
        peaks.append(usage.ru_maxrss / 1024)  # Linux: kilobytes
    return statistics.median(times), max(peaks), jobs


CASES = (  # name, posts, new, config, targets
    ("small", 3, 3, CONFIG, "≤ 0.2 s"),
    ("typical", None, 100, CONFIG, "≤ 1 s"),
    ("busy", None, None, TWO_PLATFORMS, "≤ 2 s, ≤ 150 MB"),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--baseline", type=Path, help="another checkout to run side by side")
    args = parser.parse_args()
    python = core_python()
    old_python = core_python(repo=args.baseline) if args.baseline is not None else python
    with tempfile.TemporaryDirectory() as temporary:
        for name, posts, new, config, target in CASES:
            count = posts or args.posts
            fresh = count if new is None else new
            folder = Path(temporary) / name
            make_blog(folder, count, count - fresh, config)
            seconds, peak, jobs = time_plan(python, folder, None)
            line = f"{name:8} {count:>6} posts, {fresh:>6} new: {jobs:>6} jobs in {seconds:5.2f} s, {peak:4.0f} MB"
            if args.baseline is not None:
                old_seconds, old_peak, _ = time_plan(old_python, folder, args.baseline)
                line += f"  | baseline {old_seconds:5.2f} s, {old_peak:4.0f} MB: {seconds / old_seconds:.2f}× the time"
            print(f"{line}  (target {target})")


if __name__ == "__main__":
    main()
