"""What the crash tests share: a publish run in its own process, and what the sandbox stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from postion_publish.sandbox import Sandbox


def publish(blog: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    import os

    command = [sys.executable, "-m", "postion_publish", "publish", "-c", str(blog / "postion.yml"), *extra]
    return subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, check=False)


def stored(sandbox: Sandbox, platform: str) -> int:
    kind = {
        "bluesky": "records",
        "mastodon": "statuses",
        "discord": "messages",
        "x": "tweets",
        "linkedin": "posts",
        "threads": "posts",
    }[platform]
    return len(sandbox.store[platform].get(kind, {}))
