"""What the contract tests share: a blog whose six platforms point at the fakes written from
the platforms' documentation (docs_server), the command, and real PNG files."""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cli_runner import CliRunner
from contracts import fake_bluesky, fake_discord, fake_linkedin, fake_mastodon, fake_threads
from contracts.docs_server import DocsServer
from contracts.fake_bluesky import FakeBluesky
from contracts.fake_discord import FakeDiscord
from contracts.fake_linkedin import FakeLinkedIn
from contracts.fake_mastodon import FakeMastodon
from contracts.fake_threads import FakeThreads
from contracts.fake_x import FakeX
from postion_publish.cli import main


@pytest.fixture
def server() -> Iterator[DocsServer]:
    fake = DocsServer()
    fake.start()
    yield fake
    fake.stop()


def png(width: int, height: int, noise: bool) -> bytes:
    """A real PNG: noise does not compress, so a large one needs converting for Bluesky."""
    rows = bytearray()
    generator = random.Random(7)
    for _ in range(height):
        rows.append(0)
        rows += generator.randbytes(width * 3) if noise else bytes(width * 3)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows))) + chunk(b"IEND", b"")
    )


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is `width` × `height` and holds no pixels: what a header reader sees."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    data = len(header).to_bytes(4, "big") + b"IHDR" + header + zlib.crc32(b"IHDR" + header).to_bytes(4, "big")
    return b"\x89PNG\r\n\x1a\n" + data + (0).to_bytes(4, "big") + b"IEND" + zlib.crc32(b"IEND").to_bytes(4, "big")


def docs_blog(folder: Path, server: DocsServer, *, thread: bool = True) -> dict[str, str]:
    """An empty blog (posts/, an empty state) with every platform pointed at its fake; its environment."""
    base = server.base
    posts = folder / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    threads = ", thread: true" if thread else ""
    (folder / "postion.yml").write_text(
        f"""\
site_url: https://blog.example.com
source: {{type: content, path: posts}}
platforms:
  x: {{api_base: '{base}/x'{threads}}}
  linkedin: {{api_base: '{base}/linkedin', author: '{fake_linkedin.AUTHOR}'}}
  threads: {{api_base: '{base}/threads', user_id: '{fake_threads.USER}'{threads}}}
  bluesky: {{handle: {fake_bluesky.HANDLE}, service: '{base}/bluesky'{threads}}}
  mastodon: {{instance: '{base}/mastodon'{threads}}}
  discord: {{}}
""",
        encoding="utf-8",
    )
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    x = FakeX(server)

    def download(url: str) -> bytes:  # Meta fetches image_url from the live site: here, the site's folder
        return (posts / urlsplit(url).path.lstrip("/")).read_bytes()

    server.mount("x", x)
    server.mount("linkedin", FakeLinkedIn(server))
    server.mount("threads", FakeThreads(server, download))
    server.mount("bluesky", FakeBluesky(server))
    server.mount("mastodon", FakeMastodon(server))
    server.mount("discord", FakeDiscord(server))
    return {
        **x.keys.environment(),
        "POSTION_LINKEDIN_ACCESS_TOKEN": fake_linkedin.TOKEN,
        "POSTION_THREADS_ACCESS_TOKEN": fake_threads.TOKEN,
        "POSTION_BLUESKY_APP_PASSWORD": fake_bluesky.PASSWORD,
        "POSTION_MASTODON_TOKEN": fake_mastodon.TOKEN,
        "POSTION_DISCORD_WEBHOOK_URL": f"{base}/discord{fake_discord.WEBHOOK}",
        "POSTION_CACHE_DIR": str(folder / ".cache"),
        "POSTION_TOKEN_FILE": str(folder / ".cache" / "tokens.json"),
    }


def invoke(folder: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "-c", str(folder / "postion.yml")], env=env)
    return result.exit_code, result.output
