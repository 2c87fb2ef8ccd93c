"""Issue 30's acceptance on Bluesky's own PDS (@atproto/pds 0.4, started by @atproto/dev-env on
127.0.0.1), which validates every record against the lexicons as it writes it: a card with its
picture, an image that must be converted, and a caption with a link, a tag and two mentions (one
of a handle that exists) arrive as `plan --json` showed them, read back from the PDS, blobs and
facet offsets included.

Needs Node.js and `npm ci --prefix tests/contracts/pds` (what .ci/run does); skipped without them."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import write_post
from contracts.docs_blog import invoke, png

PDS = Path(__file__).parent / "pds"
ACCOUNTS = [
    {"handle": "blogger.test", "email": "blogger@test.example", "password": "a-long-test-password"},
    {"handle": "jane.test", "email": "jane@test.example", "password": "another-long-password"},
]
# Jane through `people:` (`{{ mention('jane') }}`), nobody by hand: a handle no one holds.
CAPTION = "Thanks {{ mention('jane') }} and @nobody.test, for #posse and {{ url }} (with ünïcödé 🧀 before the link)"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pds() -> Iterator[dict[str, Any]]:
    if shutil.which("node") is None or not (PDS / "node_modules" / "@atproto" / "dev-env").is_dir():
        pytest.skip("Bluesky's PDS is not installed: npm ci --prefix tests/contracts/pds")
    process = subprocess.Popen(
        ["node", "launcher.js"],
        cwd=PDS,
        env={"PATH": str(Path(shutil.which("node") or "node").parent), "ACCOUNTS": json.dumps(ACCOUNTS)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    where: dict[str, Any] = json.loads(process.stdout.readline())
    where["url"] = where["url"].replace("//localhost:", "//127.0.0.1:")  # nothing but loopback, by address
    yield where
    process.stdin.close()
    process.wait(timeout=30)


def xrpc(pds: dict[str, Any], method: str, **params: str) -> bytes:
    with urllib.request.urlopen(f"{pds['url']}/xrpc/{method}?{urllib.parse.urlencode(params)}") as answer:
        data: bytes = answer.read()
    return data


def test_every_record_the_pds_stores_is_what_the_plan_showed(tmp_path: Path, pds: dict[str, Any]) -> None:
    did = pds["dids"]["blogger.test"]
    (tmp_path / "postion.yml").write_text(
        "site_url: https://blog.example.com\nsource: {type: content, path: posts}\n"
        f"platforms:\n  bluesky: {{handle: blogger.test, service: '{pds['url']}'}}\n"
        "people:\n  jane: {name: Jane, bluesky: jane.test}\n",
        encoding="utf-8",
    )
    write_post(tmp_path, "card.md", "title: 'Tom & Jerry: a 🧀 story'\ndate: 2026-03-01\nimage: cover.png", "Mice.")
    write_post(tmp_path, "image.md", "title: A board\ndate: 2026-03-02\npostion: {image: board.png, alt: Figs}")
    write_post(tmp_path, "thanks.md", f'title: Thanks\ndate: 2026-03-03\npostion:\n  template: "{CAPTION}"')
    (tmp_path / "posts" / "cover.png").write_bytes(png(64, 48, noise=False))
    (tmp_path / "posts" / "board.png").write_bytes(png(700, 600, noise=True))
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    env = {"POSTION_BLUESKY_APP_PASSWORD": pds["password"], "POSTION_CACHE_DIR": str(tmp_path / ".cache")}

    code, output = invoke(tmp_path, env, "plan", "--json")
    assert code == 0, output
    planned = {job["post"]: job for job in json.loads(output)["jobs"]}
    code, output = invoke(tmp_path, env, "publish")
    assert code == 0, output

    listed = xrpc(pds, "com.atproto.repo.listRecords", repo=did, collection="app.bsky.feed.post")
    stored = {record["value"]["text"]: record["value"] for record in json.loads(listed)["records"]}
    assert len(stored) == 3
    for url, job in planned.items():
        [message] = job["messages"]
        record = stored[message["text"]]  # the text, byte for byte
        attachment = job.get("attachment") or {}
        embed = record.get("embed", {})
        if attachment.get("kind") == "image":
            [image] = embed["images"]
            assert image["alt"] == attachment["alt"]
            blob = xrpc(pds, "com.atproto.sync.getBlob", did=did, cid=image["image"]["ref"]["$link"])
            assert hashlib.sha256(blob).hexdigest() == attachment["digest"]
            assert image["aspectRatio"] == {"width": 700, "height": 600}
        else:
            external = embed["external"]
            assert (external["uri"], external["title"]) == (url, attachment["title"])
            assert external["description"] == attachment["description"]
            if "digest" in attachment:
                blob = xrpc(pds, "com.atproto.sync.getBlob", did=did, cid=external["thumb"]["ref"]["$link"])
                assert hashlib.sha256(blob).hexdigest() == attachment["digest"]
        text = record["text"].encode()
        covered = {
            text[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(): f["features"][0]
            for f in record.get("facets", [])
        }
        mentions = [f for f in record.get("facets", []) if f["features"][0]["$type"].endswith("#mention")]
        assert [f for f in record.get("facets", []) if f not in mentions] == message["facets"]  # offsets too
        if url.endswith("/thanks/"):
            assert covered["@jane.test"] == {
                "$type": "app.bsky.richtext.facet#mention",
                "did": pds["dids"]["jane.test"],
            }
            assert "@nobody.test" not in covered  # no such handle: it stays text
            assert covered["#posse"] == {"$type": "app.bsky.richtext.facet#tag", "tag": "posse"}
            assert covered[url] == {"$type": "app.bsky.richtext.facet#link", "uri": url}
