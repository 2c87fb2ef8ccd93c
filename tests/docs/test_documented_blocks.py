"""Issue 31: every command and block of the README and the docs is run by a test, as written.

Each fenced block is read out of the page (indented ones in lists too):
- `sh`: each command runs, in order, in a fresh git repository holding a small blog whose platforms
  point at a sandbox: `postion` commands with the sandbox's credentials (`connect`, which needs a
  person at a browser, is parsed by the real command line and its platform's flow looked up;
  `demo` runs with `--no-serve`), `git` and `curl` (at the sandbox) as they are. What needs the
  package index or is CI's own work (`pip install`, `pytest`, `ruff`, `mypy`, `npm ci`, `bash`,
  `python benchmarks/…`) is checked to name things that exist: the extras, the files, the tools.
- `yaml`: a `postion.yml` loads without a problem; front matter is read as a post; an `mkdocs.yml`
  names the plugin; an Action step uses only the inputs action.yml declares.
- `python`: runs, and names the Pelican plugin.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import REPO, sandbox_config, sandbox_env, write_post
from postion_publish.sandbox import Sandbox

pytestmark = pytest.mark.slow  # commands in subprocesses, a sandbox per block

PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.M | re.S)
DEV_TOOLS = {"pytest", "ruff", "mypy", "mkdocs", "twine", "uv"}


@dataclass(frozen=True)
class Block:
    page: str
    language: str
    text: str

    def __str__(self) -> str:
        return f"{self.page}: {self.text.strip().splitlines()[0][:60]}"


def blocks() -> list[Block]:
    found = []
    for page in PAGES:
        for _indent, language, text in FENCE.findall(page.read_text(encoding="utf-8")):
            found.append(Block(str(page.relative_to(REPO)), language, textwrap.dedent(text)))
    return found


def commands(text: str) -> list[str]:
    """The block's commands: comments dropped, `&&` chains split."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line, comments=True)
        joined = shlex.join(words)
        found += [part.strip() for part in joined.split(" '&&' ") if part.strip()]
    return found


def git(folder: Path, *args: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", *identity, *args], cwd=folder, check=True, capture_output=True)


def repository(folder: Path) -> None:
    """`folder` as a clone of a bare 'GitHub', its files committed: a reader's repository."""
    git(folder.parent, "init", "--quiet", "--bare", "-b", "main", "origin.git")
    git(folder, "init", "--quiet", "-b", "main")
    git(folder, "remote", "add", "origin", str(folder.parent / "origin.git"))
    git(folder, "add", "--all")
    git(folder, "commit", "--quiet", "--allow-empty", "-m", "The blog")
    git(folder, "push", "--quiet", "--set-upstream", "origin", "main")


def blog(folder: Path, sandbox: Sandbox, with_config: bool, with_state: bool) -> None:
    folder.mkdir()
    write_post(folder, "hello.md", "title: Hello\ndate: 2026-03-01", "The first post.")
    if with_config:
        (folder / "postion.yml").write_text(sandbox_config(sandbox), encoding="utf-8")
    if with_state:
        (folder / ".postion").mkdir()
        (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    repository(folder)


def run_postion(words: list[str], folder: Path, sandbox: Sandbox) -> None:
    from postion_publish.cli.parser import build_parser
    from postion_publish.core import registry

    arguments = words[1:]
    build_parser().parse_args(arguments)  # every documented option exists
    if arguments[0] == "connect":  # a person signs in at a browser: the flow must exist
        assert registry.spec(arguments[1]).connect is not None
        return
    if arguments[0] == "demo":
        arguments.append("--no-serve")
    env = {**os.environ, **sandbox_env(sandbox, folder), "POSTION_DEMO_DIR": str(folder / ".demo")}
    if arguments[0] == "init" and "--baseline" in arguments and (folder / "postion.yml").exists():
        _point_at(folder / "postion.yml", sandbox)  # the starter config, with this sandbox's platforms
    done = subprocess.run(
        [sys.executable, "-m", "postion_publish", *arguments], cwd=folder, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{shlex.join(words)}:\n{done.stdout}\n{done.stderr}"


def _point_at(config: Path, sandbox: Sandbox) -> None:
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["platforms"] = yaml.safe_load(sandbox_config(sandbox))["platforms"]
    settings["source"] = {"type": "content", "path": "posts"}
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")


def check_elsewhere(words: list[str]) -> None:
    """What CI runs itself, or needs the package index: it must name what exists."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extras = set(pyproject["project"]["optional-dependencies"])
    program = words[0]
    if program == "pip":
        for target in words[2:]:
            if target.startswith("-"):
                continue
            name, _, extra = target.partition("[")
            assert name in (".", "postion-publish", "integrations/mkdocs", "integrations/pelican"), target
            assert not extra or set(extra.rstrip("]").split(",")) <= extras, target
    elif program in DEV_TOOLS:
        assert any(program in dependency for dependency in pyproject["project"]["optional-dependencies"]["dev"])
    elif program == "npm":
        assert (REPO / words[words.index("--prefix") + 1] / "package-lock.json").is_file()
    elif program in ("bash", "python"):
        assert (REPO / words[1]).is_file(), words
    else:
        raise AssertionError(f"a documented command no test knows how to check: {shlex.join(words)}")


def run_block(block: Block, tmp_path: Path, sandbox: Sandbox) -> None:
    every = commands(block.text)
    folder = tmp_path / "blog"
    if any("mkdocs build" in command for command in every):
        shutil.copytree(REPO / "examples" / "mkdocs-blog", folder, ignore=shutil.ignore_patterns("site", ".postion"))
        config = sandbox_config(sandbox).replace("source: {type: content, path: posts}", "source: {type: mkdocs}")
        (folder / "postion.yml").write_text(config, encoding="utf-8")
        (folder / ".postion").mkdir()
        (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
        repository(folder)
    else:  # a block with `postion init` writes its own config, one with `init --baseline` its state
        initializes = any(command.startswith("postion init") for command in every)
        blog(folder, sandbox, with_config="postion init" not in every, with_state=not initializes)
    for command in every:
        words = shlex.split(command)
        if words[0] == "postion":
            run_postion(words, folder, sandbox)
        elif words[0] == "git":
            git(folder, *words[1:])
        elif words[0] == "curl":
            url = next(word for word in words if "localhost:8787" in word).replace(
                "localhost:8787", sandbox.base_url[7:]
            )
            data = words[words.index("-d") + 1].encode()
            with urllib.request.urlopen(urllib.request.Request(f"http://{url}", data=data)) as answer:
                assert answer.status in (200, 204)
        else:
            check_elsewhere(words)


SHELL = [block for block in blocks() if block.language == "sh"]


@pytest.mark.parametrize("block", SHELL, ids=[str(block) for block in SHELL])
def test_every_documented_command_runs(block: Block, tmp_path: Path, sandbox: Sandbox) -> None:
    run_block(block, tmp_path, sandbox)


def test_every_documented_yaml_and_python_block_is_what_it_says(tmp_path: Path) -> None:
    from postion_publish.core.config import load_settings

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    checked = 0
    for block in blocks():
        if block.language == "python":
            namespace: dict[str, object] = {}
            exec(compile(block.text, block.page, "exec"), namespace)
            assert "postion" in namespace["PLUGINS"], block  # type: ignore[operator]
        elif block.language == "yaml":
            text = block.text
            if text.startswith("---"):  # front matter
                import frontmatter

                post = frontmatter.loads(text + "\nThe text.\n")
                assert post["title"] and "postion" in post.metadata, block
                continue
            data = yaml.safe_load(text.replace("<commit>", "0" * 40))
            if isinstance(data, list):  # a workflow step
                for step in data:
                    if str(step.get("uses", "")).startswith("postion-publish/postion-publish@"):
                        assert set(step.get("with", {})) <= set(action["inputs"]), block
            elif set(data) <= {"concurrency", "permissions", "on", "jobs", "env"}:  # a workflow's part
                assert data, block
            elif "plugins" in data:  # an mkdocs.yml
                assert any("postion" in plugin for plugin in data["plugins"]), block
            else:  # a postion.yml, whole or a part of one
                config = {"site_url": "https://blog.example.com", "source": {"type": "content"}}
                config |= {"platforms": {"mastodon": {"instance": "https://mastodon.social"}}} | data
                (tmp_path / "postion.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
                (tmp_path / "posts").mkdir(exist_ok=True)
                load_settings(tmp_path / "postion.yml")  # BadInput on any problem
        else:
            continue
        checked += 1
    assert checked >= 8
