"""The Action's install steps, cold and warm, beside a baseline checkout's, in one run.

Each side runs its own install as action.yml does it: the baseline (a checkout before issue 31)
makes a venv with `python -m venv` and `pip install`s its own checkout (hatchling builds the wheel
in an isolated environment; dependencies resolved from their lower bounds); this checkout runs
action/install.sh (uv: the hash-pinned lock requirements/action.txt, and the code from the
checkout). Cold: empty package caches and no venv. Warm: caches kept (pip's, uv's); for this
checkout, also the venv restored from the Action's cache, which is the usual case in CI.

Getting uv itself is shown apart: the Action takes it from astral-sh/setup-uv, which downloads
the uv binary from uv's GitHub release and unpacks it; its stand-in here is the same binary
downloaded from PyPI (uv's wheel, through PyPI's JSON API) and unpacked.

Interleaved runs (the machines are noisy); medians printed. Needs network access to the package
index, as CI has. Run: python benchmarks/action_install.py --baseline DIR [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
Step = Callable[[Path], list[list[str]]]


def baseline(checkout: Path) -> Step:
    def steps(work: Path) -> list[list[str]]:
        venv = work / "postion-venv"
        return [
            [sys.executable, "-m", "venv", str(venv)],
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(checkout)],
        ]

    return steps


def current() -> Step:
    def steps(work: Path) -> list[list[str]]:
        install = HERE / "action" / "install.sh"
        return [["bash", str(install), str(work / "postion-venv"), sys.executable, str(HERE)]]

    return steps


def fetch_uv(target: Path) -> float:
    """What setup-uv does, from PyPI instead of GitHub: download uv's binary and unpack it."""
    started = time.perf_counter()
    index = "https://pypi.org/pypi/uv/json"
    with urllib.request.urlopen(index) as answer:
        files = json.load(answer)["urls"]
    tag = f"manylinux_2_17_{platform.machine()}"
    wheel = next(f for f in files if tag in f["filename"] and f["filename"].endswith(".whl"))
    with urllib.request.urlopen(urllib.parse.urljoin(index, wheel["url"])) as answer:
        data = answer.read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        binary = next(name for name in archive.namelist() if name.endswith("/scripts/uv"))
        target.write_bytes(archive.read(binary))
    return time.perf_counter() - started


def seconds(steps: Step, work: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    for command in steps(work):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{command[:3]} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, required=True, help="a checkout from before issue 31")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("uv") is None:
        print("skipped: uv is not on PATH (pip install uv)")
        return 0
    times: dict[str, list[float]] = {}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as temporary:
            root = Path(temporary)
            caches = {
                "PIP_CACHE_DIR": str(root / "pip-cache"),
                "UV_CACHE_DIR": str(root / "uv-cache"),
            }
            env = {**os.environ, **caches, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
            for name, steps in (("baseline", baseline(args.baseline)), ("this checkout", current())):
                work = root / name
                work.mkdir()
                times.setdefault(f"{name}, cold", []).append(seconds(steps, work, env))
                shutil.rmtree(work / "postion-venv")
                times.setdefault(f"{name}, warm caches", []).append(seconds(steps, work, env))
            work = root / "this checkout"  # its venv is there: what the Action's cache restores
            times.setdefault("this checkout, venv restored", []).append(seconds(current(), work, env))
            times.setdefault("getting uv (download, unpack)", []).append(fetch_uv(root / "uv"))
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, value in median.items():
        print(f"{name:<38} {value:6.2f} s   (runs: {', '.join(f'{v:.2f}' for v in times[name])})")
    cold = median["this checkout, cold"] / median["baseline, cold"]
    with_uv = (median["this checkout, cold"] + median["getting uv (download, unpack)"]) / median["baseline, cold"]
    print(f"cold install, this checkout / baseline: {cold:.2f}× ({with_uv:.2f}× counting getting uv)")
    restored = median["this checkout, venv restored"] / median["baseline, cold"]
    print(f"usual CI run (venv restored) / baseline cold: {restored:.3f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
