"""Kill `postion publish` at random points, over and over, against the sandbox; then count.

Every (post, platform) of all six platforms must end up posted exactly once, or flagged `unknown`
in the state (a Discord send whose outcome a kill hid) — never twice. Prints the figures; exits 1
on a duplicate.
Run: python benchmarks/crash_test.py [--rounds N] [--kills K] [--seed S]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from postion_publish.core import registry as platforms
from postion_publish.run.demo import sandbox_environment
from postion_publish.sandbox import Sandbox

POSTS = {
    "alpha": "A short post.",
    "beta": "Another one, with a link to https://example.org/beta in it.",
    "gamma": " ".join(["A long post that becomes a thread on Bluesky, Mastodon, X and Threads."] * 12),
    "delta": "日本語 and emoji 🚀 in the last one.",
}


def make_blog(folder: Path, sandbox: Sandbox) -> Path:
    base = sandbox.base_url
    (folder / "posts").mkdir(parents=True)
    for index, (name, body) in enumerate(POSTS.items()):
        (folder / "posts" / f"{name}.md").write_text(
            f"---\ntitle: {name.title()}\ndate: 2026-03-0{index + 1}\n---\n{body}\n", encoding="utf-8"
        )
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    config = folder / "postion.yml"
    config.write_text(
        f"site_url: https://blog.example.com\nsource: {{type: content, path: posts}}\nplatforms:\n"
        f"  bluesky: {{handle: {sandbox.credentials.bluesky_handle}, service: {base}/bluesky, thread: true}}\n"
        f"  mastodon: {{instance: {base}/mastodon, thread: true, max_characters: 500}}\n"
        f"  discord: {{}}\n"
        f"  x: {{api_base: {base}/x, thread: true}}\n"
        f"  linkedin: {{author: '{sandbox.credentials.linkedin_author}', api_base: {base}/linkedin}}\n"
        f"  threads: {{api_base: {base}/threads, thread: true}}\n",
        encoding="utf-8",
    )
    return config


def environment(sandbox: Sandbox, folder: Path) -> dict[str, str]:
    return {**os.environ, **sandbox_environment(sandbox, folder)}


def posted_texts(sandbox: Sandbox) -> dict[str, collections.Counter[str]]:
    return {
        name: collections.Counter(platforms.spec(name).sandbox_module().texts(sandbox.store))
        for name in platforms.in_sandbox()
    }


def one_round(rng: random.Random, kills: int) -> tuple[int, int, int, collections.Counter[str], int]:
    """A fresh blog and sandbox; `kills` runs killed at random moments, then a clean run.
    Returns (killed mid-run, jobs, posted exactly once, flagged unknown by platform, duplicates or lost)."""
    sandbox = Sandbox(latency=0.03)
    sandbox.start(0)
    killed = 0
    try:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            config = make_blog(folder, sandbox)
            env = environment(sandbox, folder)
            plan_command = [sys.executable, "-m", "postion_publish", "plan", "--json", "-c", str(config)]
            plan = json.loads(subprocess.run(plan_command, capture_output=True, text=True, env=env, check=True).stdout)
            command = [sys.executable, "-m", "postion_publish", "publish", "--json", "-c", str(config)]
            for _ in range(kills):
                process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(rng.uniform(0.25, 2.5))  # six platforms: kills land from start-up to the last thread part
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)  # the lock it leaves is taken over: its pid is dead
                    killed += 1
                process.wait()
            subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            state = json.loads((folder / ".postion" / "state.json").read_text(encoding="utf-8"))
            # The history survives the kills too: still valid JSON, one entry per finished attempt
            # ("unknown": a send a kill cut after it left, which the platform cannot be asked about).
            ledger = json.loads((folder / ".postion" / "ledger.json").read_text(encoding="utf-8"))
            assert all(attempt["status"] in ("published", "failed", "unknown") for attempt in ledger["attempts"])
    finally:
        sandbox.stop()
    texts = posted_texts(sandbox)
    bad = sum(count - 1 for counter in texts.values() for count in counter.values() if count > 1)
    once, unknown = 0, collections.Counter[str]()
    for job in plan["jobs"]:
        record = state["posts"].get(job["post_id"], {}).get("platforms", {}).get(job["platform"], {})
        on_platform = [texts[job["platform"]][m["text"]] for m in job["messages"]]
        if record.get("status") == "announced" and all(count == 1 for count in on_platform):
            once += 1
        elif record.get("status") == "unknown" and all(count <= 1 for count in on_platform):
            unknown[job["platform"]] += 1
        else:
            bad += 1
    return killed, len(plan["jobs"]), once, unknown, bad


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40, help="fresh blogs, each published under random kills")
    parser.add_argument("--kills", type=int, default=2, help="runs killed at a random moment in each round")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    totals, unknowns = collections.Counter[str](), collections.Counter[str]()
    for _ in range(args.rounds):
        killed, jobs, once, unknown, bad = one_round(rng, args.kills)
        totals.update(killed=killed, jobs=jobs, once=once, bad=bad)
        unknowns.update(unknown)
    print(f"rounds: {args.rounds}; publish runs killed mid-run: {totals['killed']} of {args.rounds * args.kills}")
    print(
        f"jobs: {totals['jobs']}; posted exactly once: {totals['once']}; flagged unknown: {unknowns.total()}; "
        f"posted twice or lost: {totals['bad']}"
    )
    if unknowns:
        print(
            "flagged unknown by platform: " + ", ".join(f"{name} {count}" for name, count in sorted(unknowns.items()))
        )
    return 1 if totals["bad"] else 0


if __name__ == "__main__":
    sys.exit(main())
