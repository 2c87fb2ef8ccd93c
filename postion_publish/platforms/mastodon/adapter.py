"""Mastodon (and compatible servers): statuses with an Idempotency-Key, media with a description,
threads by `in_reply_to_id`, the instance's own character limit.

Facts: docs.joinmastodon.org/methods/statuses and /methods/media (mastodon/documentation).
The Idempotency-Key is derived from (post, platform, part), never random: a repeated request with
it returns the status created the first time, for up to an hour.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import httpx

from postion_publish.core.config import PlatformSettings
from postion_publish.core.errors import PlatformError
from postion_publish.core.media import within
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import (
    BuildContext,
    Clock,
    Image,
    Intent,
    Journal,
    Outgoing,
    PartRef,
    Resolution,
    SafeToResend,
    TokenInfo,
    Unknowable,
    http_error,
    json_or_empty,
    network_error,
    retry_after_seconds,
    wall_clock,
)
from postion_publish.platforms.cached import read_fact, write_fact
from postion_publish.platforms.images import fit_image
from postion_publish.platforms.mastodon.spec import IMAGES

NAME = "mastodon"
IDEMPOTENCY_WINDOW = dt.timedelta(minutes=55)  # Mastodon keeps keys for an hour; keep a margin
LIMIT_CACHE_AGE = dt.timedelta(days=1)
MEDIA_POLLS = 10


class MastodonAdapter:
    name = NAME

    def __init__(
        self,
        client: DeadlineClient,
        *,
        token: str,
        visibility: str = "public",
        language: str | None = None,
        poll_interval: float = 1.0,
        clock: Clock = wall_clock,
        limit_cache: Path | None = None,
    ) -> None:
        self.clock = clock
        self.client = client  # base_url: the instance (config `instance`)
        self.limit_cache = limit_cache  # the instance's character limit, kept for a day (cache folder)
        self._headers = {"Authorization": f"Bearer {token}"}
        self.visibility = visibility
        self.language = language
        self.poll_interval = poll_interval

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self._headers, **kwargs.pop("headers", {})}
        try:
            return await self.client.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise network_error(NAME, error) from None

    def _error(self, response: httpx.Response) -> PlatformError:
        reason = str(json_or_empty(response).get("error") or response.reason_phrase)
        if response.status_code == 401:
            reason += "; create a new access token (Preferences → Development) and set POSTION_MASTODON_TOKEN"
        return http_error(NAME, response, reason, retry_after=_retry_after(response, self.clock()))

    async def character_limit(self) -> int | None:
        """The instance's limit: from the cache folder when it was read in the last day, else asked."""
        cached = read_fact(self.limit_cache, self.clock(), LIMIT_CACHE_AGE)
        if cached is not None and isinstance(cached.get("max_characters"), int):
            return int(cached["max_characters"])
        try:
            response = await self._send("GET", "/api/v2/instance")
        except PlatformError:
            return None
        # The instance's answer, any shape: `configuration` as a list once stopped the whole run.
        configuration = json_or_empty(response).get("configuration")
        statuses = configuration.get("statuses") if isinstance(configuration, dict) else None
        limit = statuses.get("max_characters") if isinstance(statuses, dict) else None
        if response.status_code != 200 or type(limit) is not int or limit <= 0:  # bool is an int too
            return None
        write_fact(self.limit_cache, self.clock(), max_characters=limit)
        return limit

    async def _upload(self, image: Image) -> str:
        response = await self._send(
            "POST",
            "/api/v2/media",
            files={"file": (image.filename, image.data, image.mime)},
            data={"description": within(image.alt, IMAGES.max_alt)},
        )
        if response.status_code not in (200, 202):
            raise self._error(response)
        media = response.json()
        for _ in range(MEDIA_POLLS):  # 202: still processing; poll until it has a URL
            if response.status_code == 200 and media.get("url"):
                break
            await asyncio.sleep(self.poll_interval)
            response = await self._send("GET", f"/api/v1/media/{media['id']}")
            if response.status_code not in (200, 206):
                raise self._error(response)
            media = response.json()
        return str(media["id"])

    async def publish(
        self, outgoing: Outgoing, *, done: list[PartRef], resend: Intent | None, journal: Journal
    ) -> list[PartRef]:
        refs = list(done)
        for index in range(len(refs), len(outgoing.parts)):
            body: dict[str, Any] = {"status": outgoing.parts[index].text, "visibility": self.visibility}
            if self.language:
                body["language"] = self.language
            if refs:
                body["in_reply_to_id"] = refs[-1].id
            elif outgoing.image is not None:
                body["media_ids"] = [await self._upload(fit_image(outgoing.image, IMAGES))]
            await journal.before(index, {})
            response = await self._send(
                "POST", "/api/v1/statuses", json=body, headers={"Idempotency-Key": outgoing.part_key(index)}
            )
            if response.status_code != 200:
                raise self._error(response)
            status = response.json()
            ref = PartRef(str(status["id"]), str(status.get("url") or status.get("uri") or ""))
            await journal.after(index, ref)
            refs.append(ref)
        return refs

    async def check(self) -> TokenInfo:
        response = await self._send("GET", "/api/v1/accounts/verify_credentials")
        if response.status_code != 200:
            raise self._error(response)
        return TokenInfo(f"@{json_or_empty(response).get('acct')}")

    async def refresh(self) -> TokenInfo | None:
        return None  # Mastodon tokens do not expire until revoked

    async def resolve(self, outgoing: Outgoing, intent: Intent) -> Resolution:
        if self.clock() - intent.started < IDEMPOTENCY_WINDOW:
            return SafeToResend()  # same key: the server returns the status if it made one
        return Unknowable("the send was over an hour ago, beyond Mastodon's idempotency window: check your profile")


def _retry_after(response: httpx.Response, now: dt.datetime) -> float | None:
    """Mastodon's X-RateLimit-Reset is an ISO-8601 time, not seconds. Servers and proxies in front
    of them may send only the standard Retry-After (seconds or an HTTP date): honoured too."""
    reset = response.headers.get("x-ratelimit-reset")
    if reset:
        try:
            moment = dt.datetime.fromisoformat(reset.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
            return max(0.0, (moment - now).total_seconds())
    return retry_after_seconds(response.headers.get("retry-after"), now)


def build(platform: PlatformSettings, context: BuildContext, client: DeadlineClient) -> MastodonAdapter:
    """The adapter for `platforms.mastodon` (registry: postion_publish.core.registry)."""
    from postion_publish.store.cachedir import cache_dir, cache_file

    return MastodonAdapter(
        client,
        token=context.secrets["POSTION_MASTODON_TOKEN"],
        clock=context.clock,
        limit_cache=cache_file(cache_dir(context.environ), "mastodon-instance", str(client.base_url).rstrip("/")),
        visibility=str(platform.options.get("visibility", "public")),
        language=platform.options.get("language"),
    )
