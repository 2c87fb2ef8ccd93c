"""One image pipeline for all adapters: each platform's limits met by converting and resizing
(Pillow), a clear refusal without Pillow, and images named by URL, fetched only from the site."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import random
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image as PillowImage

from adapters_support import PNG, run
from postion_publish.core.errors import ContentRejected
from postion_publish.core.media import ImageLimits
from postion_publish.core.posts import Post
from postion_publish.platforms import attachments
from postion_publish.platforms.attachments import download_image
from postion_publish.platforms.base import Image
from postion_publish.platforms.image_files import public_url, site_file_for
from postion_publish.platforms.images import fit_image
from postion_publish.platforms.linkedin.spec import IMAGES as LINKEDIN_IMAGES
from postion_publish.platforms.x.spec import IMAGES as X_IMAGES
from scripted_server import Answer, ScriptedServer


def noisy_png(side: int) -> bytes:
    """A PNG that compresses badly, so that it is large."""
    picture = PillowImage.frombytes("RGB", (side, side), random.Random(1).randbytes(side * side * 3))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_large_image_is_converted_and_shrunk_to_the_platform_limit_with_its_alt_text() -> None:
    big = Image(noisy_png(900), "image/png", "What it shows", "big.png")
    limits = ImageLimits("x", 200_000, X_IMAGES.formats)
    fitted = fit_image(big, limits)
    assert len(big.data) > 200_000 >= len(fitted.data)
    assert (fitted.mime, fitted.filename, fitted.alt) == ("image/jpeg", "big.jpg", "What it shows")


def test_a_format_the_platform_refuses_is_converted() -> None:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (40, 30), "red").save(buffer, format="WEBP")
    webp = Image(buffer.getvalue(), "image/webp", "alt", "pic.webp")
    fitted = fit_image(webp, LINKEDIN_IMAGES)  # LinkedIn takes JPEG, PNG and GIF
    assert fitted.mime == "image/jpeg" and PillowImage.open(io.BytesIO(fitted.data)).size == (40, 30)


def test_an_image_that_fits_goes_as_it_is() -> None:
    small = Image(PNG, "image/png", "alt", "pixel.png")
    assert fit_image(small, X_IMAGES) is small


def png_declaring(side: int) -> bytes:
    """A 70-byte PNG whose header says `side` × `side` pixels: a decompression bomb's shape."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [12_000, 14_000])  # Pillow warns above 9,459 and refuses above 13,377
def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(
    side: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Converting a 445 KB PNG of 12,000 × 12,000 pixels for LinkedIn took 1.5 GB."""

    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("decoded")

    monkeypatch.setattr(PillowImage.Image, "load", never)
    bomb = Image(png_declaring(side), "image/png", "alt", "bomb.png")
    with pytest.raises(ContentRejected, match=r"too large to convert|cannot be read"):
        fit_image(bomb, LINKEDIN_IMAGES)
    assert fit_image(bomb, X_IMAGES) is bomb  # no pixel limit: it goes as it is, never decoded


@pytest.fixture
def without_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def refuse_pil(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse_pil)


def test_without_pillow_an_image_over_the_limit_is_refused_saying_how_to_fix_it(without_pillow: None) -> None:
    big = Image(PNG * 100, "image/png", "alt", "big.png")
    with pytest.raises(ContentRejected, match=r"install postion-publish\[images\]"):
        fit_image(big, ImageLimits("bluesky", 1000, X_IMAGES.formats))
    small = Image(PNG, "image/png", "alt", "pixel.png")
    assert fit_image(small, X_IMAGES) is small  # what fits needs no Pillow


POST = Post(id="p", url="https://blog.example.com/p/", title="P", date=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))


@pytest.fixture
def site() -> Iterator[ScriptedServer]:
    def answer(method: str, path: str) -> Answer:
        if path == "/img/cover.png":
            return Answer(200, PNG, {"Content-Type": "image/png"})
        if path == "/img/moved.png":
            return Answer(302, b"", {"Location": "http://169.254.169.254/latest/meta-data"})
        if path == "/img/huge.png":
            return Answer(200, PNG + b"\0" * 5000)
        return Answer(404, b"")

    server = ScriptedServer(answer)
    yield server
    server.stop()


def test_an_image_url_of_the_site_is_downloaded_with_its_url(site: ScriptedServer) -> None:
    image = run(download_image(POST, f"{site.url}/img/cover.png", "alt", "image", site.url, deadline=5))
    assert (image.data, image.mime, image.url, image.filename) == (
        PNG,
        "image/png",
        f"{site.url}/img/cover.png",
        "cover.png",
    )


def test_an_image_url_off_the_site_is_never_fetched(site: ScriptedServer) -> None:
    with pytest.raises(ContentRejected, match="only images on the site's own host"):
        run(download_image(POST, "http://169.254.169.254/latest/meta-data", "", "image", site.url, deadline=5))
    assert site.requests == []


def test_a_redirect_is_not_followed_and_a_large_download_is_cut(
    site: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ContentRejected, match="answered 302"):
        run(download_image(POST, f"{site.url}/img/moved.png", "", "image", site.url, deadline=5))
    monkeypatch.setattr(attachments, "MAX_IMAGE_BYTES", 1000)
    with pytest.raises(ContentRejected, match="larger than"):
        run(download_image(POST, f"{site.url}/img/huge.png", "", "image", site.url, deadline=5))


def test_a_site_url_maps_to_the_built_file_and_a_file_to_its_url(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.png").write_bytes(PNG)
    site_url = "https://blog.example.com/"
    assert site_file_for("https://blog.example.com/img/a.png", site_url, tmp_path) == (tmp_path / "img" / "a.png")
    assert site_file_for("https://blog.example.com/img/../../etc/passwd", site_url, tmp_path) is None
    assert site_file_for("https://other.example/img/a.png", site_url, tmp_path) is None
    assert public_url(tmp_path / "img" / "a.png", [tmp_path], site_url) == "https://blog.example.com/img/a.png"
