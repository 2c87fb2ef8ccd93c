"""Do the benchmarks' two sides really run two checkouts? A check, not a benchmark.

A copy of this checkout whose package sleeps 1 s at import is made the baseline; each side's
Python (`core_python`, one venv per checkout) imports its own package. The baseline must show
about 1 s slower. When both sides shared one venv (before it was keyed by the checkout), the
editable install of the second repointed the first, and both sides ran the same code: this check
then fails.

Run: python benchmarks/check_isolation.py    (exit 0: isolated; 1: the sides are not apart)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core_python import REPO, core_python, installed_environment


def import_seconds(python: str, repo: Path) -> float:
    """Seconds for `python` to import postion_publish, and the folder it imported it from."""
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-c", "import postion_publish, sys; print(postion_publish.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=installed_environment(),
        cwd=tempfile.gettempdir(),  # not beside either checkout: the venv alone says which package
    )
    seconds = time.perf_counter() - started
    if not done.stdout.strip().startswith(str(repo.resolve())):
        sys.exit(f"{python} imported {done.stdout.strip()}, not the package of {repo}")
    return seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        slow = Path(folder) / "slow-checkout"
        subprocess.run(["git", "worktree", "add", "--quiet", "--detach", str(slow), "HEAD"], cwd=REPO, check=True)
        try:
            init = slow / "postion_publish" / "__init__.py"
            init.write_text(init.read_text(encoding="utf-8") + "\nimport time\n\ntime.sleep(1.0)\n", encoding="utf-8")
            ours, theirs = core_python(), core_python(repo=slow)
            ours_again = core_python()  # made after the baseline's: it must not have been repointed
            assert ours == ours_again
            fast = min(import_seconds(ours, REPO) for _ in range(3))
            slow_seconds = min(import_seconds(theirs, slow) for _ in range(3))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(slow)], cwd=REPO, check=False)
            if "theirs" in locals() and theirs != sys.executable:  # its venv served this check only
                shutil.rmtree(Path(theirs).parent.parent, ignore_errors=True)
    gap = slow_seconds - fast
    print(f"this checkout imports in {fast:.2f} s, the slowed baseline in {slow_seconds:.2f} s: {gap:+.2f} s")
    if gap < 0.9:
        print("NOT isolated: the two sides ran the same code")
        sys.exit(1)
    print("isolated: each side runs its own checkout")


if __name__ == "__main__":
    main()
