"""What the publish tests share: the command, run on a blog pointed at the sandbox."""

from __future__ import annotations

from pathlib import Path

from cli_runner import CliRunner, Result
from conftest import sandbox_env
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox


def cli(sandbox: Sandbox, blog: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    environment = {**sandbox_env(sandbox, blog), **(env or {})}
    return CliRunner().invoke(main, [*args, "-c", str(blog / "postion.yml")], env=environment)
