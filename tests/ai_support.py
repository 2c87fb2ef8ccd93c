"""What the AI caption tests share: a blog on the sandbox with an ai block, and the command."""

from __future__ import annotations

from pathlib import Path

from ai_fake import FakeModelAPI
from cli_runner import CliRunner, Result
from conftest import NOW, sandbox_config, sandbox_env, write_post
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox


def blog(folder: Path, sandbox: Sandbox, ai: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "postion.yml").write_text(sandbox_config(sandbox) + ai, encoding="utf-8")
    write_post(folder, "first.md", "title: First post\ndate: 2026-03-01\ntags: [python]", "The first one.")
    (folder / ".postion").mkdir(exist_ok=True)
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    return folder


def ai_block(fake: FakeModelAPI, timeout: float | None = None) -> str:
    base = f"{fake.url}/v1" if fake.provider == "openai" else fake.url
    extra = f"timeouts: {{request: {timeout}}}\n" if timeout else ""
    return f"ai: {{provider: {fake.provider}, base_url: '{base}', model: test-model}}\n{extra}"


def cli(folder: Path, sandbox: Sandbox, *args: str) -> Result:
    env = {**sandbox_env(sandbox, folder), "POSTION_AI_API_KEY": "sk-test-key-123"}
    return CliRunner().invoke(main, [*args, "-c", str(folder / "postion.yml"), "--now", NOW], env=env)
