"""Threads against fixtures shaped like Meta's Graph API answers (developers.facebook.com/
documentation/threads, as in ../shared/platforms.md §3): containers, publishing, the quota, token
refresh, every error kind, and how a crash between container and publish is resolved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from adapters_support import NOW, MemoryJournal, outgoing, run
from postion_publish.core.errors import AuthExpired, ContentRejected, PlatformError, RateLimited, Transient
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import AlreadyPosted, Intent, PartRef, SafeToResend
from postion_publish.platforms.threads.adapter import ThreadsAdapter
from postion_publish.store.tokens import MemoryStore

Handler = Callable[[httpx.Request], httpx.Response]
LIMIT = {
    "data": [
        {
            "quota_usage": 4,
            "config": {"quota_total": 250, "quota_duration": 86400},
            "reply_quota_usage": 0,
            "reply_config": {"quota_total": 1000, "quota_duration": 86400},
        }
    ]
}


def params(request: httpx.Request) -> dict[str, str]:
    values = dict(request.url.params)
    if request.method == "POST":
        values.update({k: v[-1] for k, v in parse_qs(request.content.decode()).items()})
    return values


class Graph:
    """Meta's answers, one request at a time; `publish` answers threads_publish."""

    def __init__(self, publish: Handler | None = None, limit: dict[str, object] | None = None) -> None:
        self.seen: list[httpx.Request] = []
        self.containers = 0
        self.publish = publish
        self.limit = limit or LIMIT

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path
        if path == "/refresh_access_token":
            return httpx.Response(200, json={"access_token": "token-2", "token_type": "bearer", "expires_in": 5183944})
        if path.endswith("/threads_publishing_limit"):
            return httpx.Response(200, json=self.limit)
        if path == "/v1.0/me":
            return httpx.Response(200, json={"id": "1234", "username": "me"})
        if path == "/v1.0/1234/threads" and request.method == "POST":
            self.containers += 1
            return httpx.Response(200, json={"id": f"c{self.containers}"})
        if path == "/v1.0/1234/threads_publish":
            if self.publish is not None:
                return self.publish(request)
            return httpx.Response(200, json={"id": f"m{params(request)['creation_id'][1:]}"})
        if path.startswith("/v1.0/c"):
            return httpx.Response(200, json={"status": "FINISHED", "id": path.rsplit("/", 1)[-1]})
        if path.startswith("/v1.0/m"):
            media = path.rsplit("/", 1)[-1]
            return httpx.Response(200, json={"permalink": f"https://www.threads.com/@me/post/{media}", "id": media})
        return httpx.Response(400, json={"error": {"message": f"unexpected {path}", "code": 100}})

    def posted(self, what: str = "/v1.0/1234/threads") -> list[dict[str, str]]:
        return [params(r) for r in self.seen if r.url.path == what and r.method == "POST"]


def adapter(graph: Handler, *, store: MemoryStore | None = None, record: Path | None = None) -> ThreadsAdapter:
    client = DeadlineClient(base_url="https://graph.threads.net", transport=httpx.MockTransport(graph))
    return ThreadsAdapter(client, token="token-1", tokens=store, refresh_record=record, clock=lambda: NOW, poll_scale=0)


def test_a_post_with_a_link_and_a_reply_chain() -> None:
    graph = Graph()
    journal = MemoryJournal()
    refs = run(
        adapter(graph).publish(outgoing("one (1/3)", "two (2/3)", "three (3/3)"), done=[], resend=None, journal=journal)
    )
    assert [ref.url for ref in refs] == [f"https://www.threads.com/@me/post/m{n}" for n in (1, 2, 3)]
    containers = graph.posted()
    assert containers[0] == {
        "media_type": "TEXT",
        "text": "one (1/3)",
        "link_attachment": "https://blog.example.com/p/",
        "access_token": "token-2",  # refreshed first: no record of an earlier refresh
    }
    assert [c.get("reply_to_id") for c in containers] == [None, "m1", "m2"]
    assert [p["creation_id"] for p in graph.posted("/v1.0/1234/threads_publish")] == ["c1", "c2", "c3"]
    # The container is recorded before publishing, the media id the moment publishing answers.
    assert journal.events[:3] == [
        ("before", 0, {"container": "c1"}),
        ("after", 0, PartRef("m1", "")),
        ("after", 0, PartRef("m1", "https://www.threads.com/@me/post/m1")),
    ]


def test_an_image_goes_by_its_public_url_with_its_alt_text() -> None:
    graph = Graph()
    post = outgoing("A picture", image=True)
    post = (
        replace(post, image=replace(post.image, url="https://blog.example.com/img/pixel.png")) if post.image else post
    )
    run(adapter(graph).publish(post, done=[], resend=None, journal=MemoryJournal()))
    assert graph.posted()[0] | {"access_token": ""} == {
        "media_type": "IMAGE",
        "text": "A picture",
        "image_url": "https://blog.example.com/img/pixel.png",
        "alt_text": "A one-pixel picture",
        "access_token": "",
    }


def test_an_image_without_a_public_url_is_refused_before_anything_is_created() -> None:
    graph = Graph()
    with pytest.raises(ContentRejected, match="no public URL"):
        run(adapter(graph).publish(outgoing("A picture", image=True), done=[], resend=None, journal=MemoryJournal()))
    assert graph.posted() == []


def test_more_than_five_links_are_refused_before_sending() -> None:
    graph = Graph()
    text = " ".join(f"https://example.org/{n}" for n in range(5))
    with pytest.raises(ContentRejected, match="at most 5"):
        run(adapter(graph).publish(outgoing(text), done=[], resend=None, journal=MemoryJournal()))
    assert graph.posted() == []


def test_a_spent_quota_is_reported_without_trying() -> None:
    spent = {"data": [{"quota_usage": 250, "config": {"quota_total": 250, "quota_duration": 86400}}]}
    graph = Graph(limit=spent)
    with pytest.raises(RateLimited, match="quota of 250 posts is spent") as caught:
        run(adapter(graph).publish(outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()))
    assert graph.posted() == [] and caught.value.retry_after == 3600


def graph_error(status: int, code: int, message: str, subcode: int | None = None) -> httpx.Response:
    error: dict[str, object] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "A1"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return httpx.Response(status, json={"error": error})


@pytest.mark.parametrize(
    ("response", "error", "text", "retryable"),
    [
        (
            graph_error(400, 190, "Error validating access token: Session has expired", 463),
            AuthExpired,
            "reconnect",
            False,
        ),
        (graph_error(400, 4, "Application request limit reached"), RateLimited, "limit reached", True),
        (
            graph_error(500, 2, "An unexpected error has occurred. Please retry your request later."),
            Transient,
            "retry",
            True,
        ),
        (graph_error(400, 100, "THREADS_API__LINK_LIMIT_EXCEEDED"), ContentRejected, "LINK_LIMIT", False),
        (
            graph_error(400, 9, "The user has reached the publishing limit", 2207042),
            ContentRejected,
            "publishing limit",
            False,
        ),
    ],
)
def test_threads_errors_map_to_the_family(
    response: httpx.Response, error: type[PlatformError], text: str, retryable: bool
) -> None:
    with pytest.raises(error, match=text) as caught:
        run(
            adapter(Graph(publish=lambda r: response)).publish(
                outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()
            )
        )
    assert caught.value.retryable is retryable


def test_a_container_in_error_is_content_rejected_with_the_reason() -> None:
    graph = Graph()
    original = graph.__call__

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v1.0/c"):
            return httpx.Response(
                200, json={"status": "ERROR", "error_message": "FAILED_DOWNLOADING_IMAGE", "id": "c1"}
            )
        return original(request)

    with pytest.raises(ContentRejected, match="FAILED_DOWNLOADING_IMAGE"):
        run(adapter(handler).publish(outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()))
    assert graph.posted("/v1.0/1234/threads_publish") == []


def test_resolve_a_published_container_finds_the_post() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1.0/c7":
            return httpx.Response(200, json={"status": "PUBLISHED", "id": "c7"})
        if path == "/v1.0/1234/threads":
            post = {
                "id": "m7",
                "text": "Hi",
                "timestamp": "2026-11-29T11:59:00+0000",
                "permalink": "https://www.threads.com/@me/post/X",
            }
            return httpx.Response(200, json={"data": [post]})
        return Graph()(request)

    found = run(adapter(handler).resolve(outgoing("Hi"), Intent(0, NOW - dt.timedelta(minutes=1), {"container": "c7"})))
    assert found == AlreadyPosted(PartRef("m7", "https://www.threads.com/@me/post/X"))


def test_a_finished_container_left_by_a_crash_is_published_not_made_again() -> None:
    graph = Graph()
    intent = Intent(0, NOW, {"container": "c9"})
    assert run(adapter(graph).resolve(outgoing("Hi"), intent)) == SafeToResend()
    run(adapter(graph).publish(outgoing("Hi"), done=[], resend=intent, journal=MemoryJournal()))
    assert graph.posted() == []  # no new container
    assert [p["creation_id"] for p in graph.posted("/v1.0/1234/threads_publish")] == ["c9"]


def test_the_token_is_refreshed_once_a_day_and_the_new_one_stored(tmp_path: Path) -> None:
    graph, store, record = Graph(), MemoryStore(), tmp_path / "threads-refresh.json"
    run(
        adapter(graph, store=store, record=record).publish(
            outgoing("Hi"), done=[], resend=None, journal=MemoryJournal()
        )
    )
    assert store.values == {"POSTION_THREADS_ACCESS_TOKEN": "token-2"}
    assert params(graph.seen[0]) == {"grant_type": "th_refresh_token", "access_token": "token-1"}
    assert all(params(r)["access_token"] == "token-2" for r in graph.seen[1:])
    again = Graph()
    run(
        adapter(again, store=store, record=record).publish(
            outgoing("Ho"), done=[], resend=None, journal=MemoryJournal()
        )
    )
    assert all(r.url.path != "/refresh_access_token" for r in again.seen)  # refreshed less than a day ago
