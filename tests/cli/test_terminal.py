"""Terminal manners (issue 31, item 6): on a terminal, the marks are coloured and long work shows a
progress line that is cleared when done; piped, or with NO_COLOR, not one escape sequence."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from conftest import sandbox_config, write_post
from postion_publish.sandbox import Sandbox

ESCAPE = "\x1b["


def blog(folder: Path, sandbox: Sandbox, posts: int) -> Path:
    folder.mkdir()
    (folder / "postion.yml").write_text(sandbox_config(sandbox), encoding="utf-8")
    for number in range(posts):
        write_post(folder, f"p{number}.md", f"title: Post {number}\ndate: 2026-03-01")
    return folder


def on_a_terminal(folder: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """The command with its stdout and stderr on a pseudo-terminal, as a person runs it."""
    main, secondary = pty.openpty()
    environment = {**os.environ, "TERM": "xterm", **(env or {})}
    environment.pop("NO_COLOR", None) if env is None or "NO_COLOR" not in env else None
    process = subprocess.Popen(
        [sys.executable, "-m", "postion_publish", *args],
        cwd=folder,
        stdout=secondary,
        stderr=secondary,
        env=environment,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other end closed: the command exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_a_terminal_gets_colour_and_a_progress_line_a_pipe_gets_neither(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path / "blog", sandbox, posts=300)
    shown = on_a_terminal(folder, "init", "--baseline")
    assert "reading posts: " in shown and "\r\x1b[2K" in shown  # drawn in place, then cleared
    write_post(folder, "new.md", "title: A new one\ndate: 2026-03-02")
    planned = on_a_terminal(folder, "plan")
    assert "\x1b[1m●\x1b[0m A new one" in planned  # the post's mark in bold, its title untouched
    assert "\x1b[33mWarning:\x1b[0m" in planned

    piped = subprocess.run(
        [sys.executable, "-m", "postion_publish", "plan"], cwd=folder, capture_output=True, text=True
    )
    assert ESCAPE not in piped.stdout + piped.stderr and "● A new one" in piped.stdout
    plain = on_a_terminal(folder, "plan", env={"NO_COLOR": "1"})
    assert ESCAPE not in plain and "● A new one" in plain
