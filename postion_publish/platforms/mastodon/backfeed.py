"""A Mastodon status's replies, boosts and favourites, read as any reader of a public status can:
`GET /api/v1/statuses/:id` for the counts, `/context` for the replies (no token needed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from postion_publish.core.config import PlatformSettings
from postion_publish.core.errors import PlatformError
from postion_publish.core.excerpt import plain_text_of_html
from postion_publish.core.reactions import MAX_REPLIES, Reactions, Reply, count, text
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.build import new_client


async def reactions(platform: PlatformSettings, record: Mapping[str, Any], deadline: float) -> Reactions:
    async with new_client(platform.api_base or "", deadline=deadline) as client:
        return await _reactions(client, platform, record)


async def _reactions(client: DeadlineClient, platform: PlatformSettings, record: Mapping[str, Any]) -> Reactions:
    """`client`: based at the instance (see `base_url`)."""
    status_id = str(record.get("id") or "")
    if not status_id.isdigit():
        raise PlatformError(platform.name, f"no status id in the record ({status_id!r})")
    status = await _json(client, platform, f"/api/v1/statuses/{status_id}")
    context = await _json(client, platform, f"/api/v1/statuses/{status_id}/context")
    found = context.get("descendants")
    descendants: list[Any] = found if isinstance(found, list) else []
    direct = [item for item in descendants if isinstance(item, dict) and item.get("in_reply_to_id") == status_id]
    items = [reply for item in direct[:MAX_REPLIES] if (reply := _reply(item))]
    return Reactions(
        count(status.get("replies_count")),
        count(status.get("reblogs_count")),
        count(status.get("favourites_count")),
        tuple(items),
    )


async def _json(client: DeadlineClient, platform: PlatformSettings, path: str) -> dict[str, Any]:
    try:
        answer = await client.get(path)
    except httpx.HTTPError as error:
        raise PlatformError(platform.name, f"{path} could not be read ({error.__class__.__name__})") from None
    if answer.status_code != 200:
        raise PlatformError(platform.name, f"{path} answered {answer.status_code}")
    found = answer.json()
    return found if isinstance(found, dict) else {}


def _reply(item: dict[str, Any]) -> Reply | None:
    given = item.get("account")
    account: dict[str, Any] = given if isinstance(given, dict) else {}
    url = str(item.get("url") or item.get("uri") or "")
    if not url:
        return None
    name = text(account.get("display_name") or account.get("acct") or "someone", 100)
    content = plain_text_of_html(str(item.get("content") or "")[:20_000])
    return Reply(name, text(content), url, str(item.get("created_at") or "")[:40])
