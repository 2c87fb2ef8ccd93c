"""The Python the command-line benchmarks run postion-publish with: postion-publish and its core
dependencies only, as `pip install postion-publish` (and the Action) installs it. A development
environment holds more (rich and pygments, which httpx then imports; mkdocs, pelican): their
start-up is not a user's."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

CACHE = Path.home() / ".cache" / "postion-bench"
REPO = Path(__file__).resolve().parent.parent


def installed_environment(**extra: str) -> dict[str, str]:
    """This process's environment, with `extra`, as an installed postion runs in: modules compiled
    once, not at every start (without PYTHONDONTWRITEBYTECODE, which development shells may set)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return env | extra


def core_python(cache: Path = CACHE, repo: Path = REPO) -> str:
    """A Python with `repo`'s postion-publish and its core dependencies only, as the Action installs
    it (the development environment holds rich and pygments, which httpx then imports: 70 ms more;
    httpx imports click too, when it is installed). One per set of dependencies, made once in the
    cache folder, so that another checkout (a --baseline) runs with its own; an editable install.
    Keyed by the checkout's folder too: two checkouts with the same dependencies once shared one
    venv, and the editable install of the second repointed it, so both sides ran the same code."""
    declared = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    key = "\n".join([str(repo.resolve()), *sorted(declared)])
    dependencies = hashlib.sha256(key.encode()).hexdigest()[:8]
    folder = cache / f"core-venv-py{sys.version_info.major}{sys.version_info.minor}-{dependencies}"
    python = folder / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", str(repo)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"(a core-only environment could not be made, the current one is used: {done.stderr.strip()[-200:]})")
        return sys.executable
    return str(python)
