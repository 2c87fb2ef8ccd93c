"""The release's words: the section of CHANGELOG.md for a version (the GitHub release's notes),
and, with --check-version, that the three distributions and the changelog all name that version.

Run: python tools/release_notes.py 0.2.0  |  python tools/release_notes.py --check-version 0.2.0
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def section(version: str, changelog: str) -> str | None:
    """The text under `## [version]`, up to the next `## ` heading or the link list."""
    found = re.search(rf"^## \[{re.escape(version)}\][^\n]*\n(.*?)(?=^## |^\[[^\]]+\]: |\Z)", changelog, re.M | re.S)
    return found.group(1).strip() if found else None


def versions() -> dict[str, str]:
    """Each distribution's version as its files state it."""
    core = re.search(r'^__version__ = "([^"]+)"', (ROOT / "postion_publish" / "__init__.py").read_text(), re.M)
    found = {"postion-publish": core.group(1) if core else "?"}
    for plugin in ("mkdocs", "pelican"):
        text = (ROOT / "integrations" / plugin / "pyproject.toml").read_text(encoding="utf-8")
        match = re.search(r'^version = "([^"]+)"', text, re.M)
        found[f"{plugin}-postion"] = match.group(1) if match else "?"
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("version")
    parser.add_argument("--check-version", action="store_true", help="check the version, print nothing")
    args = parser.parse_args()
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    notes = section(args.version, changelog)
    if args.check_version:
        wrong = {name: found for name, found in versions().items() if found != args.version}
        if wrong or notes is None:
            print(f"not {args.version} everywhere: {wrong or 'no CHANGELOG.md section'}", file=sys.stderr)
            return 1
        return 0
    if notes is None:
        print(f"CHANGELOG.md has no section for {args.version}", file=sys.stderr)
        return 1
    print(notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
