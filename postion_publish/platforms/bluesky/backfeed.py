"""Bluesky's replies, reposts and likes of a post, read from the public AppView as any reader
does (`app.bsky.feed.getPostThread`, no session needed; config `appview`, default Bluesky's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from postion_publish.core.config import PlatformSettings
from postion_publish.core.errors import PlatformError
from postion_publish.core.reactions import MAX_REPLIES, Reactions, Reply, count, text
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.build import new_client

PUBLIC_APPVIEW = "https://public.api.bsky.app"


async def reactions(platform: PlatformSettings, record: Mapping[str, Any], deadline: float) -> Reactions:
    async with new_client(str(platform.options.get("appview") or PUBLIC_APPVIEW), deadline=deadline) as client:
        return await _reactions(client, platform, record)


async def _reactions(client: DeadlineClient, platform: PlatformSettings, record: Mapping[str, Any]) -> Reactions:
    """`client`: based at the AppView (see `base_url`)."""
    uri = str(record.get("id") or "")
    try:
        answer = await client.get(
            "/xrpc/app.bsky.feed.getPostThread", params={"uri": uri, "depth": "1", "parentHeight": "0"}
        )
    except httpx.HTTPError as error:
        raise PlatformError(platform.name, f"the AppView could not be read ({error.__class__.__name__})") from None
    if answer.status_code != 200:
        raise PlatformError(platform.name, f"the AppView answered {answer.status_code} for {uri}")
    thread = _object(_object(answer.json()).get("thread"))
    post = _object(thread.get("post"))
    web = str(platform.options.get("web_base") or "https://bsky.app").rstrip("/")
    items = [reply for entry in _list(thread.get("replies"))[:MAX_REPLIES] if (reply := _reply(entry, web))]
    return Reactions(
        count(post.get("replyCount")), count(post.get("repostCount")), count(post.get("likeCount")), tuple(items)
    )


def _reply(entry: Any, web: str) -> Reply | None:
    post = _object(_object(entry).get("post"))
    author = _object(post.get("author"))
    handle, uri = str(author.get("handle") or ""), str(post.get("uri") or "")
    if not handle or not uri.startswith("at://"):
        return None  # a blocked or deleted reply: nothing to show
    value = _object(post.get("record"))
    name = text(author.get("displayName") or handle, 100)
    moment = str(value.get("createdAt") or post.get("indexedAt") or "")
    return Reply(name, text(value.get("text")), f"{web}/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}", moment[:40])


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
