"""LinkedIn (Posts API `/rest/posts`): member and organization posts, article cards, images.

Facts (../shared/platforms.md §2; learn.microsoft.com/linkedin/marketing/community-management/shares):
- Every call sends `LinkedIn-Version: YYYYMM` (config `version`) and `X-Restli-Protocol-Version:
  2.0.0`. A retired version answers 426 NONEXISTENT_VERSION.
- `POST /rest/posts` → 201 with an empty body; the post's URN is in the `x-restli-id` header.
- The commentary is "little text": an unescaped reserved character makes LinkedIn cut the post
  there, silently. Every one is escaped but in URLs and #hashtags (`escape_little_text`).
- The API does not read the linked page: an article card carries its title, description and
  thumbnail, which goes through the Images API (initializeUpload, then a PUT of the bytes).
- 422 DUPLICATE_POST names the earlier post; 429 is a daily quota reset at 00:00 UTC, with no
  rate-limit headers. No idempotency key: an unclear send is resolved by sending it again, the
  duplicate answer proving (and naming) the first one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from postion_publish.core.config import PlatformSettings
from postion_publish.core.errors import AuthExpired, ContentRejected, Duplicate, PlatformError, RateLimited, Transient
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import (
    AlreadyPosted,
    BuildContext,
    Clock,
    Image,
    Intent,
    Journal,
    Outgoing,
    PartRef,
    Resolution,
    TokenInfo,
    Unknowable,
    json_or_empty,
    network_error,
    wall_clock,
)
from postion_publish.platforms.images import fit_image, fit_or_none
from postion_publish.platforms.linkedin.rule import escape_little_text
from postion_publish.platforms.linkedin.spec import IMAGES
from postion_publish.store.tokens import MemoryStore, TokenStore, credential

NAME = "linkedin"
DEFAULT_VERSION = "202607"  # the latest listed in LinkedIn's versioning page as of 2026-08; kept ≥ 1 year
RESEND_WINDOW = dt.timedelta(hours=24)
IMAGE_POLLS = 5
_URN = re.compile(r"urn:li:(?:share|ugcPost):\d+")


@dataclass(frozen=True)
class RefreshGrant:
    """What a programmatic refresh takes: the refresh token and the app's id and secret."""

    refresh_token: str
    client_id: str
    client_secret: str
    auth_base: str = "https://www.linkedin.com"


class LinkedInAdapter:
    name = NAME

    def __init__(
        self,
        client: DeadlineClient,
        *,
        token: str,
        author: str,
        version: str = DEFAULT_VERSION,
        web_base: str = "https://www.linkedin.com",
        clock: Clock = wall_clock,
        poll_interval: float = 1.0,
        refresh: RefreshGrant | None = None,
        tokens: TokenStore | None = None,
    ) -> None:
        self.client = client  # base_url: https://api.linkedin.com (config `api_base`)
        self.author = author
        self.version = version
        self.web_base = web_base.rstrip("/")
        self.clock = clock
        self.poll_interval = poll_interval
        self.refresh_grant = refresh
        self.tokens = tokens if tokens is not None else MemoryStore()
        self._headers = {
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": version,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {**self._headers, **kwargs.pop("headers", {})}
        try:
            return await self.client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as error:
            raise network_error(NAME, error) from None

    def _error(self, response: httpx.Response) -> PlatformError:
        body = json_or_empty(response)
        status = response.status_code
        reason = str(body.get("message") or response.reason_phrase)
        codes = {str(body.get("code", ""))} | {
            str(item.get("code", ""))
            for item in ((body.get("errorDetails") or {}).get("inputErrors") or [])
            if isinstance(item, dict)
        }
        if status == 422 and ("DUPLICATE_POST" in codes or "duplicate" in reason.lower()):
            return Duplicate(NAME, f"LinkedIn says this was posted already ({reason})")
        if status == 426:
            return PlatformError(
                NAME,
                f"LinkedIn-Version {self.version} is no longer active ({reason}): set `platforms.linkedin.version` "
                f"in postion.yml to a current month (YYYYMM, e.g. {DEFAULT_VERSION} or later)",
            )
        if status == 401:
            return AuthExpired(
                NAME,
                f"the access token was refused ({reason}); LinkedIn tokens last 60 days: reconnect "
                "(`postion connect linkedin`) and update POSTION_LINKEDIN_ACCESS_TOKEN",
            )
        if status == 429:
            return RateLimited(NAME, f"daily limit reached ({reason})", _until_midnight_utc(self.clock()))
        if status >= 500:
            return Transient(NAME, f"server error {status} ({reason})", maybe_sent=True)
        if status == 403:
            return ContentRejected(
                NAME,
                f"403: {reason} (posting needs w_member_social, or for a page w_organization_social and an admin "
                "role on it)",
            )
        return ContentRejected(NAME, f"{status}: {reason}")

    # --- images ---------------------------------------------------------------------------------

    async def _upload(self, image: Image) -> str:
        """Images API: initializeUpload, PUT the bytes, wait until AVAILABLE; the image's URN."""
        response = await self._send(
            "POST",
            "/rest/images",
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": self.author}},
        )
        if response.status_code not in (200, 201):
            raise self._error(response)
        value = response.json()["value"]
        upload_url = httpx.URL(str(value["uploadUrl"]))
        if not self._trusted(upload_url):  # the token goes with the bytes: only to LinkedIn itself
            where = f"{upload_url.scheme}://{upload_url.host}" + (f":{upload_url.port}" if upload_url.port else "")
            raise PlatformError(NAME, f"refused to upload to {where}: not LinkedIn over HTTPS")
        upload = await self._send("PUT", str(upload_url), content=image.data)
        if upload.status_code not in (200, 201):
            raise self._error(upload)
        urn = str(value["image"])
        for _ in range(IMAGE_POLLS):
            state = await self._send("GET", f"/rest/images/{quote(urn, safe='')}")  # Rest.li: URNs encoded
            status = json_or_empty(state).get("status")
            if state.status_code != 200 or status == "AVAILABLE":
                break  # a status we cannot read is no reason not to try the post
            if status == "PROCESSING_FAILED":
                raise ContentRejected(NAME, "LinkedIn could not process the image")
            await asyncio.sleep(self.poll_interval)
        return urn

    def _trusted(self, url: httpx.URL) -> bool:
        """The bearer token goes with the upload: only to LinkedIn over HTTPS on its own port, or to
        the very origin postion.yml names as LinkedIn's API (the sandbox, a test server)."""
        base = self.client.base_url
        if (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port):
            return True
        linkedin = url.host == "linkedin.com" or url.host.endswith(".linkedin.com")
        return linkedin and url.scheme == "https" and url.port in (None, 443)

    # --- posts ----------------------------------------------------------------------------------

    async def _body(self, outgoing: Outgoing) -> dict[str, Any]:
        body: dict[str, Any] = {
            "author": self.author,
            "commentary": escape_little_text(outgoing.parts[0].text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if outgoing.image is not None:
            image = fit_image(outgoing.image, IMAGES)
            body["content"] = {"media": {"id": await self._upload(image), "altText": image.alt}}
        elif outgoing.link is not None:
            article: dict[str, Any] = {"source": outgoing.link.url, "title": outgoing.link.title}
            if outgoing.link.description:
                article["description"] = outgoing.link.description
            thumb = fit_or_none(outgoing.link.thumb, IMAGES) if outgoing.link.thumb else None
            if thumb is not None:
                article["thumbnail"] = await self._upload(thumb)
            body["content"] = {"article": article}
        return body

    def _ref(self, urn: str) -> PartRef:
        return PartRef(urn, f"{self.web_base}/feed/update/{urn}/")

    async def _create(self, body: dict[str, Any]) -> PartRef:
        response = await self._send("POST", "/rest/posts", json=body)
        if response.status_code != 201:
            raise self._error(response)
        urn = response.headers.get("x-restli-id") or response.headers.get("x-linkedin-id")
        if not urn:
            raise Transient(NAME, "LinkedIn answered 201 without the post's id (x-restli-id)", maybe_sent=True)
        return self._ref(urn)

    async def publish(
        self, outgoing: Outgoing, *, done: list[PartRef], resend: Intent | None, journal: Journal
    ) -> list[PartRef]:
        if done:  # LinkedIn has no threads: one part
            return list(done)
        body = await self._body(outgoing)
        await journal.before(0, {})
        ref = await self._create(body)
        await journal.after(0, ref)
        return [ref]

    async def resolve(self, outgoing: Outgoing, intent: Intent) -> Resolution:
        """Send it again, within a day: a 201 means the first had not gone out (now it has, once);
        a duplicate answer that it had, and names it."""
        if self.clock() - intent.started > RESEND_WINDOW:
            return Unknowable("sent over a day ago and LinkedIn cannot be asked: check the page's posts")
        try:
            return AlreadyPosted(await self._create(await self._body(outgoing)))
        except Duplicate as duplicate:
            found = _URN.search(duplicate.reason)
            return AlreadyPosted(self._ref(found.group(0)) if found else PartRef("", ""))

    async def character_limit(self) -> int | None:
        return None

    async def check(self) -> TokenInfo:
        """A member's `GET /v2/userinfo` (scope openid), a Page's `GET /rest/organizations/{id}`:
        a refused token is expired; any other answer says nothing against it (a token without
        openid still posts)."""
        if self.author.startswith("urn:li:organization:"):
            response = await self._send("GET", f"/rest/organizations/{self.author.rsplit(':', 1)[1]}")
            name = json_or_empty(response).get("localizedName")
        else:
            response = await self._send("GET", "/v2/userinfo")
            name = json_or_empty(response).get("name")
        if response.status_code == 401:
            raise self._error(response)
        return TokenInfo(str(name or "") or None)

    async def refresh(self) -> TokenInfo | None:
        """With a refresh token (approved partners only; else reconnect every 60 days): a new
        60-day access token. The refresh token's own year keeps counting from the first grant."""
        grant = self.refresh_grant
        if grant is None:
            return None
        form = {
            "grant_type": "refresh_token",
            "refresh_token": grant.refresh_token,
            "client_id": grant.client_id,
            "client_secret": grant.client_secret,
        }
        try:
            response = await self.client.post(f"{grant.auth_base}/oauth/v2/accessToken", data=form)
        except httpx.HTTPError as error:
            raise network_error(NAME, error) from None
        body = json_or_empty(response)
        if response.status_code != 200 or not isinstance(body.get("access_token"), str):
            raise AuthExpired(NAME, "the refresh token was refused: reconnect (`postion connect linkedin`)")
        self.tokens.put("POSTION_LINKEDIN_ACCESS_TOKEN", body["access_token"])
        if isinstance(body.get("refresh_token"), str):  # whether it changes is not documented: keep what comes
            self.tokens.put("POSTION_LINKEDIN_REFRESH_TOKEN", body["refresh_token"])
        self._headers["Authorization"] = f"Bearer {body['access_token']}"
        lasts = body.get("expires_in")
        return (
            TokenInfo(expires=self.clock() + dt.timedelta(seconds=float(lasts)))
            if isinstance(lasts, int)
            else TokenInfo()
        )


def _until_midnight_utc(now: dt.datetime) -> float:
    """LinkedIn's daily limits reset at 00:00 UTC."""
    midnight = (now.astimezone(dt.UTC) + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


def build(platform: PlatformSettings, context: BuildContext, client: DeadlineClient) -> LinkedInAdapter:
    """The adapter for `platforms.linkedin` (registry: postion_publish.core.registry)."""
    names = ("POSTION_LINKEDIN_REFRESH_TOKEN", "POSTION_LINKEDIN_CLIENT_ID", "POSTION_LINKEDIN_CLIENT_SECRET")
    store = context.tokens if context.tokens is not None else MemoryStore()
    found = [credential(name, store, context.environ) for name in names]
    grant = None
    if all(found):
        auth_base = str(platform.options.get("auth_base", "https://www.linkedin.com")).rstrip("/")
        refresh_token, client_id, client_secret = (str(value) for value in found)
        grant = RefreshGrant(refresh_token, client_id, client_secret, auth_base)
    return LinkedInAdapter(
        client,
        refresh=grant,
        tokens=store,
        token=context.secrets["POSTION_LINKEDIN_ACCESS_TOKEN"],
        author=str(platform.options["author"]),
        version=str(platform.options.get("version", DEFAULT_VERSION)),
        web_base=str(platform.options.get("web_base", "https://www.linkedin.com")),
        clock=context.clock,
    )
