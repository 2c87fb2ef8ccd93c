"""LinkedIn against fixtures shaped like the real Posts and Images APIs (learn.microsoft.com, as in
../shared/platforms.md §2): headers, bodies, little-text escaping, every error kind, resolution."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import httpx
import pytest

from adapters_support import NOW, MemoryJournal, outgoing, run
from postion_publish.core.errors import AuthExpired, ContentRejected, Duplicate, PlatformError, RateLimited, Transient
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import AlreadyPosted, Intent, PartRef, Unknowable
from postion_publish.platforms.linkedin.adapter import DEFAULT_VERSION, LinkedInAdapter
from postion_publish.platforms.linkedin.sandbox import read_little_text

Handler = Callable[[httpx.Request], httpx.Response]
AUTHOR = "urn:li:organization:2414183"
URN = "urn:li:share:7148297629999999999"
IMAGE = "urn:li:image:C4E10AQFoyyAjHPMQuQ"


def created(request: httpx.Request) -> httpx.Response:
    return httpx.Response(201, headers={"x-restli-id": URN})


def server(post: Handler, seen: list[httpx.Request]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path == "/rest/images" and request.url.params.get("action") == "initializeUpload":
            upload = "https://www.linkedin.com/dms-uploads/sp/v2/D4E10AQ/uploaded-image/0?ca=vector_ads&cn=uploads"
            value = {"uploadUrlExpiresAt": 1650567510704, "uploadUrl": upload, "image": IMAGE}
            return httpx.Response(200, json={"value": value})
        if request.url.host == "www.linkedin.com":
            return httpx.Response(201)
        if path.startswith("/rest/images/"):
            return httpx.Response(200, json={"id": IMAGE, "status": "AVAILABLE"})
        return post(request)

    return handler


def adapter(handler: Handler) -> LinkedInAdapter:
    client = DeadlineClient(base_url="https://api.linkedin.com", transport=httpx.MockTransport(handler))
    return LinkedInAdapter(client, token="li-token", author=AUTHOR, clock=lambda: NOW, poll_interval=0)


def publish(linkedin: LinkedInAdapter, **kwargs: bool) -> list[PartRef]:
    return run(
        linkedin.publish(outgoing("Hello #python (a post)", **kwargs), done=[], resend=None, journal=MemoryJournal())
    )


def test_an_article_post_carries_the_card_and_its_uploaded_thumbnail() -> None:
    seen: list[httpx.Request] = []
    refs = publish(adapter(server(created, seen)), thumb=True)
    assert refs == [PartRef(URN, f"https://www.linkedin.com/feed/update/{URN}/")]
    post = next(r for r in seen if r.url.path == "/rest/posts")
    assert post.headers["linkedin-version"] == DEFAULT_VERSION
    assert post.headers["x-restli-protocol-version"] == "2.0.0"
    assert post.headers["authorization"] == "Bearer li-token"
    assert json.loads(post.content) == {
        "author": AUTHOR,
        "commentary": "Hello #python \\(a post\\)",
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
        "content": {
            "article": {
                "source": "https://blog.example.com/p/",
                "title": "A post",
                "description": "What it says.",
                "thumbnail": IMAGE,
            }
        },
    }
    init = next(r for r in seen if r.url.path == "/rest/images")
    assert json.loads(init.content) == {"initializeUploadRequest": {"owner": AUTHOR}}
    put = next(r for r in seen if r.method == "PUT")
    assert put.content.startswith(b"\x89PNG") and put.headers["authorization"] == "Bearer li-token"


def test_an_image_post_carries_the_image_and_its_alt_text() -> None:
    seen: list[httpx.Request] = []
    publish(adapter(server(created, seen)), image=True)
    body = json.loads(next(r for r in seen if r.url.path == "/rest/posts").content)
    assert body["content"] == {"media": {"id": IMAGE, "altText": "A one-pixel picture"}}


def test_every_reserved_character_is_escaped_and_read_back_whole() -> None:
    seen: list[httpx.Request] = []
    title = "Brackets ( ) [ ] { } < > @ # * _ ~ | \\ and #hashtag https://blog.example.com/a_b/"
    run(adapter(server(created, seen)).publish(outgoing(title), done=[], resend=None, journal=MemoryJournal()))
    commentary = json.loads(next(r for r in seen if r.url.path == "/rest/posts").content)["commentary"]
    assert read_little_text(commentary) == title  # LinkedIn would have cut an unescaped one
    assert "#hashtag" in commentary and "https://blog.example.com/a_b/" in commentary


@pytest.mark.parametrize(
    "upload",
    [
        "https://attacker.example/steal",
        "http://www.linkedin.com/dms/upload",  # LinkedIn's host, in the clear
        "https://www.linkedin.com:8443/dms/upload",  # LinkedIn's host, another port
        "https://linkedin.com.attacker.example/up",
    ],
)
def test_an_upload_url_off_linkedin_is_never_sent_the_token(upload: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/rest/images":
            value = {"uploadUrl": upload, "image": IMAGE}
            return httpx.Response(200, json={"value": value})
        if str(request.url).startswith(upload):
            pytest.fail("the token went where it must not")
        return created(request)

    with pytest.raises(PlatformError, match="not LinkedIn over HTTPS"):
        publish(adapter(handler), image=True)


DUPLICATE = {
    "message": f"Content is a duplicate of {URN}",
    "errorDetails": {"inputErrors": [{"description": "Duplicate post is detected", "code": "DUPLICATE_POST"}]},
    "status": 422,
}


@pytest.mark.parametrize(
    ("response", "error", "text", "retryable"),
    [
        (httpx.Response(422, json=DUPLICATE), Duplicate, "posted already", False),
        (
            httpx.Response(
                426,
                json={
                    "status": 426,
                    "code": "NONEXISTENT_VERSION",
                    "message": "Requested version 20250401 is not active",
                },
            ),
            PlatformError,
            "platforms.linkedin.version",
            False,
        ),
        (
            httpx.Response(429, json={"status": 429, "message": "Resource level throttle"}),
            RateLimited,
            "daily limit",
            True,
        ),
        (
            httpx.Response(
                401,
                json={
                    "status": 401,
                    "serviceErrorCode": 65601,
                    "code": "REVOKED_ACCESS_TOKEN",
                    "message": "The token used in the request has been revoked by the user",
                },
            ),
            AuthExpired,
            "60 days",
            False,
        ),
        (
            httpx.Response(
                403,
                json={
                    "status": 403,
                    "serviceErrorCode": 100,
                    "message": "Not enough permissions to access: partnerApiPostsExternal.CREATE.20240101",
                },
            ),
            ContentRejected,
            "w_organization_social",
            False,
        ),
        (
            httpx.Response(422, json={"status": 422, "message": "/distribution :: field is required but not found"}),
            ContentRejected,
            "field is required",
            False,
        ),
        (httpx.Response(504, json={"status": 504, "message": "Gateway Timeout"}), Transient, "504", True),
    ],
)
def test_linkedin_errors_map_to_the_family(
    response: httpx.Response, error: type[PlatformError], text: str, retryable: bool
) -> None:
    with pytest.raises(error, match=text) as caught:
        publish(adapter(server(lambda r: response, [])))
    assert type(caught.value) is error and caught.value.retryable is retryable
    if isinstance(caught.value, RateLimited):
        assert caught.value.retry_after == 12 * 3600  # NOW is noon UTC: the quota resets at midnight


def test_a_201_without_the_post_id_may_have_posted() -> None:
    with pytest.raises(Transient, match="x-restli-id") as caught:
        publish(adapter(server(lambda r: httpx.Response(201), [])))
    assert caught.value.maybe_sent


def test_resolve_resends_and_the_duplicate_names_the_first_post() -> None:
    found = run(
        adapter(server(lambda r: httpx.Response(422, json=DUPLICATE), [])).resolve(outgoing("Hi"), Intent(0, NOW))
    )
    assert found == AlreadyPosted(PartRef(URN, f"https://www.linkedin.com/feed/update/{URN}/"))


def test_resolve_after_a_day_does_not_resend() -> None:
    linkedin = adapter(server(lambda r: pytest.fail("nothing may be sent again"), []))
    assert isinstance(run(linkedin.resolve(outgoing("Hi"), Intent(0, NOW - dt.timedelta(days=2)))), Unknowable)
