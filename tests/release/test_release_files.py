"""What a stranger needs to install, trust and contribute (issue 31): the licence the metadata
names, a changelog the release notes come from, the security and contributing guides, the three
distributions at one version, and workflows for CI, docs and the release."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def release_notes(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "tools" / "release_notes.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_the_files_a_release_needs_are_there_and_say_what_they_should() -> None:
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    for plugin in ("mkdocs", "pelican"):  # each distribution carries its licence
        assert (REPO / "integrations" / plugin / "LICENSE").read_bytes() == (REPO / "LICENSE").read_bytes()
    security = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    assert "Report a vulnerability" in security and "in scope" in security
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "## Adding a platform" in contributing and "pytest" in contributing
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog and "keepachangelog.com" in changelog
    workflows = {path.name for path in (REPO / ".github" / "workflows").glob("*.yml")}
    assert {"ci.yml", "docs.yml", "release.yml"} <= workflows
    release = (REPO / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert "id-token: write" in release and "tools/dists.sh" in release and "git push --force" in release


def test_the_release_notes_are_the_changelogs_section_and_versions_agree() -> None:
    notes = release_notes("0.1.0")
    assert notes.returncode == 0 and notes.stdout.startswith("### Added") and "\n## " not in notes.stdout
    assert "[0.1.0]:" not in notes.stdout  # the link list is not part of it
    assert release_notes("--check-version", "0.1.0").returncode == 0
    wrong = release_notes("--check-version", "9.9.9")
    assert wrong.returncode == 1 and "postion-publish" in wrong.stderr
    assert release_notes("9.9.9").returncode == 1
