"""One post to every platform against a sandbox with 200 ms added to every request.

Platforms run concurrently, so the wall time of one post to all of them should be close to one
platform's time, not the sum of all. Prints both; asserts nothing.
Run: python benchmarks/publish_latency.py [--latency SECONDS]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from postion_publish.run.demo import sandbox_environment
from postion_publish.run.workspace import RunOptions, publish
from postion_publish.sandbox import Sandbox

PLATFORMS = ("bluesky", "mastodon", "discord")


def make_blog(folder: Path, sandbox: Sandbox) -> Path:
    base = sandbox.base_url
    (folder / "posts").mkdir(parents=True)
    (folder / "posts" / "hello.md").write_text("---\ntitle: Hello\ndate: 2026-03-01\n---\nHello, world.\n")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    config = folder / "postion.yml"
    config.write_text(
        "site_url: https://blog.example.com\nsource: {type: content, path: posts}\nplatforms:\n"
        f"  bluesky: {{handle: {sandbox.credentials.bluesky_handle}, service: {base}/bluesky}}\n"
        f"  mastodon: {{instance: {base}/mastodon}}\n  discord: {{}}\n"
    )
    return config


def timed_publish(sandbox: Sandbox, platforms: tuple[str, ...]) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        config = make_blog(folder, sandbox)
        environ = sandbox_environment(sandbox, folder)
        started = time.perf_counter()
        outcome = publish(config, RunOptions(environ=environ), platforms=platforms)
        elapsed = time.perf_counter() - started
    return elapsed, sum(1 for result in outcome.results if result.status == "published")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.2)
    latency = parser.parse_args().latency
    sandbox = Sandbox(latency=latency)
    sandbox.start(0)
    try:
        timed_publish(sandbox, PLATFORMS)  # warm-up: imports and first connections are not the point
        alone = {name: timed_publish(sandbox, (name,))[0] for name in PLATFORMS}
        together, published = timed_publish(sandbox, PLATFORMS)
    finally:
        sandbox.stop()
    for name, seconds in alone.items():
        rounds = seconds / latency
        print(f"{name:9} alone: {seconds:.2f} s ({rounds:.1f} latencies: a session or limit lookup, then the post)")
    total = sum(alone.values())
    print(f"one post to all {len(PLATFORMS)} platforms, one after another (sum): {total:.2f} s")
    print(f"one post to all {len(PLATFORMS)} platforms, concurrently: {together:.2f} s ({published} published)")
    print(f"concurrent / slowest platform alone: {together / max(alone.values()):.2f}")


if __name__ == "__main__":
    main()
