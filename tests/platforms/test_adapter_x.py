"""X against fixtures shaped like the real API's answers (X's OpenAPI 2.167 and docs.x.com, as in
../shared/platforms.md §1): the requests it makes, its tokens, every error kind, and how it
resolves a send whose answer was lost."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from urllib.parse import parse_qs

import httpx
import pytest

from adapters_support import NOW, MemoryJournal, outgoing, run
from postion_publish.core.errors import AuthExpired, ContentRejected, Duplicate, PlatformError, RateLimited, Transient
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import AlreadyPosted, Intent, PartRef, Unknowable
from postion_publish.platforms.x.adapter import OAuth1, OAuth2Tokens, XAdapter
from postion_publish.store.tokens import MemoryStore

Handler = Callable[[httpx.Request], httpx.Response]
ME = {"data": {"id": "2244994945", "name": "Blog", "username": "myblog"}}
TOKENS = {
    "token_type": "bearer",
    "expires_in": 7200,
    "access_token": "access-new",
    "scope": "tweet.read tweet.write users.read media.write offline.access",
    "refresh_token": "refresh-new",
}
DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}


def created(post_id: str = "1445880548472328192") -> httpx.Response:
    return httpx.Response(201, json={"data": {"id": post_id, "text": "…", "edit_history_tweet_ids": [post_id]}})


def server(post: Handler, seen: list[httpx.Request] | None = None) -> Handler:
    """Answers tokens, /users/me, media and the timeline as X does; `post` answers POST /2/tweets."""
    seen = seen if seen is not None else []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path == "/2/oauth2/token":
            return httpx.Response(200, json=TOKENS)
        if path == "/2/users/me":
            return httpx.Response(200, json=ME)
        if path == "/2/media/upload":
            return httpx.Response(200, json={"data": {"id": "1880028106020515840", "media_key": "3_188", "size": 70}})
        if path == "/2/media/metadata":
            return httpx.Response(200, json={"data": {"id": "1880028106020515840"}})
        if path == "/2/users/2244994945/tweets":
            return httpx.Response(200, json={"meta": {"result_count": 0}})
        return post(request)

    return handler


def oauth2_adapter(handler: Handler, store: MemoryStore | None = None, access: str | None = "access-old") -> XAdapter:
    client = DeadlineClient(base_url="https://api.x.com", transport=httpx.MockTransport(handler))
    tokens = OAuth2Tokens(client_id="client-1", refresh="refresh-old", access=access)
    return XAdapter(client, oauth2=tokens, tokens=store or MemoryStore(), clock=lambda: NOW, poll_interval=0)


def oauth1_adapter(handler: Handler) -> XAdapter:
    client = DeadlineClient(base_url="https://api.x.com", transport=httpx.MockTransport(handler))
    signing = OAuth1("consumer-key", "consumer-secret", "user-token", "user-secret")
    return XAdapter(client, oauth1_auth=signing, clock=lambda: NOW)


def test_a_thread_with_an_image_follows_the_v2_contract() -> None:
    seen: list[httpx.Request] = []
    ids = iter(["101", "102", "103", "104"])
    adapter = oauth2_adapter(server(lambda request: created(next(ids)), seen))
    journal = MemoryJournal()
    post = outgoing("one (1/4)", "two (2/4)", "three (3/4)", "four (4/4)", image=True)
    refs = run(adapter.publish(post, done=[], resend=None, journal=journal))

    assert [ref.url for ref in refs] == [f"https://x.com/myblog/status/{n}" for n in (101, 102, 103, 104)]
    bodies = [json.loads(r.content) for r in seen if r.url.path == "/2/tweets"]
    assert bodies[0] == {"text": "one (1/4)", "media": {"media_ids": ["1880028106020515840"]}}
    assert [b["reply"]["in_reply_to_tweet_id"] for b in bodies[1:]] == ["101", "102", "103"]
    assert all(set(body) <= {"text", "reply", "media"} for body in bodies)  # additionalProperties: false
    upload = next(r for r in seen if r.url.path == "/2/media/upload")
    assert b'name="media_category"\r\n\r\ntweet_image' in upload.content
    assert upload.headers["content-type"].startswith("multipart/form-data")
    alt = json.loads(next(r for r in seen if r.url.path == "/2/media/metadata").content)
    assert alt == {"id": "1880028106020515840", "metadata": {"alt_text": {"text": "A one-pixel picture"}}}
    assert all(r.headers["authorization"] == "Bearer access-old" for r in seen)
    assert [event[0] for event in journal.events] == ["before", "after"] * 4


def test_without_an_access_token_the_refresh_comes_first_and_the_new_pair_is_stored() -> None:
    seen: list[httpx.Request] = []
    store = MemoryStore()
    adapter = oauth2_adapter(server(lambda request: created(), seen), store, access=None)
    run(adapter.publish(outgoing("Hello"), done=[], resend=None, journal=MemoryJournal()))
    token_call = seen[0]
    assert token_call.url.path == "/2/oauth2/token"
    assert parse_qs(token_call.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["refresh-old"],
        "client_id": ["client-1"],
    }
    assert "authorization" not in token_call.headers  # a public client: no Basic auth
    assert store.values == {"POSTION_X_REFRESH_TOKEN": "refresh-new", "POSTION_X_ACCESS_TOKEN": "access-new"}
    assert seen[-1].headers["authorization"] == "Bearer access-new"


def test_a_confidential_client_refreshes_with_basic_auth() -> None:
    seen: list[httpx.Request] = []
    client = DeadlineClient(
        base_url="https://api.x.com", transport=httpx.MockTransport(server(lambda r: created(), seen))
    )
    tokens = OAuth2Tokens(client_id="client-1", refresh="refresh-old", client_secret="s3cret")
    run(XAdapter(client, oauth2=tokens).publish(outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()))
    assert seen[0].headers["authorization"] == "Basic Y2xpZW50LTE6czNjcmV0"  # client-1:s3cret


def test_a_refused_access_token_is_refreshed_once_and_the_post_sent_once_more() -> None:
    answers = iter(
        [httpx.Response(401, json={"title": "Unauthorized", "status": 401, "detail": "Unauthorized"}), created()]
    )
    seen: list[httpx.Request] = []
    store = MemoryStore()
    refs = run(
        oauth2_adapter(server(lambda request: next(answers), seen), store).publish(
            outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()
        )
    )
    assert refs[0].id == "1445880548472328192"
    assert [r.url.path for r in seen].count("/2/oauth2/token") == 1
    assert store.values["POSTION_X_REFRESH_TOKEN"] == "refresh-new"


def test_a_token_refused_after_the_refresh_stops_without_a_second_refresh() -> None:
    seen: list[httpx.Request] = []
    unauthorized = httpx.Response(401, json={"title": "Unauthorized", "status": 401, "detail": "Unauthorized"})
    with pytest.raises(AuthExpired, match="reconnect"):
        run(
            oauth2_adapter(server(lambda r: unauthorized, seen)).publish(
                outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()
            )
        )
    assert [r.url.path for r in seen].count("/2/oauth2/token") == 1


def test_a_used_refresh_token_is_auth_expired_saying_reconnect() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/2/oauth2/token":
            body = {"error": "invalid_request", "error_description": "Value passed for the token was invalid."}
            return httpx.Response(400, json=body)
        return created()

    store = MemoryStore()
    with pytest.raises(AuthExpired, match="used already or revoked; reconnect") as caught:
        run(
            oauth2_adapter(handler, store, access=None).publish(
                outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()
            )
        )
    assert not caught.value.retryable and store.values == {}


def test_oauth1_requests_are_signed_with_hmac_sha1() -> None:
    seen: list[httpx.Request] = []
    run(
        oauth1_adapter(server(lambda r: created(), seen)).publish(
            outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()
        )
    )
    header = next(r for r in seen if r.url.path == "/2/tweets").headers["authorization"]
    assert header.startswith("OAuth ")
    for part in ('oauth_consumer_key="consumer-key"', 'oauth_token="user-token"', 'oauth_signature_method="HMAC-SHA1"'):
        assert part in header
    assert "consumer-secret" not in header and "user-secret" not in header


RESET = int(NOW.timestamp()) + 840


@pytest.mark.parametrize(
    ("response", "error", "text", "retryable"),
    [
        (httpx.Response(403, json=DUPLICATE), Duplicate, "duplicate content", False),
        (
            httpx.Response(
                429,
                json={"errors": [{"code": 88, "message": "Rate limit exceeded"}]},
                headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(RESET)},
            ),
            RateLimited,
            "Rate limit exceeded",
            True,
        ),
        (
            httpx.Response(
                403,
                json={
                    "detail": "You are not permitted to perform this action.",
                    "title": "Forbidden",
                    "type": "about:blank",
                    "status": 403,
                },
            ),
            ContentRejected,
            "Read and Write permission",
            False,
        ),
        (
            httpx.Response(
                400,
                json={
                    "errors": [{"message": "$.text: is too long"}],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
            ),
            ContentRejected,
            "parameters to your request was invalid",
            False,
        ),
        (httpx.Response(503, json={"title": "Service Unavailable", "status": 503}), Transient, "503", True),
    ],
)
def test_x_errors_map_to_the_family(
    response: httpx.Response, error: type[PlatformError], text: str, retryable: bool
) -> None:
    with pytest.raises(error, match=text) as caught:
        run(
            oauth1_adapter(server(lambda r: response)).publish(
                outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()
            )
        )
    assert caught.value.retryable is retryable
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after == 840
    if isinstance(caught.value, Transient):
        assert caught.value.maybe_sent


def test_a_spent_24_hour_cap_waits_for_its_own_reset() -> None:
    day_reset = int(NOW.timestamp()) + 6 * 3600
    headers = {
        "x-rate-limit-remaining": "50",
        "x-rate-limit-reset": str(RESET),
        "x-user-limit-24hour-remaining": "0",
        "x-user-limit-24hour-reset": str(day_reset),
    }
    response = httpx.Response(429, json={"title": "Too Many Requests", "detail": "Too Many Requests"}, headers=headers)
    with pytest.raises(RateLimited) as caught:
        run(
            oauth1_adapter(server(lambda r: response)).publish(
                outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()
            )
        )
    assert caught.value.retry_after == 6 * 3600


def test_without_users_read_the_link_uses_the_i_web_form() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/2/users/me":
            return httpx.Response(403, json={"title": "Forbidden", "detail": "missing users.read", "status": 403})
        return created("77")

    refs = run(oauth1_adapter(handler).publish(outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()))
    assert refs[0].url == "https://x.com/i/web/status/77"


STARTED = NOW - dt.timedelta(minutes=2)


def test_resolve_finds_the_post_on_the_timeline_with_its_shortened_link() -> None:
    timeline = {
        "data": [
            {"id": "555", "text": "New post &amp; more: https://t.co/abc123", "created_at": "2026-11-29T11:58:30.000Z"}
        ]
    }

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/2/users/2244994945/tweets":
            assert request.url.params["start_time"] == "2026-11-29T11:53:00Z"
            return httpx.Response(200, json=timeline)
        if request.url.path == "/2/users/me":
            return httpx.Response(200, json=ME)
        raise AssertionError("nothing may be sent again")

    found = run(
        oauth1_adapter(handler).resolve(outgoing("New post & more: https://blog.example.com/p/"), Intent(0, STARTED))
    )
    assert found == AlreadyPosted(PartRef("555", "https://x.com/myblog/status/555"))


def test_resolve_resends_and_a_duplicate_answer_proves_it_went_out() -> None:
    found = run(
        oauth1_adapter(server(lambda r: httpx.Response(403, json=DUPLICATE))).resolve(
            outgoing("Hi"), Intent(0, STARTED)
        )
    )
    assert found == AlreadyPosted(PartRef("", ""))  # announced, link unknown


def test_resolve_resends_and_a_201_means_it_had_not_gone_out() -> None:
    found = run(oauth1_adapter(server(lambda r: created("9"))).resolve(outgoing("Hi"), Intent(0, STARTED)))
    assert isinstance(found, AlreadyPosted) and found.ref.id == "9"


def test_resolve_of_a_middle_part_proven_but_not_found_cannot_go_on() -> None:
    adapter = oauth1_adapter(server(lambda r: httpx.Response(403, json=DUPLICATE)))
    found = run(adapter.resolve(outgoing("a", "b", "c"), Intent(1, STARTED, {"reply_to": "1"})))
    assert isinstance(found, Unknowable) and "part 2" in found.reason


def test_resolve_never_resends_after_a_day() -> None:
    adapter = oauth1_adapter(server(lambda r: pytest.fail("nothing may be sent again")))
    found = run(adapter.resolve(outgoing("Hi"), Intent(0, NOW - dt.timedelta(days=2))))
    assert isinstance(found, Unknowable)


CLIENT_FORBIDDEN = {  # what a plan without read access answers the timeline (X's problem JSON)
    "client_id": "27512824",
    "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a "
    "Twitter developer App that is attached to a Project. You can create a project via the developer portal.",
    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
    "title": "Client Forbidden",
    "required_enrollment": "Appropriate Level of API Access",
    "reason": "client-not-enrolled",
    "type": "https://api.twitter.com/2/problems/client-forbidden",
}


@pytest.mark.parametrize(("resent", "proof"), [(403, "duplicate"), (201, "created")])
def test_resolve_on_a_plan_that_cannot_read_the_timeline_falls_back_to_sending_again(resent: int, proof: str) -> None:
    """Free access may not read a timeline: the lookup's 403 is not an error, the duplicate check
    decides (a duplicate 403: it went out; a 201: it had not, and now has, once)."""
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(f"{request.method} {request.url.path}")
        if request.url.path == "/2/users/me":
            return httpx.Response(200, json=ME)
        if request.url.path == "/2/users/2244994945/tweets":
            return httpx.Response(403, json=CLIENT_FORBIDDEN)
        return httpx.Response(403, json=DUPLICATE) if resent == 403 else created("9")

    found = run(oauth1_adapter(handler).resolve(outgoing("Hi"), Intent(0, STARTED)))
    assert isinstance(found, AlreadyPosted)
    assert found.ref.id == ("" if proof == "duplicate" else "9")
    assert asked.count("POST /2/tweets") == 1 and "GET /2/users/2244994945/tweets" in asked
