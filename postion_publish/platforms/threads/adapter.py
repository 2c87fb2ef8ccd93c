"""Threads (Meta's Graph API): a container, then `threads_publish`; replies for threads.

Facts (../shared/platforms.md §3; developers.facebook.com/documentation/threads):
- `POST /v1.0/{user}/threads` (media_type TEXT or IMAGE, text, image_url, alt_text,
  link_attachment, reply_to_id) → a container id, safe to create again. Wait until its status is
  FINISHED, then `POST /v1.0/{user}/threads_publish?creation_id=…` → the media id. Publishing is
  not idempotent: the container id is recorded before it, the media id the moment it answers.
- After a crash, the container's status says what happened: PUBLISHED went out; FINISHED is
  published now; anything else gets a new container.
- There is no upload: Meta downloads `image_url`, the image's URL on the live site.
- The permalink comes from `GET /v1.0/{media}?fields=permalink`; it cannot be built from the id.
- 250 posts and 1,000 replies per rolling 24 hours: `threads_publishing_limit` is read first,
  and a spent quota is reported without trying.
- Long-lived tokens last 60 days and may be refreshed once at least 24 hours old; the new one
  goes to the token store. Errors are Graph error objects; code 190 is an expired token.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx

from postion_publish.core.config import PlatformSettings
from postion_publish.core.errors import AuthExpired, ContentRejected, PlatformError, RateLimited, Transient
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import (
    AlreadyPosted,
    BuildContext,
    Clock,
    Intent,
    Journal,
    Outgoing,
    PartRef,
    Resolution,
    SafeToResend,
    TokenInfo,
    json_or_empty,
    network_error,
    posted_where_unknown,
    wall_clock,
)
from postion_publish.platforms.images import fits
from postion_publish.platforms.threads.rule import too_many_links
from postion_publish.platforms.threads.spec import IMAGES
from postion_publish.store.jsonfile import write_json_atomic
from postion_publish.store.tokens import MemoryStore, TokenStore

NAME = "threads"
VERSION = "v1.0"
REFRESH_AGE = dt.timedelta(hours=24)  # Meta refuses to refresh a younger token
# Seconds between container status checks: text is ready at once, images take longer. ~3 minutes in all.
POLL_DELAYS = (0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 30.0, 30.0, 30.0, 30.0)
QUOTA_WAIT = 3600.0  # a spent rolling quota frees up as posts age out: look again in an hour
RECONNECT = "reconnect (`postion connect threads`) and update POSTION_THREADS_ACCESS_TOKEN"
_RATE_LIMIT_CODES = {4, 17, 32, 613}


class ThreadsAdapter:
    name = NAME

    def __init__(
        self,
        client: DeadlineClient,
        *,
        token: str,
        user_id: str | None = None,
        tokens: TokenStore | None = None,
        refresh_record: Path | None = None,
        clock: Clock = wall_clock,
        poll_scale: float = 1.0,
    ) -> None:
        self.client = client  # base_url: https://graph.threads.net (config `api_base`)
        self._token = token
        self.user_id = user_id
        self.tokens = tokens if tokens is not None else MemoryStore()
        self.refresh_record = refresh_record  # when this token was last refreshed (cache folder)
        self.clock = clock
        self.poll_scale = poll_scale
        self._checked_refresh = False

    # --- requests -------------------------------------------------------------------------------

    async def _send(self, method: str, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        """Graph API style, as Meta documents it: the token is a parameter (query for GET, form for POST)."""
        values = {**(params or {}), "access_token": self._token}
        try:
            if method == "GET":
                return await self.client.get(path, params=values)
            return await self.client.post(path, data=values)
        except httpx.HTTPError as error:
            raise network_error(NAME, error) from None

    async def _json(self, method: str, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        response = await self._send(method, path, params)
        if response.status_code != 200:
            raise self._error(response)
        return json_or_empty(response)

    def _error(self, response: httpx.Response) -> PlatformError:
        error = json_or_empty(response).get("error")
        error = error if isinstance(error, dict) else {"message": error} if isinstance(error, str) else {}
        code = error.get("code")
        message = str(error.get("error_user_msg") or error.get("message") or response.reason_phrase)
        reason = f"{message} (code {code})" if code is not None else message
        status = response.status_code
        if code == 190 or status == 401:
            return AuthExpired(NAME, f"the access token was refused ({reason}); {RECONNECT}")
        if status == 429 or code in _RATE_LIMIT_CODES:
            return RateLimited(NAME, f"rate limited ({reason})", None)
        if status >= 500 or code in (1, 2) or error.get("is_transient"):
            return Transient(NAME, f"temporary error {status} ({reason})", maybe_sent=True)
        return ContentRejected(NAME, f"{status}: {reason}")

    # --- the token ------------------------------------------------------------------------------

    async def _fresh_token(self) -> None:
        """Once per run, and at most once a day: refresh the long-lived token (60 days from now
        again). A refusal is no failure: the token may be too young, and it still works."""
        if self._checked_refresh:
            return
        self._checked_refresh = True
        last = self._last_refresh()
        if last is not None and self.clock() - last < REFRESH_AGE:
            return
        self._note_refresh()
        try:
            response = await self.client.get(
                "/refresh_access_token", params={"grant_type": "th_refresh_token", "access_token": self._token}
            )
        except httpx.HTTPError:
            return
        new = json_or_empty(response).get("access_token")
        if response.status_code == 200 and isinstance(new, str) and new:
            self.tokens.put("POSTION_THREADS_ACCESS_TOKEN", new)
            self._token = new

    def _last_refresh(self) -> dt.datetime | None:
        if self.refresh_record is None:
            return None
        try:
            return dt.datetime.fromisoformat(json.loads(self.refresh_record.read_text(encoding="utf-8"))["refreshed"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _note_refresh(self) -> None:
        if self.refresh_record is not None:
            write_json_atomic(self.refresh_record, {"refreshed": self.clock().isoformat()}, mode=0o600)

    async def _user(self) -> str:
        if self.user_id is None:
            self.user_id = str((await self._json("GET", f"/{VERSION}/me", {"fields": "id,username"}))["id"])
        return self.user_id

    # --- quota ----------------------------------------------------------------------------------

    async def _check_quota(self, replies: bool) -> None:
        user = await self._user()
        fields = "quota_usage,config,reply_quota_usage,reply_config"
        data = (await self._json("GET", f"/{VERSION}/{user}/threads_publishing_limit", {"fields": fields})).get("data")
        limit = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
        checks = [("quota_usage", "config", "posts")] + (
            [("reply_quota_usage", "reply_config", "replies")] if replies else []
        )
        for used_key, config_key, what in checks:
            used, total = limit.get(used_key), (limit.get(config_key) or {}).get("quota_total")
            if isinstance(used, int) and isinstance(total, int) and used >= total:
                raise RateLimited(
                    NAME, f"the 24-hour quota of {total} {what} is spent ({used} used): not tried", QUOTA_WAIT
                )

    # --- containers -----------------------------------------------------------------------------

    async def _status(self, container: str) -> dict[str, Any]:
        return await self._json("GET", f"/{VERSION}/{container}", {"fields": "status,error_message"})

    async def _create_container(self, outgoing: Outgoing, index: int, reply_to: str | None) -> str:
        text = outgoing.parts[index].text
        params: dict[str, str] = {"media_type": "TEXT", "text": text}
        attached: str | None = None
        if reply_to:
            params["reply_to_id"] = reply_to
        elif outgoing.image is not None:
            image = outgoing.image
            if not image.url:
                raise ContentRejected(NAME, "Threads downloads images from the web, and this image has no public URL")
            if not fits(image, IMAGES):
                raise ContentRejected(
                    NAME,
                    f"{image.filename}: Threads takes JPEG or PNG images up to 8 MB, and downloads them as they are",
                )
            params.update(media_type="IMAGE", image_url=image.url, alt_text=image.alt)
        elif outgoing.link is not None:
            params["link_attachment"] = attached = outgoing.link.url
        if (problem := too_many_links(text, attached)) is not None:
            raise ContentRejected(NAME, problem)
        user = await self._user()
        return str((await self._json("POST", f"/{VERSION}/{user}/threads", params))["id"])

    async def _wait_until_ready(self, container: str) -> None:
        for delay in POLL_DELAYS:
            await asyncio.sleep(delay * self.poll_scale)
            found = await self._status(container)
            status = found.get("status")
            if status == "FINISHED":
                return
            if status == "ERROR":
                raise ContentRejected(
                    NAME, f"Threads could not prepare the post: {found.get('error_message', 'ERROR')}"
                )
            if status == "EXPIRED":
                raise Transient(NAME, "the container expired before it was published", maybe_sent=False)
        raise Transient(NAME, "Threads was still preparing the post after 3 minutes", maybe_sent=False)

    async def _permalink(self, media_id: str) -> str:
        try:
            found = await self._json("GET", f"/{VERSION}/{media_id}", {"fields": "permalink"})
        except PlatformError:
            return ""  # no permalink (e.g. flagged for copyright): announced, link unknown
        return str(found.get("permalink") or "")

    # --- the protocol ---------------------------------------------------------------------------

    async def publish(
        self, outgoing: Outgoing, *, done: list[PartRef], resend: Intent | None, journal: Journal
    ) -> list[PartRef]:
        await self._fresh_token()
        refs = list(done)
        if len(refs) < len(outgoing.parts):
            await self._check_quota(replies=len(outgoing.parts) > 1)
        for index in range(len(refs), len(outgoing.parts)):
            reply_to = refs[-1].id if refs else None
            container = await self._reusable(resend, index)
            if container is None:
                container = await self._create_container(outgoing, index, reply_to)
            await self._wait_until_ready(container)
            await journal.before(index, {"container": container})
            user = await self._user()
            published = await self._json("POST", f"/{VERSION}/{user}/threads_publish", {"creation_id": container})
            media_id = str(published["id"])
            await journal.after(index, PartRef(media_id, ""))  # at once: publishing is not repeatable
            ref = PartRef(media_id, await self._permalink(media_id))
            if ref.url:
                await journal.after(index, ref)
            refs.append(ref)
        return refs

    async def _reusable(self, resend: Intent | None, index: int) -> str | None:
        """The container a previous run prepared for this part, if it can still be published."""
        if resend is None or resend.index != index or not resend.data.get("container"):
            return None
        container = str(resend.data["container"])
        status = (await self._status(container)).get("status")
        return container if status in ("FINISHED", "IN_PROGRESS") else None

    async def resolve(self, outgoing: Outgoing, intent: Intent) -> Resolution:
        await self._fresh_token()
        container = intent.data.get("container")
        if not container:
            return SafeToResend()
        status = (await self._status(str(container))).get("status")
        if status != "PUBLISHED":
            return SafeToResend()  # FINISHED: published now, from the same container; else a new one
        found = await self._find(outgoing.parts[intent.index].text, intent.started)
        if found is not None:
            return AlreadyPosted(found)
        return posted_where_unknown(outgoing, intent.index, "Threads")

    async def _find(self, text: str, since: dt.datetime) -> PartRef | None:
        user = await self._user()
        posts = await self._json(
            "GET", f"/{VERSION}/{user}/threads", {"fields": "id,text,permalink,timestamp", "limit": "25"}
        )
        earliest = since - dt.timedelta(minutes=5)
        for post in posts.get("data") or []:
            if not isinstance(post, dict) or post.get("text") != text:
                continue
            try:
                when = dt.datetime.strptime(str(post.get("timestamp")), "%Y-%m-%dT%H:%M:%S%z")
            except ValueError:
                continue
            if when >= earliest:
                return PartRef(str(post["id"]), str(post.get("permalink") or ""))
        return None

    async def character_limit(self) -> int | None:
        return None

    async def check(self) -> TokenInfo:
        found = await self._json("GET", f"/{VERSION}/me", {"fields": "id,username"})
        return TokenInfo(f"@{found.get('username')}" if found.get("username") else None)

    async def refresh(self) -> TokenInfo | None:
        """Now, whatever the record says: a refused refresh (a token under 24 hours old) is None."""
        self._checked_refresh = True
        self._note_refresh()
        try:
            response = await self.client.get(
                "/refresh_access_token", params={"grant_type": "th_refresh_token", "access_token": self._token}
            )
        except httpx.HTTPError as error:
            raise network_error(NAME, error) from None
        body = json_or_empty(response)
        new, lasts = body.get("access_token"), body.get("expires_in")
        if response.status_code != 200 or not isinstance(new, str) or not new:
            return None
        self.tokens.put("POSTION_THREADS_ACCESS_TOKEN", new)
        self._token = new
        seconds = float(lasts) if isinstance(lasts, int | float) else 60 * 86400.0
        return TokenInfo(expires=self.clock() + dt.timedelta(seconds=seconds))


def build(platform: PlatformSettings, context: BuildContext, client: DeadlineClient) -> ThreadsAdapter:
    """The adapter for `platforms.threads` (registry: postion_publish.core.registry)."""
    from postion_publish.store.cachedir import cache_dir

    user_id = platform.options.get("user_id")
    account = platform.name.partition("/")[2]  # two unnamed-user accounts keep apart (one alone: as ever)
    seed = f"{str(client.base_url).rstrip('/')}|{user_id or 'me'}" + (f"|{account}" if account else "")
    key = hashlib.sha256(seed.encode()).hexdigest()[:16]
    return ThreadsAdapter(
        client,
        token=context.secrets["POSTION_THREADS_ACCESS_TOKEN"],
        user_id=str(user_id) if user_id else None,
        tokens=context.tokens,
        refresh_record=cache_dir(context.environ) / f"threads-refresh-{key}.json",
        clock=context.clock,
    )
