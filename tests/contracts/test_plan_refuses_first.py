"""Issue 30, item 2: every refusal the adapters know is found by the plan first. For each, a post
that triggers it: `plan --json` names the problem on that job, and `publish` then sends nothing at
all to that platform (counted by the fakes written from its documentation) and records the job as
refused, while the platforms that can take the post get it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write_post
from contracts.docs_blog import docs_blog, invoke, png, png_header, server
from contracts.docs_server import DocsServer

__all__ = ["server"]  # the fixture

FAMILY = "👨\u200d👩\u200d👧"  # one grapheme, 18 UTF-8 bytes
SIX_LINKS = "Read example.com, www.example.org, example.net/a, docs.example.io, blog.example.dev and "


def long_caption(platform: str, size: int) -> str:
    return f"postion: {{{platform}: '{'a' * (size - 24)} {{{{ url }}}}'}}"  # the URL: 23 of them, and a space


def huge_png(folder: Path) -> str:
    """A PNG whose header says 20,000 × 20,000 pixels: too large to decode and convert safely."""
    (folder / "posts" / "huge.png").write_bytes(png_header(20_000, 20_000))
    return "postion: {image: huge.png, alt: Huge}"


def unreadable_png(folder: Path) -> str:
    """11 MB that start like a PNG: over Discord's 10 MiB, and nothing can convert it."""
    (folder / "posts" / "noise.png").write_bytes(png(1, 1, noise=False)[:16] + bytes(11 * 1024 * 1024))
    return "postion: {image: noise.png, alt: Noise}"


def gif(folder: Path) -> str:
    (folder / "posts" / "moving.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    return "postion: {image: moving.gif, alt: Moving}"


def outside(folder: Path) -> str:
    (folder.parent / "secret.png").write_bytes(png(2, 2, noise=False))
    (folder / "posts" / "away.png").symlink_to(folder.parent / "secret.png")
    return "postion: {image: away.png, alt: Away}"


def mislabelled(folder: Path) -> str:
    (folder / "posts" / "page.png").write_bytes(b"<html>not a picture</html>")
    return "postion: {image: page.png, alt: Page}"


CASES = {
    "x: over 280": ("x", lambda folder: long_caption("x", 281), "too long (281 > 280)"),
    "linkedin: over 3000": ("linkedin", lambda folder: long_caption("linkedin", 3001), "> 3000)"),
    "threads: over 500": ("threads", lambda folder: long_caption("threads", 501), "> 500)"),
    "threads: six links, bare domains counted": (
        "threads",
        lambda folder: f"postion: {{threads: '{SIX_LINKS}{{{{ url }}}}'}}",
        "too many links (6 > 5)",
    ),
    "threads: an image it cannot take as it is": ("threads", gif, "Threads downloads images as they are"),
    "bluesky: over 300 graphemes": ("bluesky", lambda folder: long_caption("bluesky", 301), "> 300)"),
    "bluesky: over 3000 bytes": (
        "bluesky",
        lambda folder: f"postion: {{bluesky: '{FAMILY * 170} {{{{ url }}}}'}}",
        "bytes > 3000)",
    ),
    "mastodon: over 500": ("mastodon", lambda folder: long_caption("mastodon", 501), "too long (501 > 500)"),
    "discord: over 2000": ("discord", lambda folder: long_caption("discord", 2001), "> 2000)"),
    "x: an image that is not one": ("x", mislabelled, "page.png is not a PNG image"),
    "mastodon: an image outside the site": ("mastodon", outside, "resolves outside the site's folders"),
    "linkedin: an image too large to convert": ("linkedin", huge_png, "too large to convert"),
    "discord: an image too big that cannot be read": ("discord", unreadable_png, "cannot be read as an image"),
    "bluesky: an image that is not there": ("bluesky", lambda folder: "postion: {image: gone.png}", "was not found"),
}


@pytest.mark.parametrize("case", CASES)
def test_the_plan_refuses_it_and_publish_sends_that_platform_nothing(
    case: str, tmp_path: Path, server: DocsServer
) -> None:
    platform, front, problem = CASES[case]
    folder = tmp_path / "blog"
    env = docs_blog(folder, server, thread=False)
    write_post(folder, "p.md", f"title: P\ndate: 2026-03-01\n{front(folder)}")

    code, output = invoke(folder, env, "plan", "--json")
    job = next(job for job in json.loads(output)["jobs"] if job["platform"] == platform)
    found = [message.get("problem", "") for message in job["messages"]]
    found.append(job.get("attachment", {}).get("problem", ""))
    assert any(problem in text for text in found), found

    code, output = invoke(folder, env, "publish", "--platform", platform)
    assert code == 1, output
    sent = [(method, path) for method, path in server.requests if path.startswith(f"/{platform}/")]
    if platform == "mastodon":  # it reads the server's own limit, which may be higher than the plan's 500
        assert sent == [] or sent == [("GET", "/mastodon/api/v2/instance")]
    else:
        assert sent == []
    code, output = invoke(folder, env, "history", "--json")
    [entry] = [e for e in json.loads(output) if e["platform"] == platform]
    assert (entry["status"], entry["error_kind"]) == ("failed", "content_rejected")
