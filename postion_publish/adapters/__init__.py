"""One adapter per platform, built from its settings and its credentials (environment only)."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from postion_publish.adapters.base import Adapter
from postion_publish.config import PlatformSettings
from postion_publish.errors import AuthExpired

USER_AGENT = "postion-publish (+https://github.com/postion/postion-publish)"
DEFAULT_BASES = {"bluesky": "https://bsky.social"}
CREDENTIALS = {
    "bluesky": ("POSTION_BLUESKY_APP_PASSWORD",),
    "mastodon": ("POSTION_MASTODON_TOKEN",),
    "discord": ("POSTION_DISCORD_WEBHOOK_URL",),
}
AVAILABLE = tuple(CREDENTIALS)


def cache_dir(environ: Mapping[str, str]) -> Path:
    """Where sessions are cached between runs: outside the repository, never committed."""
    if environ.get("POSTION_CACHE_DIR"):
        return Path(environ["POSTION_CACHE_DIR"])
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "postion"


class DeadlineClient(httpx.AsyncClient):
    """An httpx client whose every request, answer included, ends within `deadline` seconds.
    httpx's own timeouts are per read: a server dripping one byte a second never trips them."""

    def __init__(self, *, deadline: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deadline = deadline

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        try:
            async with asyncio.timeout(self.deadline):
                return await super().send(request, **kwargs)
        except TimeoutError:
            # A timeout like any other: the adapters map it to a transient, maybe-sent failure.
            raise httpx.ReadTimeout(f"no complete answer within {self.deadline:g} s", request=request) from None


def new_client(base_url: str | None = None, timeout: float = 20.0, deadline: float = 60.0) -> httpx.AsyncClient:
    return DeadlineClient(
        base_url=base_url or "",
        timeout=httpx.Timeout(min(timeout, deadline), connect=min(10.0, deadline)),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
        deadline=deadline,
    )


def _credential(platform: str, environ: Mapping[str, str]) -> str:
    name = CREDENTIALS[platform][0]
    value = environ.get(name, "").strip()
    if not value:
        raise AuthExpired(platform, f"no credential: set the environment variable {name} (a CI secret)")
    return value


def build_adapter(
    platform: PlatformSettings, environ: Mapping[str, str], *, deadline: float = 60.0
) -> tuple[Adapter, httpx.AsyncClient] | None:
    """The platform's adapter and the client it owns, or None where no adapter exists yet.
    `deadline`: seconds one request may take, answer included (config `timeouts.request`)."""
    from postion_publish.adapters.bluesky import BlueskyAdapter
    from postion_publish.adapters.discord import DiscordAdapter
    from postion_publish.adapters.mastodon import MastodonAdapter

    options = platform.options
    if platform.name == "bluesky":
        service = platform.api_base or DEFAULT_BASES["bluesky"]
        handle = str(options["handle"])
        key = hashlib.sha256(f"{service}|{handle}".encode()).hexdigest()[:16]
        client = new_client(service, deadline=deadline)
        bluesky = BlueskyAdapter(
            client,
            handle=handle,
            app_password=_credential("bluesky", environ),
            web_base=str(options.get("web_base", "https://bsky.app")),
            langs=list(options.get("langs", [])),
            session_cache=cache_dir(environ) / f"bluesky-session-{key}.json",
        )
        return bluesky, client
    if platform.name == "mastodon":
        client = new_client(platform.api_base, deadline=deadline)
        mastodon = MastodonAdapter(
            client,
            token=_credential("mastodon", environ),
            visibility=str(options.get("visibility", "public")),
            language=options.get("language"),
        )
        return mastodon, client
    if platform.name == "discord":
        webhook = _credential("discord", environ)
        if not re.fullmatch(r"https?://[^/\s]+(/[^\s]*)?/api(/v\d+)?/webhooks/\d+/[\w-]+", webhook):
            # Never echo the value: it is the secret.
            raise AuthExpired("discord", "POSTION_DISCORD_WEBHOOK_URL is not a webhook URL (…/api/webhooks/ID/TOKEN)")
        client = new_client(deadline=deadline)
        discord = DiscordAdapter(
            client,
            webhook_url=webhook,
            web_base=str(options.get("web_base", "https://discord.com")),
            username=options.get("username"),
            avatar_url=options.get("avatar_url"),
            thread_id=options.get("thread_id"),
            embed=bool(options.get("embed", True)),
        )
        return discord, client
    return None
