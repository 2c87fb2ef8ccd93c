"""The sandbox's Bluesky PDS: sessions, records, blobs, and each post's page.

Behaves as the reference PDS does for what the adapter uses (docs.bsky.app, the atproto lexicons):
XRPC error bodies `{"error", "message"}`, ExpiredToken as a 400, an rkey that must be a TID, an
existing rkey answered with a 500, RecordNotFound as a 400, IETF rate-limit headers."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from postion_publish.platforms.bluesky import page as own_page
from postion_publish.sandbox.counting import graphemes
from postion_publish.sandbox.exchange import Failure, Request, Response
from postion_publish.sandbox.replies import with_failures

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


# How the service counts a post (its own code's way, not the client's rule).
BLUESKY_GRAPHEMES = 300
BLUESKY_BYTES = 3000
MAX_BYTES = BLUESKY_BYTES
LIMIT = BLUESKY_GRAPHEMES


@dataclass(frozen=True)
class Identity:
    """What this platform's sandbox accepts and who posts there (see `sandbox.exchange.Credentials`)."""

    bluesky_handle: str = "demo.bsky.sandbox"
    bluesky_app_password: str = "sand-boxa-ppss-word"
    # Other accounts of this sandbox's network, which mentions may name (resolveHandle knows them).
    bluesky_known_handles: tuple[str, ...] = ("alice.bsky.sandbox", "bob.bsky.sandbox")


NAME = "bluesky"
ACCESS_TTL = 2 * 3600
MAX_BLOB = 5 * 1024 * 1024  # the reference PDS default, at upload
MAX_IMAGE = 1_000_000  # in a post's record (the PDS's app.bsky.embed.images and external lexicons)
_TID = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


def did_of(handle: str) -> str:
    return "did:plc:" + hashlib.sha256(handle.encode()).hexdigest()[:24]


def _cid(data: Any) -> str:
    return "bafyrei" + hashlib.sha256(repr(data).encode()).hexdigest()[:52]


def _error(status: int, name: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"error": name, "message": message}, headers or {})


def _limits() -> dict[str, str]:
    return {
        "ratelimit-limit": "5000",
        "ratelimit-remaining": "4999",
        "ratelimit-reset": str(int(time.time()) + 3600),
        "ratelimit-policy": "5000;w=3600",
    }


def _refuse(failure: Failure) -> Response:
    if failure.mode == "429":
        headers = {**_limits(), "ratelimit-remaining": "0", "retry-after": str(int(failure.retry_after))}
        headers["ratelimit-reset"] = str(int(time.time() + failure.retry_after))
        return _error(429, "RateLimitExceeded", "Rate Limit Exceeded", headers)
    if failure.mode == "auth":
        return _error(400, "ExpiredToken", "Token has expired")
    return _error(500, "InternalServerError", "Internal Server Error")


def _session(sandbox: Sandbox, request: Request, kind: str = "access") -> dict[str, Any] | Response:
    token = request.bearer()
    session = sandbox.sessions.get(f"bluesky:{token}") if token else None
    if session is None or session["kind"] != kind:
        return _error(
            400 if token else 401,
            "InvalidToken" if token else "AuthenticationRequired",
            "Token could not be verified" if token else "Authentication Required",
        )
    if session["expires"] < time.time():
        return _error(400, "ExpiredToken", "Token has expired")
    found: dict[str, Any] = session
    return found


def _new_session(sandbox: Sandbox, handle: str) -> dict[str, Any]:
    did = did_of(handle)
    access, refresh = "acc-" + secrets.token_hex(12), "ref-" + secrets.token_hex(12)
    now = time.time()
    sandbox.sessions[f"bluesky:{access}"] = {
        "kind": "access",
        "did": did,
        "handle": handle,
        "expires": now + ACCESS_TTL,
    }
    sandbox.sessions[f"bluesky:{refresh}"] = {
        "kind": "refresh",
        "did": did,
        "handle": handle,
        "expires": now + 90 * 86400,
    }
    return {"accessJwt": access, "refreshJwt": refresh, "did": did, "handle": handle, "active": True}


def _create_session(sandbox: Sandbox, request: Request) -> Response:
    body = request.json() or {}
    identifier, password = body.get("identifier"), body.get("password")
    if not isinstance(identifier, str) or not isinstance(password, str):
        return _error(400, "InvalidRequest", 'Input must have the property "identifier" and "password"')
    credentials = sandbox.credentials
    if identifier not in (credentials.bluesky_handle, did_of(credentials.bluesky_handle)) or (
        password != credentials.bluesky_app_password
    ):
        return _error(401, "AuthenticationRequired", "Invalid identifier or password")

    def work() -> Response:
        with sandbox.lock:
            sandbox.store["bluesky_sessions_created"] = sandbox.store.get("bluesky_sessions_created", 0) + 1
        return Response(200, _new_session(sandbox, credentials.bluesky_handle), _limits())

    return with_failures(sandbox, NAME, request, _refuse, work)


def _refresh_session(sandbox: Sandbox, request: Request) -> Response:
    session = _session(sandbox, request, kind="refresh")
    if isinstance(session, Response):
        return session
    return Response(200, _new_session(sandbox, session["handle"]), _limits())


def _get_session(sandbox: Sandbox, request: Request) -> Response:
    session = _session(sandbox, request)
    if isinstance(session, Response):
        return session
    return Response(200, {"handle": session["handle"], "did": session["did"], "active": True})


def _records(sandbox: Sandbox) -> dict[str, Any]:
    records: dict[str, Any] = sandbox.store["bluesky"].setdefault("records", {})
    return records


def _check_record(record: Any) -> str | None:
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return 'Invalid app.bsky.feed.post record: Record must have the property "text"'
    text = record["text"]
    if graphemes(text) > LIMIT:
        return f"Invalid app.bsky.feed.post record: Record/text must not be longer than {LIMIT} graphemes"
    if len(text.encode()) > MAX_BYTES:
        return f"Invalid app.bsky.feed.post record: Record/text must not be longer than {MAX_BYTES} characters"
    if not isinstance(record.get("createdAt"), str) or not record["createdAt"].endswith(("Z", "+00:00")):
        return "Invalid app.bsky.feed.post record: Record/createdAt must be an valid atproto datetime"
    return _check_embed(record.get("embed") or {})


def _check_embed(embed: dict[str, Any]) -> str | None:
    """The lexicon's checks the reference PDS makes, in its words: a blob at most MAX_IMAGE bytes
    (an image and a card's thumbnail alike), an aspect ratio of integers of at least 1."""
    problem = "Invalid app.bsky.feed.post record: "
    places = [(f"$.record.embed.images[{n}]", image, "image") for n, image in enumerate(embed.get("images", []))]
    if "external" in embed:
        places.append(("$.record.embed.external", embed["external"], "thumb"))
    for path, entry, key in places:
        blob = entry.get(key)
        if isinstance(blob, dict) and int(blob.get("size", 0)) > MAX_IMAGE:
            return f"{problem}blob too big (maximum {MAX_IMAGE}, got {blob['size']}) at {path}.{key}"
        for side in ("width", "height"):
            if "aspectRatio" not in entry:
                break
            value = entry["aspectRatio"].get(side)
            if not isinstance(value, int) or isinstance(value, bool):
                return f"{problem}Expected integer value type (got {json.dumps(value)}) at {path}.aspectRatio.{side}"
            if value < 1:
                return f"{problem}integer too small (minimum 1, got {value}) at {path}.aspectRatio.{side}"
    return None


def _create_record(sandbox: Sandbox, request: Request) -> Response:
    session = _session(sandbox, request)
    if isinstance(session, Response):
        return session
    body = request.json() or {}
    if body.get("repo") not in (session["did"], session["handle"]):
        return _error(400, "InvalidRequest", "Input/repo must be the session's repo")
    if body.get("collection") != "app.bsky.feed.post":
        return _error(400, "InvalidRequest", "the sandbox stores app.bsky.feed.post records only")
    problem = _check_record(body.get("record"))
    if problem:
        return _error(400, "InvalidRequest", problem)
    rkey = body.get("rkey") or _fresh_tid()
    if not _TID.match(rkey):
        return _error(400, "InvalidRequest", "Invalid TID string")
    embed = body["record"].get("embed") or {}
    blobs = sandbox.store["bluesky"].setdefault("blobs", {})
    for image in embed.get("images", []) + ([embed["external"]] if "external" in embed else []):
        blob = image.get("image") or image.get("thumb")
        if blob is not None and blob.get("ref", {}).get("$link") not in blobs:
            return _error(400, "BlobNotFound", "Could not find blob")

    def work() -> Response:
        uri = f"at://{session['did']}/app.bsky.feed.post/{rkey}"
        with sandbox.lock:
            records = _records(sandbox)
            if uri in records:
                return _error(500, "InternalServerError", "Internal Server Error")  # as the reference PDS
            cid = _cid(body["record"])
            records[uri] = {
                "cid": cid,
                "value": body["record"],
                "handle": session["handle"],
                "rkey": rkey,
                "seq": sandbox.next_id(),
            }
        sandbox.save()
        return Response(200, {"uri": uri, "cid": cid, "validationStatus": "valid"}, _limits())

    return with_failures(sandbox, NAME, request, _refuse, work)


def _fresh_tid() -> str:
    from postion_publish.platforms.bluesky.adapter import tid

    return tid(int(time.time() * 1_000_000), secrets.randbelow(1024))


def _get_record(sandbox: Sandbox, request: Request) -> Response:
    uri = f"at://{request.query.get('repo')}/{request.query.get('collection')}/{request.query.get('rkey')}"
    with sandbox.lock:
        record = _records(sandbox).get(uri)
    if record is None:
        return _error(400, "RecordNotFound", f"Could not locate record: {uri}")
    return Response(200, {"uri": uri, "cid": record["cid"], "value": record["value"]}, _limits())


def _resolve_handle(sandbox: Sandbox, request: Request) -> Response:
    """A handle's DID, as the reference PDS answers it (no session needed); an unknown one is a 400."""
    handle = request.query.get("handle", "").lower()
    keys = sandbox.credentials
    if handle in (keys.bluesky_handle, *keys.bluesky_known_handles):
        return Response(200, {"did": did_of(handle)})
    return _error(400, "InvalidRequest", "Unable to resolve handle")


def _upload_blob(sandbox: Sandbox, request: Request) -> Response:
    session = _session(sandbox, request)
    if isinstance(session, Response):
        return session
    if len(request.body) > MAX_BLOB:
        return _error(400, "BlobTooLarge", "This file is too large")
    mime = request.headers.get("content-type", "application/octet-stream")
    cid = "bafkrei" + hashlib.sha256(request.body).hexdigest()[:52]
    with sandbox.lock:
        sandbox.store["bluesky"].setdefault("blobs", {})[cid] = {"mimeType": mime, "size": len(request.body)}
    sandbox.save()
    return Response(
        200, {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(request.body)}}
    )


def settings(sandbox: Sandbox) -> dict[str, Any]:
    """This platform's keys in a postion.yml pointed at the sandbox."""
    base = sandbox.platform_url(NAME)
    return {"handle": sandbox.credentials.bluesky_handle, "service": base, "web_base": base, "appview": base}


def environment(sandbox: Sandbox) -> dict[str, str]:
    """The credentials the sandbox accepts, as the environment variables the adapter reads."""
    return {"POSTION_BLUESKY_APP_PASSWORD": sandbox.credentials.bluesky_app_password}


def texts(store: dict[str, Any]) -> list[str]:
    """The text of every record received."""
    return [record["value"]["text"] for record in store.get(NAME, {}).get("records", {}).values()]


def articles(sandbox: Sandbox) -> list[str]:
    """Its timeline on the sandbox's page, newest first."""
    return own_page.timeline(sandbox)


def react(sandbox: Sandbox, order: dict[str, Any]) -> None:
    """A reader's reaction to a post (`POST /_sandbox/react`, `post`: its at:// URI): a reply, a
    repost or a like, for `postion backfeed` to find in the AppView's thread."""
    with sandbox.lock:
        uri = str(order["post"])
        if uri not in sandbox.store["bluesky"].get("records", {}):
            raise KeyError(f"no record {uri}")
        reactions = sandbox.store["bluesky"].setdefault("reactions", {}).setdefault(uri, {})
        if order["kind"] == "reply":
            author = str(order.get("author") or "reader")
            rkey = f"3reply{sandbox.next_id():08d}"
            reactions.setdefault("replies", []).append(
                {
                    "uri": f"at://did:plc:{author}/app.bsky.feed.post/{rkey}",
                    "author": {"did": f"did:plc:{author}", "handle": f"{author}.bsky.social", "displayName": author},
                    "record": {"$type": "app.bsky.feed.post", "text": str(order.get("text") or "")},
                    "indexedAt": "2026-03-01T12:00:00.000Z",
                }
            )
        else:
            key = {"like": "likes", "repost": "reposts"}[order["kind"]]
            reactions[key] = reactions.get(key, 0) + 1
    sandbox.save()


def _thread(sandbox: Sandbox, request: Request) -> Response:
    """The AppView's `getPostThread`, as readers see a post: its counts and first replies."""
    uri = request.query.get("uri", "")
    record = sandbox.store["bluesky"].get("records", {}).get(uri)
    if record is None:
        return _error(400, "NotFound", f"Post not found: {uri}")
    reactions = sandbox.store["bluesky"].get("reactions", {}).get(uri, {})
    replies = reactions.get("replies", [])
    post = {
        "uri": uri,
        "cid": record["cid"],
        "author": {"handle": record["handle"]},
        "record": record["value"],
        "replyCount": len(replies),
        "repostCount": reactions.get("reposts", 0),
        "likeCount": reactions.get("likes", 0),
    }
    thread = {
        "$type": "app.bsky.feed.defs#threadViewPost",
        "post": post,
        "replies": [{"$type": "app.bsky.feed.defs#threadViewPost", "post": reply} for reply in replies],
    }
    return Response(200, {"thread": thread})


def handle(sandbox: Sandbox, request: Request) -> Response:
    routes = {
        ("GET", "/xrpc/app.bsky.feed.getPostThread"): _thread,
        ("POST", "/xrpc/com.atproto.server.createSession"): _create_session,
        ("POST", "/xrpc/com.atproto.server.refreshSession"): _refresh_session,
        ("POST", "/xrpc/com.atproto.repo.createRecord"): _create_record,
        ("GET", "/xrpc/com.atproto.repo.getRecord"): _get_record,
        ("GET", "/xrpc/com.atproto.identity.resolveHandle"): _resolve_handle,
        ("GET", "/xrpc/com.atproto.server.getSession"): _get_session,
        ("POST", "/xrpc/com.atproto.repo.uploadBlob"): _upload_blob,
    }
    route = routes.get((request.method, request.path))
    if route is not None:
        return route(sandbox, request)
    match = re.fullmatch(r"/profile/([^/]+)/post/([^/]+)", request.path)
    if match and request.method == "GET":
        return own_page.post_page(sandbox, match.group(1), match.group(2))
    return _error(404, "MethodNotImplemented", "Method Not Implemented")
