"""X (API v2): posts, threads as reply chains, images with alt text; OAuth 2.0 or OAuth 1.0a.

Facts (../shared/platforms.md §1; X's OpenAPI 2.167 and docs.x.com):
- `POST /2/tweets {"text", "reply"?, "media"?}` → 201 `{"data": {"id"}}`; ids are digit strings.
- Images: `POST /2/media/upload` (multipart `media`, `media_category=tweet_image`) → `data.id`,
  then the alt text through `POST /2/media/metadata` (≤ 1000 characters).
- OAuth 2.0 refresh tokens rotate and the used one dies: a refresh happens at most once per run,
  only when the access token is missing or refused, and the new pair goes to the token store
  before anything else can fail. OAuth 1.0a tokens never expire; requests are signed (HMAC-SHA1)
  by oauthlib, a small pure-Python library, rather than by hand.
- No idempotency key. A send whose answer was lost is resolved by looking for the post on the
  account's timeline, then by sending it again: X refuses identical text with a 403 "duplicate
  content", which proves the first one went out.
- 429 carries `x-rate-limit-reset` (Unix seconds), and the 24-hour caps their own headers.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import html
import re
import unicodedata
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import httpx
from oauthlib import oauth1

from postion_publish.core.config import PlatformSettings
from postion_publish.core.errors import AuthExpired, ContentRejected, Duplicate, PlatformError, RateLimited, Transient
from postion_publish.core.media import within
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
    posted_where_unknown,
    wall_clock,
)
from postion_publish.platforms.images import fit_image
from postion_publish.platforms.x.spec import IMAGES
from postion_publish.store.tokens import MemoryStore, TokenStore, credential

NAME = "x"
DUPLICATE_WINDOW = dt.timedelta(hours=24)  # a resend older than this could post again: not tried
MEDIA_POLLS = 10
RECONNECT = "reconnect the account (`postion connect x`) and update POSTION_X_REFRESH_TOKEN"
_URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)+/\S*")


class OAuth1(httpx.Auth):
    """OAuth 1.0a user context: every request signed with HMAC-SHA1 (form bodies included)."""

    requires_request_body = True

    def __init__(self, api_key: str, api_secret: str, token: str, token_secret: str) -> None:
        self._client = oauth1.Client(api_key, api_secret, token, token_secret)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
        body = request.content.decode() if form else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form else {}
        _, signed, _ = self._client.sign(str(request.url), request.method, body=body, headers=headers)
        request.headers["Authorization"] = signed["Authorization"]
        yield request


@dataclass
class OAuth2Tokens:
    client_id: str
    refresh: str
    client_secret: str | None = None  # confidential clients authenticate the refresh
    access: str | None = None


class XAdapter:
    name = NAME

    def __init__(
        self,
        client: DeadlineClient,
        *,
        oauth2: OAuth2Tokens | None = None,
        oauth1_auth: OAuth1 | None = None,
        tokens: TokenStore | None = None,
        username: str | None = None,
        web_base: str = "https://x.com",
        clock: Clock = wall_clock,
        poll_interval: float = 1.0,
    ) -> None:
        if (oauth2 is None) == (oauth1_auth is None):
            raise ValueError("one of oauth2 and oauth1_auth")
        self.client = client  # base_url: https://api.x.com (config `api_base`)
        self.oauth2 = oauth2
        self.oauth1 = oauth1_auth
        self.tokens = tokens if tokens is not None else MemoryStore()
        self.username = username
        self.web_base = web_base.rstrip("/")
        self.clock = clock
        self.poll_interval = poll_interval
        self._refreshed = False
        self._me: dict[str, str] | None = None

    # --- requests and tokens ------------------------------------------------------------------

    async def _raw(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(headers or {})
        auth: httpx.Auth | None = self.oauth1
        if self.oauth2 is not None:
            headers["Authorization"] = f"Bearer {self.oauth2.access}"
        try:
            return await self.client.request(method, path, headers=headers, auth=auth, **kwargs)
        except httpx.HTTPError as error:
            raise network_error(NAME, error) from None

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request on the user's behalf. OAuth 2.0: without an access token, or with one refused,
        the refresh token is spent once (it rotates) and the request made once more."""
        if self.oauth2 is not None and not self.oauth2.access:
            await self._refresh()
        response = await self._raw(method, path, **kwargs)
        if response.status_code == 401 and self.oauth2 is not None and not self._refreshed:
            await self._refresh()
            response = await self._raw(method, path, **kwargs)
        return response

    async def _refresh(self) -> None:
        tokens = self.oauth2
        assert tokens is not None
        if self._refreshed:  # never twice in a run: each refresh kills the token used before
            raise AuthExpired(NAME, f"the access token was refused even after a refresh; {RECONNECT}")
        self._refreshed = True
        form = {"grant_type": "refresh_token", "refresh_token": tokens.refresh, "client_id": tokens.client_id}
        headers = client_authentication(tokens.client_id, tokens.client_secret)
        try:
            response = await self.client.post("/2/oauth2/token", data=form, headers=headers)
        except httpx.HTTPError as error:
            raise network_error(NAME, error) from None
        body = json_or_empty(response)
        if response.status_code != 200 or not body.get("access_token"):
            reason = str(body.get("error_description") or body.get("error") or response.reason_phrase)
            if response.status_code in (400, 401):
                raise AuthExpired(
                    NAME, f"the refresh token was refused ({reason}): it was used already or revoked; {RECONNECT}"
                )
            raise self._error(response)
        # The old refresh token is dead from now on: hand the new pair over before anything else.
        if body.get("refresh_token"):
            tokens.refresh = str(body["refresh_token"])
            self.tokens.put("POSTION_X_REFRESH_TOKEN", tokens.refresh)
        tokens.access = str(body["access_token"])
        self.tokens.put("POSTION_X_ACCESS_TOKEN", tokens.access)

    def _error(self, response: httpx.Response) -> PlatformError:
        reason = _reason(response)
        status = response.status_code
        if status == 403 and "duplicate" in reason.lower():
            return Duplicate(NAME, f"X says this text was posted already ({reason})")
        if status == 401:
            fix = (
                RECONNECT if self.oauth2 is not None else "check the four POSTION_X_API_*/ACCESS_* values (OAuth 1.0a)"
            )
            return AuthExpired(NAME, f"the credential was refused ({reason}); {fix}")
        if status == 429:
            return RateLimited(NAME, f"rate limited ({reason})", _reset_wait(response, self.clock()))
        if status >= 500:
            return Transient(NAME, f"server error {status} ({reason})", maybe_sent=True)
        if status == 403:
            return ContentRejected(
                NAME, f"403 forbidden: {reason} (the app needs Read and Write permission, and the post must be allowed)"
            )
        return ContentRejected(NAME, f"{status}: {reason}")

    # --- the account --------------------------------------------------------------------------

    async def _account(self) -> dict[str, str] | None:
        """The user's id and username (`GET /2/users/me`), once per run; None where the
        credentials may not read it (no `users.read`)."""
        if self._me is None:
            response = await self._request("GET", "/2/users/me")
            data = json_or_empty(response).get("data")
            if response.status_code != 200 or not isinstance(data, dict):
                return None
            self._me = {"id": str(data.get("id", "")), "username": str(data.get("username", ""))}
        return self._me

    async def _ref(self, post_id: str) -> PartRef:
        username = self.username or ((await self._account()) or {}).get("username")
        if username:
            return PartRef(post_id, f"{self.web_base}/{username}/status/{post_id}")
        return PartRef(post_id, f"{self.web_base}/i/web/status/{post_id}")

    # --- media --------------------------------------------------------------------------------

    async def _upload(self, image: Image) -> str:
        image = fit_image(image, IMAGES)
        response = await self._request(
            "POST",
            "/2/media/upload",
            files={"media": (image.filename, image.data, image.mime)},
            data={"media_category": "tweet_image"},
        )
        if response.status_code not in (200, 201):
            raise self._error(response)
        data = response.json()["data"]
        media_id = str(data["id"])
        for _ in range(MEDIA_POLLS):  # images are usually ready at once; wait while X says not yet
            state = (data.get("processing_info") or {}).get("state")
            if state not in ("pending", "in_progress"):
                break
            wait = float(data["processing_info"].get("check_after_secs", 1))
            await asyncio.sleep(min(wait, 5.0) * self.poll_interval)
            status = await self._request("GET", "/2/media/upload", params={"media_id": media_id, "command": "STATUS"})
            if status.status_code != 200:
                raise self._error(status)
            data = status.json()["data"]
        if (data.get("processing_info") or {}).get("state") == "failed":
            raise ContentRejected(NAME, "X could not process the image")
        if image.alt:
            alt = {"id": media_id, "metadata": {"alt_text": {"text": within(image.alt, IMAGES.max_alt)}}}
            answer = await self._request("POST", "/2/media/metadata", json=alt)
            if answer.status_code not in (200, 201):
                raise self._error(answer)
        return media_id

    # --- posts --------------------------------------------------------------------------------

    async def _body(self, outgoing: Outgoing, index: int, reply_to: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"text": outgoing.parts[index].text}
        if reply_to:
            body["reply"] = {"in_reply_to_tweet_id": reply_to}
        elif index == 0 and outgoing.image is not None:
            body["media"] = {"media_ids": [await self._upload(outgoing.image)]}
        return body

    async def _create(self, body: dict[str, Any]) -> PartRef:
        response = await self._request("POST", "/2/tweets", json=body)
        if response.status_code not in (200, 201):
            raise self._error(response)
        return await self._ref(str(response.json()["data"]["id"]))

    async def publish(
        self, outgoing: Outgoing, *, done: list[PartRef], resend: Intent | None, journal: Journal
    ) -> list[PartRef]:
        refs = list(done)
        for index in range(len(refs), len(outgoing.parts)):
            reply_to = refs[-1].id if refs else None
            body = await self._body(outgoing, index, reply_to)
            await journal.before(index, {"reply_to": reply_to} if reply_to else {})
            ref = await self._create(body)
            await journal.after(index, ref)
            refs.append(ref)
        return refs

    async def resolve(self, outgoing: Outgoing, intent: Intent) -> Resolution:
        """Find the part on the timeline; else, within a day, send it again: a 201 means it had not
        gone out (now it has, once), a duplicate 403 that it had."""
        text = outgoing.parts[intent.index].text
        if (found := await self._find(text, intent.started)) is not None:
            return AlreadyPosted(found)
        if self.clock() - intent.started > DUPLICATE_WINDOW:
            return Unknowable("sent over a day ago and not found on the account's timeline: check your profile")
        reply_to = intent.data.get("reply_to")
        body = await self._body(outgoing, intent.index, str(reply_to) if reply_to else None)
        try:
            return AlreadyPosted(await self._create(body))
        except Duplicate:
            pass
        if (found := await self._find(text, intent.started)) is not None:
            return AlreadyPosted(found)
        return posted_where_unknown(outgoing, intent.index, "X")

    async def _find(self, text: str, since: dt.datetime) -> PartRef | None:
        """The user's recent post with this text (X returns it with t.co links and HTML entities)."""
        account = await self._account()
        if not account or not account["id"]:
            return None
        start = (since - dt.timedelta(minutes=5)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        params = {"max_results": "20", "tweet.fields": "created_at", "start_time": start}
        response = await self._request("GET", f"/2/users/{account['id']}/tweets", params=params)
        if response.status_code != 200:
            return None
        wanted = _comparable(text)
        for tweet in json_or_empty(response).get("data") or []:
            if isinstance(tweet, dict) and _comparable(html.unescape(str(tweet.get("text", "")))) == wanted:
                return await self._ref(str(tweet["id"]))
        return None

    async def character_limit(self) -> int | None:
        return None

    async def check(self) -> TokenInfo:
        response = await self._request("GET", "/2/users/me")
        if response.status_code != 200:
            raise self._error(response)
        return TokenInfo(f"@{response.json()['data']['username']}")

    async def refresh(self) -> TokenInfo | None:
        if self.oauth2 is None:
            return None  # OAuth 1.0a tokens do not expire
        await self._refresh()
        return TokenInfo()  # X does not say how long a refresh token lives (about six months, reportedly)


def client_authentication(client_id: str, client_secret: str | None) -> dict[str, str]:
    """Confidential clients authenticate to the token endpoint with HTTP Basic (RFC 6749 §2.3.1:
    both parts form-encoded first); public ones by `client_id` in the body alone."""
    if not client_secret:
        return {}
    pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


def _comparable(text: str) -> str:
    """Text as X may give it back: links shortened, so every URL is one placeholder."""
    return " ".join(_URL.sub("<url>", unicodedata.normalize("NFC", text)).split())


def _reason(response: httpx.Response) -> str:
    """X's problem JSON (`detail`, `title`) or its legacy `{"errors": [{"message"}]}`."""
    body = json_or_empty(response)
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict) and not body.get("detail"):
        return str(errors[0].get("message") or errors[0].get("detail") or response.reason_phrase)
    return str(body.get("detail") or body.get("title") or body.get("error_description") or response.reason_phrase)


def _reset_wait(response: httpx.Response, now: dt.datetime) -> float | None:
    """Seconds until the limit that was hit resets: the 24-hour user or app cap when it is spent,
    else the 15-minute window (`x-rate-limit-reset`, Unix seconds). X sends no Retry-After."""
    headers = response.headers
    reset = headers.get("x-rate-limit-reset")
    for scope in ("user", "app"):
        if headers.get(f"x-{scope}-limit-24hour-remaining") == "0":
            reset = headers.get(f"x-{scope}-limit-24hour-reset") or reset
    if reset and reset.isdigit():
        return max(0.0, int(reset) - now.timestamp())
    return None


def build(platform: PlatformSettings, context: BuildContext, client: DeadlineClient) -> XAdapter:
    """The adapter for `platforms.x` (registry: postion_publish.core.registry)."""
    secrets = context.secrets
    store = context.tokens if context.tokens is not None else MemoryStore()
    common: dict[str, Any] = {
        "tokens": store,
        "username": platform.options.get("username"),
        "web_base": str(platform.options.get("web_base", "https://x.com")),
        "clock": context.clock,
    }
    if "POSTION_X_REFRESH_TOKEN" in secrets:
        tokens = OAuth2Tokens(
            client_id=secrets["POSTION_X_CLIENT_ID"],
            refresh=secrets["POSTION_X_REFRESH_TOKEN"],
            client_secret=credential("POSTION_X_CLIENT_SECRET", store, context.environ),
            access=credential("POSTION_X_ACCESS_TOKEN", store, context.environ),
        )
        return XAdapter(client, oauth2=tokens, **common)
    signing = OAuth1(
        secrets["POSTION_X_API_KEY"],
        secrets["POSTION_X_API_SECRET"],
        secrets["POSTION_X_ACCESS_TOKEN"],
        secrets["POSTION_X_ACCESS_SECRET"],
    )
    return XAdapter(client, oauth1_auth=signing, **common)
