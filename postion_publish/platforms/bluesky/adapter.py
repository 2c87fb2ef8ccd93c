"""Bluesky (AT Protocol): app-password session, `app.bsky.feed.post` records, threads as replies.

Facts: docs.bsky.app/docs/advanced-guides/posts, the atproto lexicons, the reference PDS.
- createSession is limited (30 / 5 min, 300 / day per account): a session is created once,
  cached outside the repository, and refreshed (refreshSession rotates both tokens).
- There is no idempotency header. Each record gets a TID rkey chosen before sending and recorded;
  after a crash, getRecord on that rkey says whether it went out. An rkey that exists already
  gives a 500 on the reference PDS: that is checked, not retried.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
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
    Image,
    Intent,
    Journal,
    Outgoing,
    PartRef,
    Resolution,
    SafeToResend,
    TokenInfo,
    json_or_empty,
    network_error,
    retry_after_seconds,
    wall_clock,
)
from postion_publish.platforms.bluesky.rule import facets, mention_facets, mentions
from postion_publish.platforms.bluesky.spec import IMAGES
from postion_publish.platforms.cached import read_sealed_fact, write_sealed_fact
from postion_publish.platforms.images import dimensions, fit_image, fit_or_none

NAME = "bluesky"
COLLECTION = "app.bsky.feed.post"
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def tid(microseconds: int, clock_id: int) -> str:
    """A record key in the TID format: 53 bits of time, 10 bits of clock id, base32-sortable."""
    value = ((microseconds & ((1 << 53) - 1)) << 10) | (clock_id & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def rkey_of(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


@dataclass
class Session:
    access: str
    refresh: str
    did: str
    handle: str


class BlueskyAdapter:
    name = NAME

    def __init__(
        self,
        client: DeadlineClient,
        *,
        handle: str,
        app_password: str,
        web_base: str = "https://bsky.app",
        langs: list[str] | None = None,
        session_cache: Path | None = None,
        clock: Clock = wall_clock,
    ) -> None:
        self.clock = clock
        self.client = client  # base_url: the PDS (config `service`)
        self._resolved: dict[str, str | None] = {}  # handle → DID, for the mentions of this run
        self.handle = handle
        self._password = app_password
        self.web_base = web_base.rstrip("/")
        self.langs = langs or []
        self.session_cache = session_cache
        self._session: Session | None = None

    # --- session ------------------------------------------------------------------------------

    def _load_cached_session(self) -> Session | None:
        data = read_sealed_fact(self.session_cache, self.clock(), self._password)
        try:
            return Session(data["accessJwt"], data["refreshJwt"], data["did"], data["handle"]) if data else None
        except KeyError:
            return None  # a damaged cache only costs one createSession

    def _store_session(self, session: Session) -> None:
        self._session = session
        write_sealed_fact(  # readable by this user only, and encrypted: the Action's cache travels
            self.session_cache,
            self.clock(),
            self._password,
            accessJwt=session.access,
            refreshJwt=session.refresh,
            did=session.did,
            handle=session.handle,
        )

    async def _create_session(self) -> Session:
        response = await self._send(
            "POST",
            "/xrpc/com.atproto.server.createSession",
            json={"identifier": self.handle, "password": self._password},
        )
        if response.status_code != 200:
            body = json_or_empty(response)
            if response.status_code in (400, 401) and body.get("error") in ("AuthenticationRequired", "InvalidRequest"):
                raise AuthExpired(
                    NAME,
                    f"the app password for {self.handle} was refused; create a new one in "
                    "Settings → App passwords and update POSTION_BLUESKY_APP_PASSWORD",
                )
            raise self._error(response)
        data = response.json()
        session = Session(data["accessJwt"], data["refreshJwt"], data["did"], data.get("handle", self.handle))
        self._store_session(session)
        return session

    async def _refresh(self, session: Session) -> Session:
        response = await self._send(
            "POST", "/xrpc/com.atproto.server.refreshSession", headers={"Authorization": f"Bearer {session.refresh}"}
        )
        if response.status_code != 200:
            return await self._create_session()
        data = response.json()
        refreshed = Session(data["accessJwt"], data["refreshJwt"], data.get("did", session.did), session.handle)
        self._store_session(refreshed)
        return refreshed

    async def _authorized(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """A request with the session's token; an expired token is refreshed once."""
        session = await self._current_session()
        for attempt in (1, 2):
            authorized = {**(headers or {}), "Authorization": f"Bearer {session.access}"}
            response = await self._send(method, path, headers=authorized, **kwargs)
            expired = response.status_code in (400, 401) and json_or_empty(response).get("error") in (
                "ExpiredToken",
                "InvalidToken",
            )
            if not expired or attempt == 2:
                return response
            session = await self._refresh(session)
        raise AssertionError("unreachable")

    async def _current_session(self) -> Session:
        """This run's session, else the cached one, else a new one (createSession is rate limited)."""
        if self._session is None:
            self._session = self._load_cached_session() or await self._create_session()
        return self._session

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise network_error(NAME, error) from None

    # --- errors -------------------------------------------------------------------------------

    def _error(self, response: httpx.Response) -> PlatformError:
        body = json_or_empty(response)
        name, message = str(body.get("error", "")), str(body.get("message", "")) or response.reason_phrase
        reason = f"{name}: {message}" if name else message
        status = response.status_code
        if status == 401 or name in ("AuthenticationRequired", "InvalidToken", "ExpiredToken"):
            return AuthExpired(NAME, f"the session was refused ({reason}); check POSTION_BLUESKY_APP_PASSWORD")
        if status == 429:
            return RateLimited(NAME, f"rate limited ({reason})", _retry_after(response, self.clock()))
        if status >= 500:
            return Transient(NAME, f"server error {status} ({reason})", maybe_sent=True)
        return ContentRejected(NAME, reason)

    # --- records ------------------------------------------------------------------------------

    def _intent_data(self, outgoing: Outgoing, index: int) -> dict[str, Any]:
        # A record key is an identifier, not a decision: it takes the real time (TIDs must grow
        # and never repeat, even under a run's fixed clock).
        microseconds = time.time_ns() // 1000
        clock_id = int(hashlib.sha256(outgoing.part_key(index).encode()).hexdigest(), 16) & 0x3FF
        return {"rkey": tid(microseconds, clock_id)}

    async def _upload(self, image: Image) -> dict[str, Any]:
        response = await self._authorized(
            "POST", "/xrpc/com.atproto.repo.uploadBlob", content=image.data, headers={"Content-Type": image.mime}
        )
        if response.status_code != 200:
            raise self._error(response)
        blob: dict[str, Any] = response.json()["blob"]
        return blob

    async def _embed(self, outgoing: Outgoing) -> dict[str, Any] | None:
        """One embed per post: the attached image with its alt text, else the link card."""
        if outgoing.image is not None:
            image = fit_image(outgoing.image, IMAGES)
            blob = await self._upload(image)
            entry: dict[str, Any] = {"image": blob, "alt": image.alt}
            if (size := dimensions(image)) is not None:  # clients lay the post out before the image loads
                entry["aspectRatio"] = {"width": size[0], "height": size[1]}
            return {"$type": "app.bsky.embed.images", "images": [entry]}
        if outgoing.link is None:
            return None
        external: dict[str, Any] = {
            "uri": outgoing.link.url,
            "title": outgoing.link.title,
            "description": outgoing.link.description,
        }
        thumb = fit_or_none(outgoing.link.thumb, IMAGES) if outgoing.link.thumb else None
        if thumb is not None:  # a card without its picture is better than no card
            external["thumb"] = await self._upload(thumb)
        return {"$type": "app.bsky.embed.external", "external": external}

    def _ref(self, uri: str, cid: str) -> PartRef:
        return PartRef(uri, f"{self.web_base}/profile/{self.handle}/post/{rkey_of(uri)}", {"cid": cid})

    async def publish(
        self, outgoing: Outgoing, *, done: list[PartRef], resend: Intent | None, journal: Journal
    ) -> list[PartRef]:
        refs = list(done)
        for index in range(len(refs), len(outgoing.parts)):
            part = outgoing.parts[index]
            record: dict[str, Any] = {
                "$type": COLLECTION,
                "text": part.text,
                "createdAt": outgoing.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            }
            found = facets(part.text)  # links and tags, in UTF-8 byte offsets
            if handles := mentions(part.text):
                found += mention_facets(part.text, await self._dids(handles))
                found.sort(key=lambda facet: facet["index"]["byteStart"])
            if found:
                record["facets"] = found
            if self.langs:
                record["langs"] = self.langs[:3]
            if refs:
                root, parent = refs[0], refs[-1]
                record["reply"] = {
                    "root": {"uri": root.id, "cid": root.extra["cid"]},
                    "parent": {"uri": parent.id, "cid": parent.extra["cid"]},
                }
            elif (embed := await self._embed(outgoing)) is not None:
                record["embed"] = embed
            reused = resend is not None and resend.index == index
            intent = dict(resend.data) if reused and resend is not None else self._intent_data(outgoing, index)
            await journal.before(index, intent)
            ref = await self._create_record(record, intent["rkey"])
            await journal.after(index, ref)
            refs.append(ref)
        return refs

    async def _dids(self, handles: list[str]) -> dict[str, str]:
        """Each handle's DID, as the PDS resolves it (`com.atproto.identity.resolveHandle`); a
        handle it cannot resolve is left out, and its mention stays text."""
        for handle in dict.fromkeys(handles):
            if handle in self._resolved:
                continue
            response = await self._send("GET", "/xrpc/com.atproto.identity.resolveHandle", params={"handle": handle})
            did = json_or_empty(response).get("did") if response.status_code == 200 else None
            self._resolved[handle] = str(did) if isinstance(did, str) and did.startswith("did:") else None
        return {handle: did for handle in handles if (did := self._resolved.get(handle)) is not None}

    async def _create_record(self, record: Mapping[str, Any], rkey: str) -> PartRef:
        session_did = (await self._current_session()).did
        response = await self._authorized(
            "POST",
            "/xrpc/com.atproto.repo.createRecord",
            json={"repo": session_did, "collection": COLLECTION, "rkey": rkey, "record": record},
        )
        if response.status_code == 200:
            data = response.json()
            return self._ref(data["uri"], data["cid"])
        if response.status_code >= 500:
            existing = await self._get_record(rkey)  # an rkey that exists answers 500, not a conflict
            if existing is not None:
                return existing
        raise self._error(response)

    async def _get_record(self, rkey: str) -> PartRef | None:
        session = await self._current_session()
        response = await self._authorized(
            "GET",
            "/xrpc/com.atproto.repo.getRecord",
            params={"repo": session.did, "collection": COLLECTION, "rkey": rkey},
        )
        if response.status_code == 200:
            data = response.json()
            return self._ref(data["uri"], data["cid"])
        if response.status_code == 400 and json_or_empty(response).get("error") == "RecordNotFound":
            return None
        raise self._error(response)

    async def resolve(self, outgoing: Outgoing, intent: Intent) -> Resolution:
        existing = await self._get_record(str(intent.data["rkey"]))
        return AlreadyPosted(existing) if existing is not None else SafeToResend()

    async def character_limit(self) -> int | None:
        return None

    async def check(self) -> TokenInfo:
        session = await self._current_session()  # the cached one, else a new one from the app password
        response = await self._authorized("GET", "/xrpc/com.atproto.server.getSession")
        if response.status_code != 200:
            raise self._error(response)
        return TokenInfo(f"@{json_or_empty(response).get('handle') or session.handle}")

    async def refresh(self) -> TokenInfo | None:
        session = await self._refresh(await self._current_session())
        return TokenInfo(f"@{session.handle}")  # an app password does not expire; sessions are refreshed


def _retry_after(response: httpx.Response, now: dt.datetime) -> float | None:
    seconds = retry_after_seconds(response.headers.get("retry-after"), now)
    if seconds is not None:
        return seconds
    reset = response.headers.get("ratelimit-reset")
    if reset and reset.isdigit():
        return max(0.0, int(reset) - now.timestamp())
    return None


def build(platform: PlatformSettings, context: BuildContext, client: DeadlineClient) -> BlueskyAdapter:
    """The adapter for `platforms.bluesky` (registry: postion_publish.core.registry)."""
    from postion_publish.store.cachedir import cache_dir

    secrets = context.secrets
    handle = str(platform.options["handle"])
    key = hashlib.sha256(f"{str(client.base_url).rstrip('/')}|{handle}".encode()).hexdigest()[:16]
    return BlueskyAdapter(
        client,
        handle=handle,
        app_password=secrets["POSTION_BLUESKY_APP_PASSWORD"],
        web_base=str(platform.options.get("web_base", "https://bsky.app")),
        langs=list(platform.options.get("langs", [])),
        session_cache=cache_dir(context.environ) / f"bluesky-session-{key}.json",
        clock=context.clock,
    )
