"""Discord: execute a webhook with `?wait=true`, a rich embed, and mentions that can never ping.

Facts: discord.com/developers/docs/resources/webhook (and discord/discord-api-spec). The webhook URL
is the credential: it never appears in a message, a log or the state. There is no idempotency: a
send whose outcome is unclear is reported as unknown, never repeated blindly."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import httpx

from postion_publish.core.config import PlatformSettings
from postion_publish.core.errors import AuthExpired, PlatformError, RateLimited
from postion_publish.core.media import within
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import (
    BuildContext,
    Clock,
    Intent,
    Journal,
    Outgoing,
    PartRef,
    Resolution,
    TokenInfo,
    Unknowable,
    http_error,
    json_or_empty,
    network_error,
    retry_after_seconds,
    wall_clock,
)
from postion_publish.platforms.cached import read_fact, write_fact
from postion_publish.platforms.discord.spec import IMAGES, SPEC
from postion_publish.platforms.images import fit_image, fit_or_none

NAME = "discord"
EMBED_COLOR = 0x5865F2
MAX_EMBED_DESCRIPTION = 4096


class DiscordAdapter:
    name = NAME

    def __init__(
        self,
        client: DeadlineClient,
        *,
        webhook_url: str,
        web_base: str = "https://discord.com",
        username: str | None = None,
        avatar_url: str | None = None,
        thread_id: str | None = None,
        embed: bool = True,
        clock: Clock = wall_clock,
        guild_cache: Path | None = None,
    ) -> None:
        self.clock = clock
        self.client = client
        self._webhook = webhook_url
        self.web_base = web_base.rstrip("/")
        self.username = username
        self.avatar_url = avatar_url
        self.thread_id = thread_id
        self.embed = embed
        self.guild_cache = guild_cache
        self._guild_id: str | None = None

    async def _send(self, method: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self.client.request(method, self._webhook, **kwargs)
        except httpx.HTTPError as error:
            raise network_error(NAME, error) from None

    def _error(self, response: httpx.Response) -> PlatformError:
        body = json_or_empty(response)
        reason = str(body.get("message") or response.reason_phrase)
        if body.get("code"):
            reason += f" (code {body['code']})"
        if response.status_code in (401, 403, 404):
            # Never retried: repeated 401/403/404s get an IP banned for a while.
            return AuthExpired(NAME, f"the webhook was refused ({reason}); check POSTION_DISCORD_WEBHOOK_URL")
        if response.status_code == 429:
            retry_after = body.get("retry_after")
            seconds = float(retry_after) if isinstance(retry_after, int | float) else None
            if seconds is None:
                seconds = retry_after_seconds(response.headers.get("retry-after"), self.clock())
            return RateLimited(NAME, f"rate limited ({reason})", seconds)
        return http_error(NAME, response, reason)

    async def _guild(self) -> str:
        """The guild of the webhook's channel, for the message's public URL (one GET, no post,
        once: a webhook never changes guild, so it is kept in the cache folder). Only the URL
        depends on it: when it cannot be read, the URL says @me instead."""
        if self._guild_id is None:
            cached = read_fact(self.guild_cache, self.clock())
            if cached is not None and isinstance(cached.get("guild_id"), str):
                self._guild_id = str(cached["guild_id"])
                return self._guild_id
            try:
                response = await self._send("GET")
            except PlatformError:
                return "@me"
            guild = json_or_empty(response).get("guild_id") if response.status_code == 200 else None
            self._guild_id = str(guild) if guild else "@me"
            if guild:
                write_fact(self.guild_cache, self.clock(), guild_id=self._guild_id)
        return self._guild_id

    def _payload(self, outgoing: Outgoing) -> tuple[dict[str, Any], list[tuple[str, tuple[str, bytes, str]]]]:
        payload: dict[str, Any] = {
            "content": outgoing.parts[0].text,
            "allowed_mentions": {"parse": []},  # @everyone, roles or users in a title never ping
        }
        if self.username:
            payload["username"] = self.username
        if self.avatar_url:
            payload["avatar_url"] = self.avatar_url
        files: list[tuple[str, tuple[str, bytes, str]]] = []
        if self.embed and outgoing.link is not None:
            embed: dict[str, Any] = {
                "title": within(outgoing.link.title, SPEC.max_card_title),
                "url": outgoing.link.url,
                "description": within(outgoing.link.description, MAX_EMBED_DESCRIPTION),
                "timestamp": outgoing.created_at.isoformat(),
                "color": EMBED_COLOR,
            }
            thumb = fit_or_none(outgoing.link.thumb, IMAGES) if outgoing.link.thumb else None
            picture = fit_image(outgoing.image, IMAGES) if outgoing.image else thumb
            if picture is not None:
                embed["image"] = {"url": f"attachment://{picture.filename}"}
                payload["attachments"] = [
                    {"id": "0", "filename": picture.filename, "description": within(picture.alt, IMAGES.max_alt)}
                ]
                files.append(("files[0]", (picture.filename, picture.data, picture.mime)))
            payload["embeds"] = [embed]
        return payload, files

    async def publish(
        self, outgoing: Outgoing, *, done: list[PartRef], resend: Intent | None, journal: Journal
    ) -> list[PartRef]:
        if done:
            return list(done)
        guild = asyncio.create_task(self._guild())  # alongside the post: it only shapes the URL
        payload, files = self._payload(outgoing)
        params = {"wait": "true", **({"thread_id": self.thread_id} if self.thread_id else {})}
        await journal.before(0, {})
        try:
            if files:
                form = {"payload_json": json.dumps(payload)}
                response = await self._send("POST", params=params, data=form, files=files)
            else:
                response = await self._send("POST", params=params, json=payload)
        except PlatformError:
            guild.cancel()
            raise
        if response.status_code != 200:
            guild.cancel()
            raise self._error(response)
        message = response.json()
        url = f"{self.web_base}/channels/{await guild}/{message['channel_id']}/{message['id']}"
        ref = PartRef(str(message["id"]), url)
        await journal.after(0, ref)
        return [ref]

    async def resolve(self, outgoing: Outgoing, intent: Intent) -> Resolution:
        return Unknowable(
            "Discord webhooks have no idempotency: look in the channel, then `postion retry ID` to post it "
            "again if it is not there"
        )

    async def character_limit(self) -> int | None:
        return None

    async def check(self) -> TokenInfo:
        """`GET` the webhook: never a post."""
        response = await self._send("GET")
        if response.status_code != 200:
            raise self._error(response)
        return TokenInfo(str(json_or_empty(response).get("name") or "") or None)

    async def refresh(self) -> TokenInfo | None:
        return None  # a webhook URL does not expire


_WEBHOOK = re.compile(r"https?://[^/\s]+(/[^\s]*)?/api(/v\d+)?/webhooks/\d+/[\w-]+")


def build(platform: PlatformSettings, context: BuildContext, client: DeadlineClient) -> DiscordAdapter:
    """The adapter for `platforms.discord` (registry: postion_publish.core.registry)."""
    webhook = context.secrets["POSTION_DISCORD_WEBHOOK_URL"]
    if not _WEBHOOK.fullmatch(webhook):  # never echo the value: it is the secret
        raise AuthExpired(NAME, "POSTION_DISCORD_WEBHOOK_URL is not a webhook URL (…/api/webhooks/ID/TOKEN)")
    from postion_publish.store.cachedir import cache_dir, cache_file

    options = platform.options
    webhook_id = webhook.rsplit("/", 1)[0]  # …/webhooks/ID: the token stays out of the cache's name
    return DiscordAdapter(
        client,
        webhook_url=webhook,
        guild_cache=cache_file(cache_dir(context.environ), "discord-webhook", webhook_id),
        web_base=str(options.get("web_base", "https://discord.com")),
        username=options.get("username"),
        avatar_url=options.get("avatar_url"),
        thread_id=options.get("thread_id"),
        embed=bool(options.get("embed", True)),
        clock=context.clock,
    )
