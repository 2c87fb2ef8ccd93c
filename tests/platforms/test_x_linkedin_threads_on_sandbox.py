"""X, LinkedIn and Threads end to end: `postion publish` against the sandbox, which speaks their
contracts over real HTTP; results, history and quota; X's rotating refresh tokens across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters_support import PNG
from cli_runner import CliRunner, Result
from conftest import sandbox_env, write_post
from postion_publish.cli import main
from postion_publish.core import registry as platforms
from postion_publish.sandbox import Sandbox

LONG = " ".join(f"Sentence number {n} of a caption written to be far too long for one post." for n in range(1, 16))
RESERVED_TITLE = "Brackets ( ) [ ] { } < > @ # * _ ~ | \\ and all"


def config(sandbox: Sandbox, names: tuple[str, ...] = ("x", "linkedin", "threads")) -> str:
    lines = ["site_url: https://blog.example.com", "source: {type: content, path: posts}", "platforms:"]
    for name in names:
        options = {**platforms.spec(name).sandbox_module().settings(sandbox), "thread": True}
        lines.append(f"  {name}: {json.dumps(options)}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def three(tmp_path: Path, sandbox: Sandbox) -> Path:
    folder = tmp_path / "blog"
    folder.mkdir()
    (folder / "postion.yml").write_text(config(sandbox), encoding="utf-8")
    (folder / "posts").mkdir()
    (folder / "posts" / "cover.png").write_bytes(PNG)
    (folder / "posts" / "card.png").write_bytes(PNG)
    x_caption = LONG[:1000]
    write_post(
        folder,
        "pictures.md",
        f'title: Pictures\ndate: 2026-03-01\npostion:\n  image: cover.png\n  alt: "A cover, described"\n'
        f'  skip: [threads]\n  x: "{x_caption}"',
    )
    write_post(
        folder,
        "card.md",
        f"title: A card\ndate: 2026-03-02\nimage: card.png\ndescription: What the card says.\npostion:\n  skip: [x]\n"
        f'  threads: "{LONG}"',
    )
    write_post(folder, "reserved.md", f"title: '{RESERVED_TITLE}'\ndate: 2026-03-03\npostion: {{skip: [x, threads]}}")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    return folder


def invoke(run: Any, folder: Path, sandbox: Sandbox, *args: str) -> Result:
    previous = dict(os.environ)
    os.environ.update(sandbox_env(sandbox, folder))
    try:
        result: Result = run(folder, *args)
        return result
    finally:
        os.environ.clear()
        os.environ.update(previous)


def test_the_three_platforms_publish_threads_cards_and_images(three: Path, sandbox: Sandbox, run: Any) -> None:
    plan = json.loads(invoke(run, three, sandbox, "plan", "--json").stdout)
    parts = {(job["post_id"], job["platform"]): len(job["messages"]) for job in plan["jobs"]}
    assert parts[("pictures", "x")] == 4 and parts[("card", "threads")] == 3

    outcome = invoke(run, three, sandbox, "publish", "--json")
    assert outcome.exit_code == 0, outcome.output
    results = {(r["post"].rsplit("/", 2)[-2], r["platform"]): r for r in json.loads(outcome.stdout)["results"]}
    assert {r["status"] for r in results.values()} == {"published"}
    base = sandbox.base_url
    store = sandbox.store

    # X: a 4-part thread, the image with its alt text on part 1, the URL of part 1.
    tweets = sorted(store["x"]["tweets"].values(), key=lambda t: t["seq"])
    assert len(tweets) == 4 and tweets[0]["media"][0]["alt"] == "A cover, described"
    assert [t["in_reply_to"] for t in tweets] == [None, tweets[0]["id"], tweets[1]["id"], tweets[2]["id"]]
    assert results[("pictures", "x")]["url"] == f"{base}/x/postion_demo/status/{tweets[0]['id']}"

    # LinkedIn: an organization post with an article card (and its thumbnail), one with an image.
    posts = {p["urn"]: p for p in store["linkedin"]["posts"].values()}
    card = posts[results[("card", "linkedin")]["id"]]
    assert card["author"] == "urn:li:organization:1234"
    article = card["content"]["article"]
    assert (article["title"], article["description"], article["source"]) == (
        "A card",
        "What the card says.",
        "https://blog.example.com/card/",
    )
    assert store["linkedin"]["images"][article["thumbnail"]]["status"] == "AVAILABLE"
    picture = posts[results[("pictures", "linkedin")]["id"]]
    assert picture["content"]["media"]["altText"] == "A cover, described"
    assert results[("card", "linkedin")]["url"] == f"{base}/linkedin/feed/update/{card['urn']}/"

    # LinkedIn: a title full of reserved characters arrives whole, as the plan showed it.
    reserved = posts[results[("reserved", "linkedin")]["id"]]
    planned = next(j for j in plan["jobs"] if j["post_id"] == "reserved")["messages"][0]["text"]
    assert RESERVED_TITLE in planned and reserved["text"] == planned

    # Threads: the link as the preview of part 1, then a reply chain of 3.
    threads = sorted(store["threads"]["posts"].values(), key=lambda p: p["seq"])
    assert threads[0]["link_attachment"] == "https://blog.example.com/card/"
    assert [p["reply_to"] for p in threads] == [None, threads[0]["id"], threads[1]["id"]]
    assert results[("card", "threads")]["url"] == f"{base}/threads/@postion.demo/post/{threads[0]['shortcode']}"

    # Each live URL opens its post's page in the sandbox, and history and quota have them all.
    for result in results.values():
        page = subprocess.run(
            [sys.executable, "-c", f"import urllib.request; print(urllib.request.urlopen({result['url']!r}).status)"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert page.stdout.strip() == "200"
    history = json.loads(CliRunner().invoke(main, ["history", "--json", "-c", str(three / "postion.yml")]).stdout)
    assert {(a["platform"], a["url"]) for a in history} == {(r["platform"], r["url"]) for r in results.values()}
    assert json.loads(invoke(run, three, sandbox, "quota", "--json").stdout)["used"] == 5


def publish_process(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "postion_publish", "publish", "-c", str(folder / "postion.yml")]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=120)


def test_twenty_runs_rotate_the_x_refresh_token_through_the_file_store(tmp_path: Path, sandbox: Sandbox) -> None:
    folder = tmp_path / "blog"
    folder.mkdir()
    (folder / "postion.yml").write_text(config(sandbox, ("x",)), encoding="utf-8")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    env = {**os.environ, **sandbox_env(sandbox, folder)}
    for number in range(1, 21):
        # Two hours pass between runs: the access token each run saved has expired.
        sandbox.store["x"].setdefault("oauth", {"generation": 0, "revoked": False, "access_ttl": 7200})["issued"] = {}
        write_post(folder, f"post-{number}.md", f"title: Post {number}\ndate: 2026-03-01")
        done = publish_process(folder, env)
        assert done.returncode == 0, done.stdout + done.stderr
        # One refresh per run, never two: each used refresh token is dead afterwards.
        assert sandbox.store["x"]["oauth"]["generation"] == number
    assert len(sandbox.store["x"]["tweets"]) == 20
    token_file = Path(env["POSTION_TOKEN_FILE"])
    assert oct(token_file.stat().st_mode & 0o777) == "0o600"

    # The environment's refresh token was used by the first run: reusing it is refused.
    token_file.unlink()
    write_post(folder, "post-21.md", "title: Post 21\ndate: 2026-03-01")
    refused = publish_process(folder, env)
    assert refused.returncode == 1
    assert "auth expired: x: the refresh token was refused" in refused.stdout and "reconnect" in refused.stdout
    assert "Traceback" not in refused.stdout + refused.stderr
    assert sandbox.credentials.x_refresh_token not in refused.stdout + refused.stderr


def test_x_oauth1_signatures_are_checked_by_the_sandbox(sandbox: Sandbox, tmp_path: Path) -> None:
    from adapters_support import MemoryJournal, outgoing, run
    from postion_publish.core.config import PlatformSettings
    from postion_publish.core.errors import AuthExpired
    from postion_publish.platforms.build import build_adapter
    from postion_publish.platforms.x.sandbox import oauth1_environment

    settings = PlatformSettings(
        "x", api_base=sandbox.platform_url("x"), options={"web_base": sandbox.platform_url("x")}
    )

    async def publish(environ: dict[str, str]) -> Any:
        built = build_adapter(settings, environ)
        assert built is not None
        adapter, client = built
        async with client:
            return await adapter.publish(outgoing("Signed, sealed"), done=[], resend=None, journal=MemoryJournal())

    good = oauth1_environment(sandbox)
    refs = run(publish(good))
    assert refs[0].url.startswith(f"{sandbox.platform_url('x')}/postion_demo/status/")
    with pytest.raises(AuthExpired, match=r"OAuth 1\.0a"):
        run(publish({**good, "POSTION_X_API_SECRET": "not-the-secret"}))


def test_linkedin_shows_a_post_whole_when_a_bracket_closes_right_after_a_link(
    tmp_path: Path, sandbox: Sandbox, run: Any
) -> None:
    """`(see https://… ) and more`: the `)` is text, not part of the link, so it is escaped; sent as
    it was before, LinkedIn (and the sandbox, which reads little text as it does) cut the post there."""
    folder = tmp_path / "blog"
    folder.mkdir()
    (folder / "postion.yml").write_text(config(sandbox, ("linkedin",)), encoding="utf-8")
    caption = "New post (see {{ url }}) and more after it"
    write_post(folder, "p.md", f"title: P\ndate: 2026-03-01\npostion: {{linkedin: '{caption}'}}")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    assert invoke(run, folder, sandbox, "publish").exit_code == 0
    [post] = sandbox.store["linkedin"]["posts"].values()
    assert post["text"] == "New post (see https://blog.example.com/p/) and more after it"
