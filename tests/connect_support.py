"""What the connect tests share: a blog for some platforms of the sandbox, the command run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from postion_publish.core import registry as platforms
from postion_publish.sandbox import Sandbox


def blog_for(sandbox: Sandbox, folder: Path, *names: str) -> Path:
    """A blog whose platforms point at the sandbox; its ledger is where connections are recorded."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["site_url: https://blog.example.com", "source: {type: content, path: posts}", "platforms:"]
    for name in names:
        lines.append(f"  {name}: {json.dumps(platforms.spec(name).sandbox_module().settings(sandbox))}")
    (folder / "postion.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "posts").mkdir(exist_ok=True)
    return folder / "postion.yml"


def postion(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "postion_publish", *args]
    return subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False)
