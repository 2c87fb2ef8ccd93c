"""Each adapter against the sandbox, which speaks the platforms' contracts over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters_support import NOW, MemoryJournal, outgoing, run
from postion_publish.core.errors import AuthExpired, ContentRejected, RateLimited, Transient
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import AlreadyPosted, Intent, SafeToResend, Unknowable
from postion_publish.platforms.bluesky.adapter import BlueskyAdapter, rkey_of
from postion_publish.platforms.cached import read_sealed_fact
from postion_publish.platforms.discord.adapter import DiscordAdapter
from postion_publish.platforms.discord.sandbox import webhook_url
from postion_publish.platforms.mastodon.adapter import MastodonAdapter
from postion_publish.sandbox import Sandbox


def bluesky_adapter(sandbox: Sandbox, client: DeadlineClient, cache: Path | None = None) -> BlueskyAdapter:
    return BlueskyAdapter(
        client,
        handle=sandbox.credentials.bluesky_handle,
        app_password=sandbox.credentials.bluesky_app_password,
        web_base=sandbox.platform_url("bluesky"),
        session_cache=cache,
    )


async def publish_bluesky(sandbox: Sandbox, post: Any, cache: Path | None = None) -> tuple[list[Any], MemoryJournal]:
    async with DeadlineClient(base_url=sandbox.platform_url("bluesky")) as client:
        journal = MemoryJournal()
        refs = await bluesky_adapter(sandbox, client, cache).publish(post, done=[], resend=None, journal=journal)
        return refs, journal


def records(sandbox: Sandbox) -> dict[str, Any]:
    stored: dict[str, Any] = sandbox.store["bluesky"].get("records", {})
    return stored


def test_bluesky_thread_of_three_replies_to_root_and_parent(sandbox: Sandbox) -> None:
    refs, journal = run(publish_bluesky(sandbox, outgoing("one (1/3)", "two (2/3)", "three (3/3)")))
    stored = records(sandbox)
    second, third = stored[refs[1].id]["value"], stored[refs[2].id]["value"]
    assert "reply" not in stored[refs[0].id]["value"]
    assert second["reply"]["root"] == {"uri": refs[0].id, "cid": refs[0].extra["cid"]}
    assert third["reply"]["root"]["uri"] == refs[0].id and third["reply"]["parent"]["uri"] == refs[1].id
    assert [event[0] for event in journal.events] == ["before", "after"] * 3


def test_bluesky_facets_arrive_with_their_byte_offsets(sandbox: Sandbox) -> None:
    text = "日本語 🚀 read https://blog.example.com/p/"
    refs, _ = run(publish_bluesky(sandbox, outgoing(text)))
    value = records(sandbox)[refs[0].id]["value"]
    [facet] = value["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert value["text"].encode()[start:end] == b"https://blog.example.com/p/"


def test_bluesky_mentions_resolve_to_dids_and_an_unknown_handle_stays_text(sandbox: Sandbox) -> None:
    from postion_publish.platforms.bluesky.sandbox import did_of

    text = "日本 thanks @alice.bsky.sandbox and @nobody.example for https://blog.example.com/p/"
    refs, _ = run(publish_bluesky(sandbox, outgoing(text)))
    value = records(sandbox)[refs[0].id]["value"]
    data = value["text"].encode()
    spans = {data[f["index"]["byteStart"] : f["index"]["byteEnd"]]: f["features"][0] for f in value["facets"]}
    assert spans[b"@alice.bsky.sandbox"] == {
        "$type": "app.bsky.richtext.facet#mention",
        "did": did_of("alice.bsky.sandbox"),
    }
    assert spans[b"https://blog.example.com/p/"]["$type"] == "app.bsky.richtext.facet#link"
    assert b"@nobody.example" not in spans  # not resolved: it stays text


def test_bluesky_public_url_opens_the_sandbox_page(sandbox: Sandbox) -> None:
    refs, _ = run(publish_bluesky(sandbox, outgoing("hello")))
    assert refs[0].url.endswith(f"/profile/{sandbox.credentials.bluesky_handle}/post/{rkey_of(refs[0].id)}")
    page = httpx.get(refs[0].url)
    assert page.status_code == 200 and "hello" in page.text


def test_bluesky_image_with_alt_text(sandbox: Sandbox) -> None:
    refs, _ = run(publish_bluesky(sandbox, outgoing("with a picture", image=True)))
    embed = records(sandbox)[refs[0].id]["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    assert embed["images"][0]["alt"] == "A one-pixel picture"
    assert embed["images"][0]["image"]["mimeType"] == "image/png"
    assert embed["images"][0]["aspectRatio"] == {"width": 1, "height": 1}  # from the image's own header


def test_bluesky_record_checks_are_the_reference_pds_own(sandbox: Sandbox) -> None:
    """What @atproto/pds 0.4.217 answered to the same records (benchmarks/real_pds.py)."""
    blob = {"$type": "blob", "ref": {"$link": "bafkreiexample"}, "mimeType": "image/png", "size": 1_000_001}
    image = {"image": blob, "alt": "x"}
    bad = {
        "blob too big (maximum 1000000, got 1000001) at $.record.embed.images[0].image": [image],
        "integer too small (minimum 1, got 0) at $.record.embed.images[0].aspectRatio.width": [
            {**image, "image": {**blob, "size": 10}, "aspectRatio": {"width": 0, "height": 2}}
        ],
        'Expected integer value type (got "3") at $.record.embed.images[0].aspectRatio.width': [
            {**image, "image": {**blob, "size": 10}, "aspectRatio": {"width": "3", "height": 2}}
        ],
    }
    from postion_publish.platforms.bluesky.sandbox import _check_record

    for message, images in bad.items():
        record = {"text": "hi", "createdAt": "2026-12-07T00:00:00Z", "embed": {"images": images}}
        assert _check_record(record) == f"Invalid app.bsky.feed.post record: {message}"


def test_bluesky_link_card_with_uploaded_thumbnail(sandbox: Sandbox) -> None:
    refs, _ = run(publish_bluesky(sandbox, outgoing("a card", thumb=True)))
    external = records(sandbox)[refs[0].id]["value"]["embed"]["external"]
    assert (external["uri"], external["title"], external["description"]) == (
        "https://blog.example.com/p/",
        "A post",
        "What it says.",
    )
    assert external["thumb"]["ref"]["$link"] in sandbox.store["bluesky"]["blobs"]


def test_bluesky_session_is_created_once_and_reused_from_the_cache(sandbox: Sandbox, tmp_path: Path) -> None:
    cache = tmp_path / "session.json"
    run(publish_bluesky(sandbox, outgoing("one"), cache))
    run(publish_bluesky(sandbox, outgoing("two", key="post-2|bluesky"), cache))
    assert sandbox.store["bluesky_sessions_created"] == 1
    assert oct(cache.stat().st_mode & 0o777) == "0o600"


def test_the_cached_bluesky_session_is_of_no_use_without_the_app_password(sandbox: Sandbox, tmp_path: Path) -> None:
    # The Action keeps the cache folder in GitHub's cache, which a fork's pull-request run can restore.
    cache = tmp_path / "session.json"
    run(publish_bluesky(sandbox, outgoing("one"), cache))
    text = cache.read_text()
    tokens = [key.split(":", 1)[1] for key in sandbox.sessions if key.startswith("bluesky:")]
    assert tokens and not any(token in text for token in tokens) and "refreshJwt" not in text
    other = sandbox.credentials.bluesky_app_password[::-1]
    assert read_sealed_fact(cache, NOW, other) is None
    assert read_sealed_fact(cache, NOW, sandbox.credentials.bluesky_app_password)


def test_bluesky_expired_token_is_refreshed_and_the_post_goes_out(sandbox: Sandbox) -> None:
    sandbox.fail("bluesky", "auth", path_contains="createRecord")
    refs, _ = run(publish_bluesky(sandbox, outgoing("after a refresh")))
    assert len(refs) == 1 and sandbox.store["bluesky_sessions_created"] == 1


def test_bluesky_wrong_app_password_is_auth_expired(sandbox: Sandbox) -> None:
    async def attempt() -> None:
        async with DeadlineClient(base_url=sandbox.platform_url("bluesky")) as client:
            adapter = BlueskyAdapter(
                client, handle=sandbox.credentials.bluesky_handle, app_password="nope-nope-nope-nope"
            )
            await adapter.publish(outgoing("x"), done=[], resend=None, journal=MemoryJournal())

    with pytest.raises(AuthExpired, match="POSTION_BLUESKY_APP_PASSWORD"):
        run(attempt())


def test_bluesky_resolves_a_recorded_rkey_by_looking_it_up(sandbox: Sandbox) -> None:
    refs, journal = run(publish_bluesky(sandbox, outgoing("sent before the crash")))
    rkey = journal.events[0][2]["rkey"]

    async def resolve(key: str) -> Any:
        async with DeadlineClient(base_url=sandbox.platform_url("bluesky")) as client:
            adapter = bluesky_adapter(sandbox, client)
            return await adapter.resolve(outgoing("x"), Intent(0, NOW, {"rkey": key}))

    found = run(resolve(rkey))
    assert isinstance(found, AlreadyPosted) and found.ref.id == refs[0].id
    assert isinstance(run(resolve("3zzzzzzzzzzzz")), SafeToResend)


def test_bluesky_too_long_text_is_content_rejected(sandbox: Sandbox) -> None:
    with pytest.raises(ContentRejected, match="300 graphemes"):
        run(publish_bluesky(sandbox, outgoing("x" * 301)))


def test_bluesky_rate_limit_carries_the_wait(sandbox: Sandbox) -> None:
    sandbox.fail("bluesky", "429", retry_after=7, path_contains="createRecord")
    with pytest.raises(RateLimited) as caught:
        run(publish_bluesky(sandbox, outgoing("x")))
    assert caught.value.retry_after == 7


# --- Mastodon ----------------------------------------------------------------------------------


async def publish_mastodon(sandbox: Sandbox, post: Any, token: str | None = None) -> tuple[list[Any], MemoryJournal]:
    async with DeadlineClient(base_url=sandbox.platform_url("mastodon")) as client:
        journal = MemoryJournal()
        adapter = MastodonAdapter(client, token=token or sandbox.credentials.mastodon_token)
        return await adapter.publish(post, done=[], resend=None, journal=journal), journal


def statuses(sandbox: Sandbox) -> dict[str, Any]:
    stored: dict[str, Any] = sandbox.store["mastodon"].get("statuses", {})
    return stored


def test_mastodon_thread_replies_in_order_with_idempotency_keys(sandbox: Sandbox) -> None:
    post = outgoing("one", "two", "three", key="p|mastodon")
    refs, _ = run(publish_mastodon(sandbox, post))
    stored = statuses(sandbox)
    assert [stored[r.id]["in_reply_to_id"] for r in refs] == [None, refs[0].id, refs[1].id]
    assert [stored[r.id]["idempotency_key"] for r in refs] == [post.part_key(i) for i in range(3)]


def test_mastodon_same_idempotency_key_never_posts_twice(sandbox: Sandbox) -> None:
    post = outgoing("only once", key="p|mastodon")
    first, _ = run(publish_mastodon(sandbox, post))
    again, _ = run(publish_mastodon(sandbox, post))
    assert first[0].id == again[0].id and len(statuses(sandbox)) == 1


def test_mastodon_media_with_description(sandbox: Sandbox) -> None:
    refs, _ = run(publish_mastodon(sandbox, outgoing("pic", image=True)))
    [media] = statuses(sandbox)[refs[0].id]["media"]
    assert media["description"] == "A one-pixel picture"
    assert refs[0].url == f"{sandbox.platform_url('mastodon')}/@demo/{refs[0].id}"


def test_mastodon_reads_the_instance_limit(sandbox: Sandbox) -> None:
    async def limit() -> int | None:
        async with DeadlineClient(base_url=sandbox.platform_url("mastodon")) as client:
            return await MastodonAdapter(client, token="t").character_limit()

    assert run(limit()) == 500


def test_mastodon_bad_token_is_auth_expired(sandbox: Sandbox) -> None:
    with pytest.raises(AuthExpired, match="POSTION_MASTODON_TOKEN"):
        run(publish_mastodon(sandbox, outgoing("x"), token="wrong"))


def test_mastodon_5xx_is_transient_and_may_have_posted(sandbox: Sandbox) -> None:
    sandbox.fail("mastodon", "500-after")
    with pytest.raises(Transient) as caught:
        run(publish_mastodon(sandbox, outgoing("x")))
    assert caught.value.maybe_sent and len(statuses(sandbox)) == 1


def test_mastodon_resolution_resends_only_within_the_idempotency_hour() -> None:
    import datetime as dt

    adapter = MastodonAdapter(DeadlineClient(), token="t", clock=lambda: NOW)
    recent = Intent(0, NOW - dt.timedelta(minutes=5))
    old = Intent(0, NOW - dt.timedelta(hours=2))
    assert isinstance(run(adapter.resolve(outgoing("x"), recent)), SafeToResend)
    assert isinstance(run(adapter.resolve(outgoing("x"), old)), Unknowable)


# --- Discord -----------------------------------------------------------------------------------


async def publish_discord(sandbox: Sandbox, post: Any, url: str | None = None) -> list[Any]:
    async with DeadlineClient() as client:
        adapter = DiscordAdapter(
            client, webhook_url=url or webhook_url(sandbox), web_base=sandbox.platform_url("discord")
        )
        return await adapter.publish(post, done=[], resend=None, journal=MemoryJournal())


def messages(sandbox: Sandbox) -> dict[str, Any]:
    stored: dict[str, Any] = sandbox.store["discord"].get("messages", {})
    return stored


def test_discord_posts_with_an_embed_and_mentions_that_cannot_ping(sandbox: Sandbox) -> None:
    [ref] = run(publish_discord(sandbox, outgoing("@everyone New post!")))
    message = messages(sandbox)[ref.id]
    assert message["allowed_mentions"] == {"parse": []}
    assert message["embeds"][0]["url"] == "https://blog.example.com/p/"
    assert message["embeds"][0]["timestamp"].startswith("2026-11-29T12:00:00")
    assert httpx.get(ref.url).status_code == 200 and "pinged" not in httpx.get(ref.url).text


def test_discord_uploads_the_image_with_its_alt_text(sandbox: Sandbox) -> None:
    [ref] = run(publish_discord(sandbox, outgoing("pic", image=True)))
    message = messages(sandbox)[ref.id]
    assert message["attachments"][0]["description"] == "A one-pixel picture"
    assert message["embeds"][0]["image"]["url"] == "attachment://pixel.png"


def test_discord_matches_an_attachment_to_its_file_by_id(sandbox: Sandbox) -> None:
    """`attachments[].id` is the n of `files[n]`; one naming no file is refused, as Discord does."""
    url = webhook_url(sandbox)
    files = {"files[0]": ("pixel.png", b"png", "image/png")}

    def send(attachment_id: object) -> httpx.Response:
        payload = {"content": "x", "attachments": [{"id": attachment_id, "description": "alt"}]}
        return httpx.post(url, params={"wait": "true"}, data={"payload_json": json.dumps(payload)}, files=files)

    assert send("0").json()["attachments"][0]["description"] == "alt"
    assert send(0).status_code == 200  # Discord's own examples write it as a number
    refused = send("1")
    assert refused.status_code == 400 and "ATTACHMENT_NOT_FOUND" in refused.text


def test_discord_rate_limit_uses_retry_after_from_the_body(sandbox: Sandbox) -> None:
    sandbox.fail("discord", "429", retry_after=2.5)
    with pytest.raises(RateLimited) as caught:
        run(publish_discord(sandbox, outgoing("x")))
    assert caught.value.retry_after == 2.5


def test_discord_bad_webhook_is_auth_and_never_shows_the_url(sandbox: Sandbox) -> None:
    url = webhook_url(sandbox).replace("sandbox-webhook-token", "leaked-secret-token")
    with pytest.raises(AuthExpired) as caught:
        run(publish_discord(sandbox, outgoing("x"), url))
    assert "leaked-secret-token" not in str(caught.value)


def test_discord_cannot_tell_an_unclear_send() -> None:
    adapter = DiscordAdapter(DeadlineClient(), webhook_url="http://127.0.0.1:1/x")
    assert isinstance(run(adapter.resolve(outgoing("x"), Intent(0, NOW))), Unknowable)


def test_the_timeline_page_shows_a_thread_in_order_under_its_first_post(sandbox: Sandbox) -> None:
    run(publish_bluesky(sandbox, outgoing("first of three", "second of three", "third of three")))
    run(publish_bluesky(sandbox, outgoing("a later post", key="later|bluesky")))
    page = httpx.get(sandbox.base_url + "/").text
    positions = [page.index(text) for text in ("a later post", "first of three", "second of three", "third of three")]
    assert positions == sorted(positions) and "Bluesky (4)" in page
