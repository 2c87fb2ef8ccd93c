"""`postion demo`: the bundled example blog, published to a local sandbox. No accounts needed.

The demo keeps its copy of the blog, its state and the sandbox's posts in one folder (by default
in the user's cache), so that a second run finds everything announced and publishes nothing new.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import yaml

from postion_publish.core import registry
from postion_publish.sandbox import Sandbox
from postion_publish.store.cachedir import cache_dir
from postion_publish.store.jsonfile import write_atomic, write_json_atomic
from postion_publish.store.state import STATE_DIR, STATE_FILE

DEMO_PORT = 8765


def example_blog() -> Path:
    """The example site: inside the installed package, or in the repository during development."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_example_blog"
    if packaged.is_dir():
        return packaged
    return package.parent / "examples" / "blog"


def demo_folder(environ: Mapping[str, str]) -> Path:
    return Path(environ["POSTION_DEMO_DIR"]) if environ.get("POSTION_DEMO_DIR") else cache_dir(environ) / "demo"


def prepare(folder: Path) -> None:
    """Copy the example blog once, with an empty state: its `since` keeps old posts out."""
    if (folder / "posts").is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(example_blog() / "posts", folder / "posts")
    write_json_atomic(folder / STATE_DIR / STATE_FILE, {"version": 1, "posts": {}})


def write_config(folder: Path, sandbox: Sandbox) -> Path:
    """The example's config, pointed at the sandbox, with the platforms that can publish."""
    config = yaml.safe_load((example_blog() / "postion.yml").read_text(encoding="utf-8"))
    # Every platform the sandbox emulates and this version publishes to, a new one too.
    emulated = [name for name in registry.names() if name in registry.publishable() and name in registry.in_sandbox()]
    platforms = {name: dict(config["platforms"].get(name) or {}) for name in emulated}
    for name, options in platforms.items():
        options.update(registry.spec(name).sandbox_module().settings(sandbox))
    config["platforms"] = platforms
    path = folder / "postion.yml"
    header = "# Written by `postion demo`: the example blog, pointed at the local sandbox.\n"
    write_atomic(path, header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return path


def sandbox_environment(sandbox: Sandbox, folder: Path) -> dict[str, str]:
    """The sandbox's credentials, as the real ones would come: environment variables."""
    # Sessions and rotated tokens stay beside the demo's sandbox data, outside the user's own.
    environment = {
        "POSTION_CACHE_DIR": str(folder / ".cache"),
        "POSTION_TOKEN_FILE": str(folder / ".cache" / "tokens.json"),
    }
    for name in registry.in_sandbox():
        environment.update(registry.spec(name).sandbox_module().environment(sandbox))
    return environment


def start_sandbox(folder: Path, port: int = DEMO_PORT, on_busy: Callable[[int], None] | None = None) -> Sandbox:
    sandbox = Sandbox(data_file=folder / "sandbox.json")
    try:
        sandbox.start(port)
    except OSError:  # the port is taken: any free one will do
        if on_busy is not None:
            on_busy(port)
        sandbox.start(0)
    return sandbox


def live_links(folder: Path) -> list[str]:
    """The live link of every post the demo published already (from its state file)."""
    try:
        state = json.loads((folder / STATE_DIR / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [
        f"{name:<9} {record['url']}"
        for entry in state.get("posts", {}).values()
        for name, record in entry.get("platforms", {}).items()
        if record.get("status") == "announced" and record.get("url")
    ]
