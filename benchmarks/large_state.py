"""Does a run's cost grow with the blog? Publish 10 new posts with an empty state, then with
10,000 posts already announced in it (and their 10,000 attempts in the history), side by side in
one run (the machines are noisy), and print the ratio (issue 12's target: within 10 %).

With --baseline DIR (another checkout's folder, e.g. a `git worktree` of an older commit) that code
runs too, interleaved, and the ratios between the two are printed. Before each timed run, a run
that announces one post, as the blog's previous run (--cold: none, as if the files had been
written by another tool or the cache folder were lost: then every value is checked).
Also timed, in the large blog after its run: the floor of any run that keeps these two committed
JSON files, rewritten atomically (read both, write both through a temporary file, fsync and
rename), without anything else; and what parsing the state whole and encoding it again would add
(a run does neither since the state is kept as bytes: see `postion_publish.store.written_posts`).
Run: python benchmarks/large_state.py [--announced N] [--new N] [--runs N] [--baseline DIR] [--cold]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core_python import core_python, installed_environment

from postion_publish.run.demo import sandbox_environment
from postion_publish.sandbox import Sandbox


def write_new_posts(folder: Path, new: int, name: str = "new") -> None:
    for number in range(new):
        (folder / "posts" / f"{name}-{number}.md").write_text(
            f"---\ntitle: New post {number}\ndate: 2026-03-01\n---\nSomething new, number {number}.\n", encoding="utf-8"
        )


def make_blog(folder: Path, sandbox: Sandbox, announced: int) -> Path:
    (folder / "posts").mkdir(parents=True)
    posts = {
        f"old-{n}": {
            "url": f"https://blog.example.com/old-{n}/",
            "baseline": "2026-01-01T00:00:00Z",
            "platforms": {
                "discord": {
                    "status": "announced",
                    "id": str(n),
                    "url": f"https://x/{n}",
                    "time": "2026-01-02T00:00:00Z",
                }
            },
        }
        for n in range(announced)
    }
    history = [  # as the runs that announced them recorded it (every field, in the file's own form)
        {
            "id": f"{n:010x}",
            "time": "2026-01-02T00:00:00Z",
            "post": f"https://blog.example.com/old-{n}/",
            "post_id": f"old-{n}",
            "platform": "discord",
            "status": "published",
            "url": f"https://x/{n}",
            "error": None,
            "error_kind": None,
            "attempts": 1,
            "parts": 1,
        }
        for n in range(announced)
    ]
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text(json.dumps({"version": 1, "posts": posts}), encoding="utf-8")
    (folder / ".postion" / "ledger.json").write_text(json.dumps({"version": 1, "attempts": history}), encoding="utf-8")
    base = sandbox.base_url
    config = folder / "postion.yml"
    config.write_text(
        "site_url: https://blog.example.com\nsource: {type: content, path: posts}\nplatforms:\n"
        f"  discord: {{web_base: {base}/discord}}\n  mastodon: {{instance: {base}/mastodon, max_characters: 500}}\n",
        encoding="utf-8",
    )
    return config


FLOOR = r"""
import json, os, sys, time
import orjson
folder = sys.argv[1]
def rewrite(name, data):
    path = os.path.join(folder, name)
    with open(path + ".tmp", "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(path + ".tmp", path)
started = time.perf_counter()
with open(os.path.join(folder, "state.json"), "rb") as stream:
    state = stream.read()
with open(os.path.join(folder, "ledger.json"), "rb") as stream:
    ledger = stream.read()
read = time.perf_counter()
encoded = orjson.dumps(orjson.loads(state), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
parsed = time.perf_counter()
rewrite("state.json", encoded)
rewrite("ledger.json", ledger)
print(json.dumps({"io": read - started + time.perf_counter() - parsed, "parse": parsed - read}))
"""


def time_floor(python: str, folder: Path) -> tuple[float, float]:
    """The files' floor (see the module's docstring): (reading and writing, parsing and encoding the state)."""
    env = installed_environment()
    done = subprocess.run([python, "-c", FLOOR, str(folder / ".postion")], env=env, check=True, capture_output=True)
    figures = json.loads(done.stdout)
    return figures["io"], figures["parse"]


def one_run(
    python: str, announced: int, new: int, source: Path | None = None, *, cold: bool = False
) -> tuple[float, tuple[float, float] | None]:
    """`source`: run that checkout's code instead of this one. Unless `cold`, a run that announces
    one post comes first, untimed, as the blog's previous run (which left its files and its cache
    folder); `cold`: the files were written by another tool, or the cache folder was lost.
    Returns the run's time and, with announced posts, the files' floor measured after it."""
    sandbox = Sandbox()
    sandbox.start(0)
    try:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            config = make_blog(folder, sandbox, announced)
            env = installed_environment(**sandbox_environment(sandbox, folder))
            if source is not None:
                env["PYTHONPATH"] = str(source)  # the blog's folder is the working one: not this checkout
            command = [python, "-m", "postion_publish", "publish", "-c", str(config)]
            if not cold:
                write_new_posts(folder, 1, "previous")
                run_checked(command, env, folder)
            write_new_posts(folder, new)
            started = time.perf_counter()
            run_checked(command, env, folder)
            elapsed = time.perf_counter() - started
            return elapsed, (time_floor(python, folder) if announced else None)
    finally:
        sandbox.stop()


def run_checked(command: list[str], env: dict[str, str], folder: Path) -> None:
    done = subprocess.run(command, env=env, cwd=folder, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--announced", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout to run side by side")
    parser.add_argument("--cold", action="store_true", help="no run before: state and ledger written by another tool")
    args = parser.parse_args()
    python = core_python()  # as installed: the core dependencies only
    pythons = {None: python} | ({args.baseline: core_python(repo=args.baseline)} if args.baseline else {})
    sources = {"this checkout": None} | ({"baseline": args.baseline} if args.baseline else {})
    times: dict[tuple[str, int], list[float]] = {}
    floors: list[tuple[float, float]] = []
    for _ in range(args.runs):  # interleaved, so that all see the same machine
        for name, source in sources.items():
            for announced in (0, args.announced):
                elapsed, floor = one_run(pythons[source], announced, args.new, source, cold=args.cold)
                times.setdefault((name, announced), []).append(elapsed)
                if floor is not None and source is None:
                    floors.append(floor)
    after = "files written by another tool" if args.cold else "after a run that announced one post"
    print(f"publish {args.new} new posts to 2 platforms ({after}), median of {args.runs} runs each:")
    medians = {key: statistics.median(values) for key, values in times.items()}
    for name in sources:
        small, big = medians[(name, 0)], medians[(name, args.announced)]
        print(f"  {name}: empty state {small:.2f} s; {args.announced:,} announced posts in the state: {big:.2f} s")
        added = (big - small) * 1000
        print(f"    ratio large / empty: {big / small:.2f} (target ≤ 1.10); the large state adds {added:.0f} ms")
    small = medians[("this checkout", 0)]
    io, parse = (statistics.median(floor[part] for floor in floors) for part in (0, 1))
    print(
        f"  the floor: reading the large state and ledger and writing both back atomically, {io * 1000:.0f} ms "
        f"= {io / small:.0%} of the empty-state run; parsing and encoding the state whole would add "
        f"{parse * 1000:.0f} ms = {parse / small:.0%} more"
    )
    if args.baseline:
        for announced, label in ((0, "empty state"), (args.announced, "large state")):
            ratio = medians[("this checkout", announced)] / medians[("baseline", announced)]
            print(f"  {label}: this checkout takes {ratio:.2f}× the baseline's time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
