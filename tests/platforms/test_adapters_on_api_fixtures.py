"""Each adapter against hand-checked fixtures of the real APIs (from the platforms' API docs): the requests
it makes and how it maps each documented response, including every error kind."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from adapters_support import NOW, MemoryJournal, outgoing, run
from postion_publish.core.errors import AuthExpired, ContentRejected, PlatformError, RateLimited, Transient
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.bluesky.adapter import BlueskyAdapter
from postion_publish.platforms.discord.adapter import DiscordAdapter
from postion_publish.platforms.mastodon.adapter import MastodonAdapter

Handler = Callable[[httpx.Request], httpx.Response]
SESSION = {"accessJwt": "access-1", "refreshJwt": "refresh-1", "did": "did:plc:abc123", "handle": "me.example.com"}
CREATED = {"uri": "at://did:plc:abc123/app.bsky.feed.post/3k4duaz5vfs2b", "cid": "bafyreib2rxk3rybk"}


def client_for(handler: Handler, base: str = "https://pds.example") -> DeadlineClient:
    return DeadlineClient(base_url=base, transport=httpx.MockTransport(handler))


def bluesky_with(handler: Handler) -> BlueskyAdapter:
    return BlueskyAdapter(
        client_for(handler), handle="me.example.com", app_password="abcd-efgh-ijkl-mnop", clock=lambda: NOW
    )


def bluesky_server(create_record: Callable[[httpx.Request], httpx.Response]) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("createSession"):
            return httpx.Response(200, json=SESSION)
        if request.url.path.endswith("refreshSession"):
            return httpx.Response(200, json={**SESSION, "accessJwt": "access-2", "refreshJwt": "refresh-2"})
        if request.url.path.endswith("getRecord"):
            return httpx.Response(400, json={"error": "RecordNotFound", "message": "Could not locate record"})
        return create_record(request)

    return handler, seen


def publish_with(adapter: Any) -> list[Any]:
    return run(
        adapter.publish(outgoing("Hello https://blog.example.com/p/"), done=[], resend=None, journal=MemoryJournal())
    )


def test_bluesky_requests_follow_the_xrpc_contract() -> None:
    handler, seen = bluesky_server(lambda request: httpx.Response(200, json=CREATED))
    [ref] = publish_with(bluesky_with(handler))
    session, create = seen
    assert session.url.path == "/xrpc/com.atproto.server.createSession"
    assert json.loads(session.content) == {"identifier": "me.example.com", "password": "abcd-efgh-ijkl-mnop"}
    assert create.url.path == "/xrpc/com.atproto.repo.createRecord"
    assert create.headers["authorization"] == "Bearer access-1"
    body = json.loads(create.content)
    assert (body["repo"], body["collection"], len(body["rkey"])) == ("did:plc:abc123", "app.bsky.feed.post", 13)
    record = body["record"]
    assert record["$type"] == "app.bsky.feed.post" and record["createdAt"] == "2026-11-29T12:00:00Z"
    assert record["facets"][0]["features"][0]["$type"] == "app.bsky.richtext.facet#link"
    assert record["embed"]["$type"] == "app.bsky.embed.external"
    assert (ref.id, ref.extra["cid"]) == (CREATED["uri"], CREATED["cid"])
    assert ref.url == "https://bsky.app/profile/me.example.com/post/3k4duaz5vfs2b"


def test_bluesky_expired_token_refreshes_with_the_refresh_jwt() -> None:
    answers = iter([httpx.Response(400, json={"error": "ExpiredToken", "message": "Token has expired"})])
    handler, seen = bluesky_server(lambda request: next(answers, httpx.Response(200, json=CREATED)))
    publish_with(bluesky_with(handler))
    refresh = next(r for r in seen if r.url.path.endswith("refreshSession"))
    assert refresh.headers["authorization"] == "Bearer refresh-1"
    assert seen[-1].headers["authorization"] == "Bearer access-2"


@pytest.mark.parametrize(
    ("response", "error", "text"),
    [
        (
            httpx.Response(400, json={"error": "InvalidRequest", "message": "grapheme too big (maximum 300, got 301)"}),
            ContentRejected,
            "grapheme too big",
        ),
        (
            httpx.Response(401, json={"error": "AuthenticationRequired", "message": "Authentication Required"}),
            AuthExpired,
            "POSTION_BLUESKY_APP_PASSWORD",
        ),
        (
            httpx.Response(
                429,
                json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                headers={"ratelimit-reset": str(int(NOW.timestamp()) + 120)},  # the adapter's clock: NOW
            ),
            RateLimited,
            "Rate Limit",
        ),
        (httpx.Response(502, text="Bad Gateway"), Transient, "502"),
    ],
)
def test_bluesky_errors_map_to_the_family(response: httpx.Response, error: type[PlatformError], text: str) -> None:
    handler, _ = bluesky_server(lambda request: response)
    with pytest.raises(error, match=text) as caught:
        publish_with(bluesky_with(handler))
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after == 120


def test_bluesky_500_with_no_record_is_transient_and_maybe_sent() -> None:
    handler, seen = bluesky_server(lambda request: httpx.Response(500, json={"error": "InternalServerError"}))
    with pytest.raises(Transient) as caught:
        publish_with(bluesky_with(handler))
    assert caught.value.maybe_sent and seen[-1].url.path.endswith("getRecord")


# --- Mastodon ----------------------------------------------------------------------------------

STATUS = {
    "id": "109372843234",
    "url": "https://mastodon.example/@me/109372843234",
    "uri": "https://mastodon.example/users/me/statuses/109372843234",
}


def mastodon_with(handler: Handler) -> MastodonAdapter:
    return MastodonAdapter(
        client_for(handler, "https://mastodon.example"), token="secret-token", language="en", clock=lambda: NOW
    )


def test_mastodon_request_carries_token_idempotency_key_and_json() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=STATUS)

    [ref] = publish_with(mastodon_with(handler))
    [request] = seen
    assert (request.method, request.url.path) == ("POST", "/api/v1/statuses")
    assert request.headers["authorization"] == "Bearer secret-token"
    assert request.headers["idempotency-key"] == outgoing("x").part_key(0)
    assert json.loads(request.content) == {
        "status": "Hello https://blog.example.com/p/",
        "visibility": "public",
        "language": "en",
    }
    assert (ref.id, ref.url) == (STATUS["id"], STATUS["url"])


@pytest.mark.parametrize(
    ("response", "error", "text"),
    [
        (
            httpx.Response(422, json={"error": "Validation failed: Text character limit of 500 exceeded"}),
            ContentRejected,
            "character limit of 500",
        ),
        (httpx.Response(401, json={"error": "The access token is invalid"}), AuthExpired, "access token is invalid"),
        (httpx.Response(404, json={"error": "Record not found"}), ContentRejected, "Record not found"),
        (httpx.Response(503, json={"error": "Service Unavailable"}), Transient, "503"),
    ],
)
def test_mastodon_errors_map_to_the_family(response: httpx.Response, error: type[PlatformError], text: str) -> None:
    with pytest.raises(error, match=text):
        publish_with(mastodon_with(lambda request: response))


def test_mastodon_rate_limit_reset_is_an_iso_time() -> None:
    reset = (NOW + dt.timedelta(seconds=90)).isoformat()
    response = httpx.Response(429, json={"error": "Too many requests"}, headers={"X-RateLimit-Reset": reset})
    with pytest.raises(RateLimited) as caught:
        publish_with(mastodon_with(lambda request: response))
    assert caught.value.retry_after == 90


def test_mastodon_media_upload_waits_for_processing() -> None:
    polls = iter(
        [httpx.Response(206, json={"id": "7", "url": None}), httpx.Response(200, json={"id": "7", "url": "u"})]
    )
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/api/v2/media":
            return httpx.Response(202, json={"id": "7", "url": None})
        if request.url.path == "/api/v1/media/7":
            return next(polls)
        return httpx.Response(200, json=STATUS)

    adapter = MastodonAdapter(client_for(handler, "https://m.example"), token="t", poll_interval=0)
    run(adapter.publish(outgoing("pic", image=True), done=[], resend=None, journal=MemoryJournal()))
    assert b'name="description"' in seen[0].content and b"A one-pixel picture" in seen[0].content
    assert json.loads(seen[-1].content)["media_ids"] == ["7"]


# --- Discord -----------------------------------------------------------------------------------

WEBHOOK = "https://discord.com/api/webhooks/223704706495545344/3d89bb7572e0fb30d8128367b3b1b44fecd1726de135cbe28a41f8b2f777c372ba2939e72279b94526ff5d1bd4358d65cf11"
MESSAGE = {"id": "1105186154468257878", "channel_id": "1105185000000000000", "content": "Hello"}


def discord_with(handler: Handler) -> DiscordAdapter:
    def route(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(
                200,
                json={
                    "id": "223704706495545344",
                    "guild_id": "81384788765712384",
                    "channel_id": MESSAGE["channel_id"],
                    "name": "blog",
                },
            )
        return handler(request)

    return DiscordAdapter(DeadlineClient(transport=httpx.MockTransport(route)), webhook_url=WEBHOOK)


def test_discord_executes_the_webhook_with_wait_and_builds_the_message_url() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=MESSAGE)

    [ref] = publish_with(discord_with(handler))
    [request] = seen
    assert request.url.params["wait"] == "true"
    body = json.loads(request.content)
    assert body["allowed_mentions"] == {"parse": []} and body["embeds"][0]["title"] == "A post"
    assert ref.url == "https://discord.com/channels/81384788765712384/1105185000000000000/1105186154468257878"


@pytest.mark.parametrize(
    ("response", "error", "text"),
    [
        (
            httpx.Response(429, json={"message": "You are being rate limited.", "retry_after": 64.57, "global": False}),
            RateLimited,
            "rate limited",
        ),
        (httpx.Response(404, json={"message": "Unknown Webhook", "code": 10015}), AuthExpired, "10015"),
        (
            httpx.Response(
                400,
                json={
                    "code": 50035,
                    "message": "Invalid Form Body",
                    "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}},
                },
            ),
            ContentRejected,
            "Invalid Form Body",
        ),
        (httpx.Response(502, text="Bad Gateway"), Transient, "502"),
    ],
)
def test_discord_errors_map_to_the_family(response: httpx.Response, error: type[PlatformError], text: str) -> None:
    with pytest.raises(error, match=text) as caught:
        publish_with(discord_with(lambda request: response))
    assert WEBHOOK.rsplit("/", 1)[1] not in str(caught.value)
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after == 64.57


def test_a_timeout_after_sending_may_have_posted_but_a_refused_connection_did_not() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(Transient) as late:
        publish_with(mastodon_with(timeout))
    with pytest.raises(Transient) as never:
        publish_with(mastodon_with(refused))
    assert (late.value.maybe_sent, never.value.maybe_sent) == (True, False)
