"""Issue 30's acceptance, against fakes written from the platforms' documentation (not the
sandbox): every request of a publish keeps its platform's contract (X's bodies validated by X's
own SDK models), and the texts, images, alt texts and cards that arrive are what `plan --json`
showed, byte for byte, on all six platforms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import write_post
from contracts.docs_blog import docs_blog, invoke, png, server
from contracts.docs_server import Arrival, DocsServer

__all__ = ["server"]  # the fixture

LONG_ALT = "A photograph of a cheese board, " + "with grapes and figs beside the cheeses, " * 30  # 1,232 chars
CAPTION = (
    "Thanks to @jane.bsky.social and @nobody.bsky.social for reading the draft of this one. "
    + "Every word of their notes is in it: the argument, the examples, the order of the parts, the title. " * 3
    + "{{ url }}"
)


def blog(folder: Path, server: DocsServer) -> dict[str, str]:
    """A blog of three posts (a card with its picture, an image with a long alt text, a long caption
    with mentions that becomes threads), every platform pointed at its fake; its environment."""
    env = docs_blog(folder, server)
    write_post(
        folder,
        "card.md",
        "title: 'Tom & Jerry: a 🧀 story, told at some length so that a card title has to be cut somewhere'\n"
        "date: 2026-03-01\nimage: cover.png\nimage_alt: A cheese",
        "Cheese <em>and</em> mice. " * 20,
    )
    write_post(
        folder,
        "image.md",
        f"title: A board\ndate: 2026-03-02\npostion: {{image: board.png, alt: '{LONG_ALT}'}}",
    )
    write_post(folder, "thanks.md", f"title: Thanks\ndate: 2026-03-03\npostion:\n  template: '{CAPTION}'")
    (folder / "posts" / "cover.png").write_bytes(png(64, 48, noise=False))
    (folder / "posts" / "board.png").write_bytes(png(700, 600, noise=True))  # ~1.26 MB: over Bluesky's 1 MB
    return env


def shown(job: dict[str, Any]) -> dict[str, Any]:
    """What the plan says will arrive, in the shape the fakes record."""
    attachment = job.get("attachment") or {}
    picture = card = None
    if "digest" in attachment:
        picture = {"digest": attachment["digest"], "alt": attachment.get("alt")}
    if attachment.get("kind") == "card" or "title" in attachment:
        card = {"url": job["post"]}
        if "title" in attachment:
            card |= {"title": attachment["title"], "description": attachment["description"]}
    return {"texts": [message["text"] for message in job["messages"]], "picture": picture, "card": card}


def arrived(arrival: Arrival) -> dict[str, Any]:
    return {"texts": arrival.texts, "picture": arrival.picture, "card": arrival.card}


def test_what_arrives_on_every_platform_is_what_the_plan_showed(tmp_path: Path, server: DocsServer) -> None:
    env = blog(tmp_path, server)
    code, output = invoke(tmp_path, env, "plan", "--json")
    assert code == 0, output
    jobs = json.loads(output)["jobs"]
    assert {job["platform"] for job in jobs} == {"x", "linkedin", "threads", "bluesky", "mastodon", "discord"}
    assert len(jobs) == 18
    assert server.requests == []  # the plan asks nothing of any platform

    code, output = invoke(tmp_path, env, "publish")
    assert server.violations == []
    assert code == 0, output

    expected = sorted((job["platform"], json.dumps(shown(job), sort_keys=True)) for job in jobs)
    received = sorted((a.platform, json.dumps(arrived(a), sort_keys=True)) for a in server.arrivals)
    for platform in sorted({p for p, _ in expected}):
        mine = [a for p, a in received if p == platform]
        theirs = [e for p, e in expected if p == platform]
        assert mine == theirs, platform


def test_the_plan_shows_the_cuts_and_conversions_that_go_out(tmp_path: Path, server: DocsServer) -> None:
    env = blog(tmp_path, server)
    jobs = json.loads(invoke(tmp_path, env, "plan", "--json")[1])["jobs"]
    board = {job["platform"]: job["attachment"] for job in jobs if job["post"].endswith("/image/")}
    assert len(LONG_ALT) > 1024
    assert len(board["x"]["alt"]) == 1000 and "alt text cut to 1,000 characters" in board["x"]["note"]
    assert len(board["discord"]["alt"]) == 1024
    assert board["mastodon"]["alt"] == LONG_ALT == board["bluesky"]["alt"]
    assert "converted to fit Bluesky" in board["bluesky"]["note"]
    assert "takes an image or a card, not both" in board["bluesky"]["note"]
    assert board["bluesky"]["digest"] != board["mastodon"]["digest"]  # Bluesky's is a JPEG within 1 MB
    thanks = {job["platform"]: job for job in jobs if job["post"].endswith("/thanks/")}
    assert thanks["bluesky"]["messages"][0]["mentions"] == ["jane.bsky.social", "nobody.bsky.social"]
    assert len(thanks["x"]["messages"]) > 1


PEOPLE = """
people:
  rosa: {name: Rosa Diaz, x: "@rosa_dev", bluesky: rosa.bsky.social, mastodon: "@rosa@fosstodon.org",
         linkedin: "urn:li:person:rosa1", threads: "@rosa"}
  jane: {name: Jane, bluesky: jane.bsky.social, mastodon: "@jane@hachyderm.io", x: "@jane"}
  sam: {name: Sam Lee, mastodon: "@sam@social.example"}
"""
THANKS = "Thanks {{ mention('rosa') }}, {{ mention('jane') }} and {{ mention('sam') }}: {{ url }}"


def test_three_mentions_arrive_on_each_platform_in_its_own_form(tmp_path: Path, server: DocsServer) -> None:
    env = docs_blog(tmp_path, server)
    (tmp_path / "postion.yml").write_text((tmp_path / "postion.yml").read_text() + PEOPLE, encoding="utf-8")
    write_post(tmp_path, "thanks.md", f'title: Thanks\ndate: 2026-03-03\npostion:\n  template: "{THANKS}"')
    code, output = invoke(tmp_path, env, "plan", "--json")
    assert code == 0, output
    planned = {job["platform"]: job["messages"][0]["text"] for job in json.loads(output)["jobs"]}
    url = "https://blog.example.com/thanks/"
    expected = {
        "x": f"Thanks @rosa_dev, @jane and Sam Lee: {url}",
        "bluesky": f"Thanks @rosa.bsky.social, @jane.bsky.social and Sam Lee: {url}",
        "mastodon": f"Thanks @rosa@fosstodon.org, @jane@hachyderm.io and @sam@social.example: {url}",
        "linkedin": f"Thanks @[Rosa Diaz](urn:li:person:rosa1), Jane and Sam Lee: {url}",
        "threads": f"Thanks @rosa, Jane and Sam Lee: {url}",
        "discord": f"Thanks Rosa Diaz, Jane and Sam Lee: {url}",  # names: no one is pinged
    }
    assert planned == expected

    code, output = invoke(tmp_path, env, "publish")
    assert server.violations == [] and code == 0, output
    assert {arrival.platform: arrival.texts[0] for arrival in server.arrivals} == expected
    bluesky = server.fakes["bluesky"]
    [record] = [r["value"] for r in bluesky.records.values()]  # type: ignore[attr-defined]
    text = record["text"].encode()
    mentions = {
        text[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(): f["features"][0]["did"]
        for f in record["facets"]
        if f["features"][0]["$type"].endswith("#mention")
    }
    assert mentions == {
        "@rosa.bsky.social": "did:plc:rosa3333333333333333333",
        "@jane.bsky.social": "did:plc:jane2222222222222222222",
    }


def test_an_unknown_name_is_a_plan_error_naming_the_post(tmp_path: Path, server: DocsServer) -> None:
    env = docs_blog(tmp_path, server)
    (tmp_path / "postion.yml").write_text((tmp_path / "postion.yml").read_text() + PEOPLE, encoding="utf-8")
    write_post(tmp_path, "oops.md", "title: Oops\ndate: 2026-03-03\npostion:\n  template: \"Hi {{ mention('bob') }}\"")
    code, output = invoke(tmp_path, env, "plan")
    assert code == 2
    assert "mention('bob')" in output and "oops.md" in output and "known: jane, rosa, sam" in output
