"""Issue 30's acceptance: the documented examples, copied as they stand, plan and publish to the
sandbox without an error. The full configuration example and the front-matter example (once in
the README, now in the docs' configuration reference and posts page) are read out of the pages
themselves (a change to either is tested as it is written); the only additions are where each
platform's requests go (the sandbox, by each platform's `api_base` key) and the images the front
matter names, which a user has beside their post."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from adapters_support import PNG
from cli_runner import CliRunner
from conftest import REPO, sandbox_env
from postion_publish.cli import main
from postion_publish.core import registry
from postion_publish.sandbox import Sandbox


def first_block(page: str, language: str) -> str:
    """The first fenced block of `language` on a docs page."""
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    found = re.search(rf"^```{language}\n(.*?)```", text, re.DOTALL | re.M)
    assert found is not None, f"no {language} block in {page}"
    return found.group(1)


def sandboxed(config: dict[str, Any], sandbox: Sandbox) -> dict[str, Any]:
    """The README's config with each platform's requests sent to the sandbox (and the sandbox's
    own Bluesky account, the one its app password belongs to): nothing else changes."""
    for name, options in config["platforms"].items():
        where = registry.spec(name).sandbox_module().settings(sandbox)
        for extra in (registry.spec(name).api_base_key, "web_base", "auth_base", "handle"):
            if extra in where:
                options[extra] = where[extra]
    return config


def invoke(folder: Path, sandbox: Sandbox, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "-c", str(folder / "postion.yml")], env=sandbox_env(sandbox, folder))
    return result.exit_code, result.output


def test_the_readme_config_and_front_matter_plan_and_publish_as_written(tmp_path: Path, sandbox: Sandbox) -> None:
    config = yaml.safe_load(first_block("reference/configuration.md", "yaml"))
    assert set(config["platforms"]) == set(registry.names())  # the example names every platform
    (tmp_path / "postion.yml").write_text(yaml.safe_dump(sandboxed(config, sandbox)), encoding="utf-8")
    front = first_block("posts.md", "yaml")
    posts = tmp_path / config["source"]["path"]
    (posts / "images").mkdir(parents=True)
    (posts / "posse.md").write_text(front + "\nThe post's text.\n", encoding="utf-8")
    (posts / "images" / "posse.png").write_bytes(PNG)
    (posts / "cover.png").write_bytes(PNG)
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")

    code, output = invoke(tmp_path, sandbox, "plan", "--json", "--now", "2026-03-01T00:00:00Z")
    assert code == 0, output
    jobs = json.loads(output)["jobs"]
    assert {job["platform"] for job in jobs} == set(registry.names()) - {"linkedin"}  # `skip: [linkedin]`
    for job in jobs:
        assert not any(message.get("problem") for message in job["messages"]), job
        assert "problem" not in job.get("attachment", {}), job
    x = next(job for job in jobs if job["platform"] == "x")
    assert x["messages"][0]["text"] == "A caption written by hand for X: https://blog.example.com/posse/"

    code, output = invoke(tmp_path, sandbox, "publish", "--now", "2026-03-01T00:00:00Z")
    assert code == 0, output
    code, output = invoke(tmp_path, sandbox, "history", "--json")
    statuses = {entry["platform"]: entry["status"] for entry in json.loads(output)}
    assert statuses == {job["platform"]: "published" for job in jobs}
