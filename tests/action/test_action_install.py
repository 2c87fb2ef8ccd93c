"""The Action's install (issue 31): its lock agrees with uv.lock, pins every package by hash and
holds nothing but the core's dependencies; a venv restored from the cache is used as it is, with
postion-publish found in the Action's own checkout. (A cold install needs the package index: .ci/run
does one; benchmarks/action_install.py times it beside the old one.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

LOCK = REPO / "requirements" / "action.txt"
needs_uv = pytest.mark.skipif(shutil.which("uv") is None, reason="uv is a dev dependency")


@needs_uv
def test_the_action_lock_is_exported_from_uv_lock_as_it_stands() -> None:
    exported = subprocess.run(
        ["uv", "export", "--frozen", "--no-emit-project", "--no-emit-local", "--format", "requirements-txt"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    body = [line for line in LOCK.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert [line for line in exported.splitlines() if not line.startswith("#")] == body, (
        "requirements/action.txt is stale: uv export --frozen --no-emit-project --no-emit-local "
        "--format requirements-txt -o requirements/action.txt"
    )


def test_every_package_of_the_lock_is_pinned_by_hash_and_only_the_core_is_there() -> None:
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    pins = [line.split("==")[0] for line in lines if line and not line.startswith((" ", "#"))]
    assert {"httpx", "jinja2", "pyyaml", "pynacl"} <= set(pins)
    assert not {"mkdocs", "pelican", "pytest", "pillow", "ruff"} & set(pins)  # no extras, no dev tools
    text = LOCK.read_text(encoding="utf-8")
    assert text.count("==") == len(pins) and all(f"{pin}==" in text for pin in pins)
    for block in text.split("\n")[2:]:
        assert "==" not in block or block.rstrip().endswith("\\"), block  # each pin is followed by its hashes


def test_a_venv_restored_from_the_cache_is_used_and_finds_the_actions_checkout(tmp_path: Path) -> None:
    venv = tmp_path / "postion-venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    shutil.copy(LOCK, venv / "postion-lock.txt")  # as action/install.sh leaves it
    done = subprocess.run(
        ["bash", str(REPO / "action" / "install.sh"), str(venv), sys.executable, str(REPO)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},  # no uv: a restored venv needs none
        check=False,
    )
    assert done.returncode == 0, done.stderr
    version = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "postion_publish", "--version"], capture_output=True, text=True
    )
    assert version.stdout.startswith("postion, version ")
    [pth] = venv.glob("lib/python*/site-packages/postion-action.pth")
    assert pth.read_text(encoding="utf-8").strip() == str(REPO)
