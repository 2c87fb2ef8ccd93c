"""The plan shows what each job attaches, and refuses what publish would (issue 30, item 1): the
README's own front matter, whose `cover.png` does not exist, is refused in the plan and then sent
nowhere; an image that exists is shown with its size as it will go and its alt text."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from adapters_support import PNG
from cli_runner import CliRunner
from conftest import sandbox_env, write_post
from connect_support import blog_for
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

README_FRONT = (
    "title: POSSE from CI\ndate: 2026-02-03T08:00:00Z\ndescription: Publish on your own site, syndicate everywhere.\n"
    "tags: [posse, indieweb]\nimage: images/posse.png\npostion:\n  skip: [linkedin]\n"
    '  x: "A caption written by hand for X: {{ url }}"\n  image: cover.png\n  alt: "What the image shows"'
)


def blog(folder: Path, sandbox: Sandbox) -> Path:
    blog_for(sandbox, folder, "x", "bluesky", "discord")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    return folder


def invoke(folder: Path, sandbox: Sandbox, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "-c", str(folder / "postion.yml")], env=sandbox_env(sandbox, folder))
    return result.exit_code, result.output


def test_the_readme_front_matter_with_a_missing_image_is_refused_by_the_plan(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path, sandbox)
    write_post(folder, "posse.md", README_FRONT)
    status, output = invoke(folder, sandbox, "plan", "--json")
    assert status == 0
    jobs = json.loads(output)["jobs"]
    assert {job["platform"] for job in jobs} == {"x", "bluesky", "discord"}
    for job in jobs:
        problem = job["attachment"]["problem"]
        assert problem.endswith("posse.md, key 'postion.image': cover.png was not found in the site's folders")
    table = invoke(folder, sandbox, "plan")[1]
    assert "+ image cover.png, alt: “What the image shows”; refused: " in table and "cover.png was not found" in table
    status, output = invoke(folder, sandbox, "publish")
    assert status == 1 and "cover.png was not found" in output
    assert all(
        not store.get(kind)
        for store, kind in (
            (sandbox.store["x"], "tweets"),
            (sandbox.store["bluesky"], "records"),
            (sandbox.store["discord"], "messages"),
        )
    )


def test_an_image_that_exists_is_shown_with_its_size_and_alt_text(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path, sandbox)
    write_post(folder, "p.md", "title: P\ndate: 2026-03-01\npostion: {image: pixel.png, alt: One pixel}")
    (folder / "posts" / "pixel.png").write_bytes(PNG)
    jobs = json.loads(invoke(folder, sandbox, "plan", "--json")[1])["jobs"]
    attachment = next(job for job in jobs if job["platform"] == "bluesky")["attachment"]
    assert attachment == {
        "kind": "image",
        "name": "pixel.png",
        "size": len(PNG),
        "digest": hashlib.sha256(PNG).hexdigest(),
        "alt": "One pixel",
        "note": "no link card: Bluesky takes an image or a card, not both",
    }
    assert invoke(folder, sandbox, "publish")[0] == 0


def test_a_card_shows_its_title_and_where_the_platform_shows_none_nothing_is_said(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    folder = blog(tmp_path, sandbox)
    write_post(folder, "p.md", "title: A card\ndate: 2026-03-01\ndescription: What it says.")
    jobs = {job["platform"]: job for job in json.loads(invoke(folder, sandbox, "plan", "--json")[1])["jobs"]}
    assert jobs["bluesky"]["attachment"] == {"kind": "card", "title": "A card", "description": "What it says."}
    assert "attachment" not in jobs["x"]  # X shows no card: the link in the text is the way to the post


def test_every_image_refusal_of_publish_is_the_plans_and_nothing_is_sent(tmp_path: Path, sandbox: Sandbox) -> None:
    """A file whose bytes are not what its name says; a GIF for Threads, which downloads images
    itself and takes JPEG or PNG only; a file outside the site's folders."""
    folder = tmp_path / "blog"
    blog_for(sandbox, folder, "bluesky", "threads")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    (folder / "posts" / "fake.png").write_bytes(b"<html>not a picture</html>")
    (folder / "posts" / "moving.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    (tmp_path / "secret.png").write_bytes(PNG)
    (folder / "posts" / "away.png").symlink_to(tmp_path / "secret.png")
    for name in ("fake.png", "moving.gif", "away.png"):
        stem = name.split(".")[0]
        write_post(folder, f"{stem}.md", f"title: {stem}\ndate: 2026-03-01\npostion: {{image: {name}, alt: A}}")
    jobs = json.loads(invoke(folder, sandbox, "plan", "--json")[1])["jobs"]
    problems = {(job["post_id"], job["platform"]): job["attachment"].get("problem", "") for job in jobs}
    assert "fake.png is not a PNG image" in problems[("fake", "bluesky")]
    assert "moving.gif does not fit: Threads downloads images as they are" in problems[("moving", "threads")]
    assert problems[("moving", "bluesky")] == ""  # Bluesky takes a GIF
    assert "resolves outside the site's folders" in problems[("away", "bluesky")]
    status, _ = invoke(folder, sandbox, "publish", "--platform", "threads")
    assert status == 1 and not sandbox.store["threads"].get("containers")


def test_a_card_whose_picture_is_missing_goes_without_it_as_at_publish(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = blog(tmp_path, sandbox)
    write_post(folder, "p.md", "title: A card\ndate: 2026-03-01\nimage: gone.png\nimage_alt: Gone")
    jobs = {job["platform"]: job for job in json.loads(invoke(folder, sandbox, "plan", "--json")[1])["jobs"]}
    card = jobs["bluesky"]["attachment"]
    assert card["note"] == "the card goes without its picture: gone.png was not found" and "problem" not in card
    assert invoke(folder, sandbox, "publish")[0] == 0
    [record] = sandbox.store["bluesky"]["records"].values()
    assert "thumb" not in record["value"]["embed"]["external"]
