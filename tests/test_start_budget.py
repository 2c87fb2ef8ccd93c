"""What a command loads is what it needs: the start-time budget, counted in modules, not seconds.

`plan` reads posts and renders captions; it never talks to a network, so it loads no HTTP client,
no cryptography and no image library. A command that would load them has grown a dependency it
does not use, and every `plan` in CI and in a pull request's preview pays for it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "blog" / "postion.yml"
NOT_FOR_PLAN = ("httpx", "httpcore", "anyio", "nacl", "oauthlib", "PIL")


def loaded_by(*args: str) -> set[str]:
    script = textwrap.dedent(
        f"""
        import sys
        from postion_publish.cli import main
        try:
            main({list(args)!r})
        except SystemExit as ended:
            assert not ended.code, ended.code
        print(" ".join(sorted({{name.split(".")[0] for name in sys.modules}})))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.strip().splitlines()[-1].split())


def test_plan_loads_no_network_cryptography_or_image_code() -> None:
    loaded = loaded_by("plan", "-c", str(EXAMPLE), "--now", "2026-11-29T00:00:00Z")
    assert "jinja2" in loaded  # it did render captions
    assert loaded.isdisjoint(NOT_FOR_PLAN), loaded & set(NOT_FOR_PLAN)
