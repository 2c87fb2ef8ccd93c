"""The sandbox's Mastodon instance: statuses with Idempotency-Key, media, the instance document.

Behaves as Mastodon does for what the adapter uses (docs.joinmastodon.org/methods/statuses):
`{"error": …}` bodies, 401 for a bad token, 422 for validation, 404 for a missing reply target, an
Idempotency-Key that returns the first status for an hour, X-RateLimit-* headers with an ISO-8601
reset time."""

from __future__ import annotations

import datetime as dt
import html
import re
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from postion_publish.platforms.mastodon import page as own_page
from postion_publish.sandbox.counting import graphemes
from postion_publish.sandbox.exchange import Failure, Request, Response, redirect
from postion_publish.sandbox.forms import parse_multipart
from postion_publish.sandbox.replies import issue_code, take_code, with_failures

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


# How the service counts a post (its own code's way, not the client's rule).
MASTODON_LIMIT = 500
_URL = regex.compile(r"https?://[^\s]+?(?=[.,;:!?)\]'\"]*(?:\s|$))")
_REMOTE_MENTION = regex.compile(r"(?<![\w/])@(\w+)@[\w.-]*\w")


def mastodon_length(text: str) -> int:
    """Mastodon's StatusLengthValidator: each http(s) URL 23, `@user@domain` as `@user`."""
    return graphemes(_REMOTE_MENTION.sub(r"@\1", _URL.sub("x" * 23, text)))


DEFAULT_LIMIT = MASTODON_LIMIT
length = mastodon_length


@dataclass(frozen=True)
class Identity:
    """What this platform's sandbox accepts and who posts there (see `sandbox.exchange.Credentials`)."""

    mastodon_token: str = "sandbox-mastodon-token"
    mastodon_username: str = "demo"


NAME = "mastodon"
IDEMPOTENCY_SECONDS = 3600


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _limits(reset_in: float = 300) -> dict[str, str]:
    reset = (_now() + dt.timedelta(seconds=reset_in)).isoformat().replace("+00:00", "Z")
    return {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "299", "X-RateLimit-Reset": reset}


def _refuse(failure: Failure) -> Response:
    if failure.mode == "429":
        headers = {**_limits(failure.retry_after), "X-RateLimit-Remaining": "0"}
        return Response(429, {"error": "Too many requests"}, headers)
    if failure.mode == "auth":
        return Response(401, {"error": "The access token is invalid"})
    return Response(503, {"error": "Service Unavailable"})


def _authorized(sandbox: Sandbox, request: Request) -> Response | None:
    if request.bearer() != sandbox.credentials.mastodon_token:
        return Response(401, {"error": "The access token is invalid"})
    return None


def _instance(sandbox: Sandbox) -> Response:
    return Response(
        200,
        {
            "domain": "127.0.0.1",
            "title": "postion sandbox",
            "configuration": {
                "statuses": {
                    "max_characters": DEFAULT_LIMIT,
                    "max_media_attachments": 4,
                    "characters_reserved_per_url": 23,
                },
                "media_attachments": {
                    "supported_mime_types": ["image/png", "image/jpeg", "image/gif", "image/webp"],
                    "image_size_limit": 16777216,
                    "description_limit": 1500,
                },
            },
        },
    )


def _body(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        data = request.json()
        return data if isinstance(data, dict) else {}
    if content_type.startswith("multipart/form-data"):  # Rails takes every form encoding
        form_parts = parse_multipart(content_type, request.body)
        fields = {name: part.data.decode("utf-8", "replace") for name, part in form_parts.items()}
        ids = fields.pop("media_ids[]", "")
        return {**fields, "media_ids": [value for value in ids.split(",") if value]}
    from urllib.parse import parse_qs

    form = parse_qs(request.body.decode("utf-8", "replace"))
    body: dict[str, Any] = {key: values[-1] for key, values in form.items() if not key.endswith("[]")}
    body["media_ids"] = form.get("media_ids[]", [])
    return body


def _status_json(sandbox: Sandbox, status: dict[str, Any]) -> dict[str, Any]:
    user = sandbox.credentials.mastodon_username
    url = f"{sandbox.platform_url(NAME)}/@{user}/{status['id']}"
    paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in status["text"].split("\n\n"))
    return {
        "id": status["id"],
        "created_at": status["created_at"],
        "in_reply_to_id": status.get("in_reply_to_id"),
        "visibility": status["visibility"],
        "language": status.get("language"),
        "uri": f"{sandbox.platform_url(NAME)}/users/{user}/statuses/{status['id']}",
        "url": url,
        "content": paragraphs,
        "media_attachments": status.get("media", []),
        "account": status.get("account") or {"id": "1", "username": user, "acct": user},
        **_counts(sandbox, status["id"]),
    }


def _reactions(sandbox: Sandbox, status_id: str) -> dict[str, Any]:
    """Readers' reactions, apart from the statuses the blog posted: replies, boosts, favourites."""
    found: dict[str, Any] = sandbox.store["mastodon"].setdefault("reactions", {}).setdefault(status_id, {})
    return found


def _counts(sandbox: Sandbox, status_id: str) -> dict[str, int]:
    reactions = sandbox.store["mastodon"].get("reactions", {}).get(status_id, {})
    return {
        "replies_count": len(reactions.get("replies", [])),
        "reblogs_count": reactions.get("reblogs", 0),
        "favourites_count": reactions.get("favourites", 0),
    }


def react(sandbox: Sandbox, order: dict[str, Any]) -> None:
    """A reader's reaction to a status (`POST /_sandbox/react`): a reply, a boost or a favourite,
    for `postion backfeed` to find."""
    with sandbox.lock:
        status_id = str(order["post"])
        if status_id not in sandbox.store["mastodon"].get("statuses", {}):
            raise KeyError(f"no status {status_id}")
        reactions = _reactions(sandbox, status_id)
        if order["kind"] == "reply":
            author = str(order.get("author") or "reader")
            reply_id = str(100000000000000000 + sandbox.next_id())
            reactions.setdefault("replies", []).append(
                {
                    "id": reply_id,
                    "in_reply_to_id": status_id,
                    "created_at": _now().isoformat().replace("+00:00", "Z"),
                    "url": f"https://elsewhere.example/@{author}/{reply_id}",
                    "content": f"<p>{html.escape(str(order.get('text') or ''))}</p>",
                    "account": {"acct": f"{author}@elsewhere.example", "display_name": author},
                }
            )
        else:
            key = {"like": "favourites", "repost": "reblogs"}[order["kind"]]
            reactions[key] = reactions.get(key, 0) + 1
    sandbox.save()


def _public_status(sandbox: Sandbox, status_id: str, context: bool) -> Response:
    """What anyone may read of a public status: the status, or its context (no token needed)."""
    status = sandbox.store["mastodon"].get("statuses", {}).get(status_id)
    if status is None:
        return Response(404, {"error": "Record not found"})
    if not context:
        return Response(200, _status_json(sandbox, status))
    replies = sandbox.store["mastodon"].get("reactions", {}).get(status_id, {}).get("replies", [])
    return Response(200, {"ancestors": [], "descendants": replies})


def _post_status(sandbox: Sandbox, request: Request) -> Response:
    refused = _authorized(sandbox, request)
    if refused:
        return refused
    body = _body(request)
    text = body.get("status")
    media_ids = [str(media_id) for media_id in body.get("media_ids") or []]
    statuses = sandbox.store["mastodon"].setdefault("statuses", {})
    media = sandbox.store["mastodon"].setdefault("media", {})
    if not isinstance(text, str) or not text.strip():
        if not media_ids:
            return Response(422, {"error": "Validation failed: Text can't be blank"})
        text = ""
    if length(text) > DEFAULT_LIMIT:
        return Response(422, {"error": f"Validation failed: Text character limit of {DEFAULT_LIMIT} exceeded"})
    reply_to = body.get("in_reply_to_id")
    if reply_to is not None and str(reply_to) not in statuses:
        return Response(404, {"error": "Record not found"})
    if any(media_id not in media for media_id in media_ids):
        return Response(422, {"error": "Validation failed: media not found"})
    key = request.headers.get("idempotency-key")

    def work() -> Response:
        with sandbox.lock:
            keys = sandbox.store["mastodon"].setdefault("idempotency", {})
            seen = keys.get(key) if key else None
            if seen and time.time() - seen["at"] < IDEMPOTENCY_SECONDS:
                return Response(200, _status_json(sandbox, statuses[seen["id"]]), _limits())
            status_id = str(100000000000000000 + sandbox.next_id())
            statuses[status_id] = {
                "id": status_id,
                "text": text,
                "created_at": _now().isoformat().replace("+00:00", "Z"),
                "in_reply_to_id": str(reply_to) if reply_to is not None else None,
                "visibility": body.get("visibility", "public"),
                "language": body.get("language"),
                "media": [media[media_id] for media_id in media_ids],
                "idempotency_key": key,
            }
            if key:
                keys[key] = {"id": status_id, "at": time.time()}
        sandbox.save()
        return Response(200, _status_json(sandbox, statuses[status_id]), _limits())

    return with_failures(sandbox, NAME, request, _refuse, work)


def _post_media(sandbox: Sandbox, request: Request) -> Response:
    refused = _authorized(sandbox, request)
    if refused:
        return refused
    form = parse_multipart(request.headers.get("content-type", ""), request.body)
    upload = form.get("file")
    if upload is None or not upload.content_type.startswith("image/"):
        return Response(422, {"error": "Validation failed: File content type is invalid"})
    description = form["description"].data.decode() if "description" in form else None
    media_id = str(200000000000000000 + sandbox.next_id())
    attachment = {
        "id": media_id,
        "type": "image",
        "description": description,
        "size": len(upload.data),
        "url": f"{sandbox.platform_url(NAME)}/media/{media_id}",
    }
    with sandbox.lock:
        sandbox.store["mastodon"].setdefault("media", {})[media_id] = attachment
    sandbox.save()
    return Response(200, attachment, _limits())


def settings(sandbox: Sandbox) -> dict[str, Any]:
    """This platform's keys in a postion.yml pointed at the sandbox."""
    return {"instance": sandbox.platform_url(NAME)}


def environment(sandbox: Sandbox) -> dict[str, str]:
    """The credentials the sandbox accepts, as the environment variables the adapter reads."""
    return {"POSTION_MASTODON_TOKEN": sandbox.credentials.mastodon_token}


def texts(store: dict[str, Any]) -> list[str]:
    """The text of every status received."""
    return [status["text"] for status in store.get(NAME, {}).get("statuses", {}).values()]


def articles(sandbox: Sandbox) -> list[str]:
    """Its timeline on the sandbox's page, newest first."""
    return own_page.timeline(sandbox)


def _register_app(sandbox: Sandbox, request: Request) -> Response:
    form = _body(request)
    if not form.get("client_name") or not form.get("redirect_uris"):
        return Response(
            422, {"error": "Validation failed: Application name can't be blank, Redirect URI can't be blank"}
        )
    app = {
        "id": str(sandbox.next_id()),
        "name": form["client_name"],
        "redirect_uri": form["redirect_uris"],
        "client_id": secrets.token_urlsafe(16),
        "client_secret": secrets.token_urlsafe(24),
        "scopes": str(form.get("scopes", "read")).split(),
    }
    with sandbox.lock:
        sandbox.sessions[f"mastodon-app:{app['client_id']}"] = app
    return Response(200, app)


def _authorize(sandbox: Sandbox, request: Request) -> Response:
    query = request.query
    app = sandbox.sessions.get(f"mastodon-app:{query.get('client_id')}")
    if app is None or query.get("redirect_uri") != app["redirect_uri"]:
        return Response(400, {"error": "invalid_client", "error_description": "Client authentication failed"})
    code = issue_code(sandbox, NAME, {"redirect_uri": app["redirect_uri"], "client_id": app["client_id"]})
    return redirect(app["redirect_uri"], code=code, **({"state": query["state"]} if "state" in query else {}))


def _token(sandbox: Sandbox, request: Request) -> Response:
    form = _body(request)
    app = sandbox.sessions.get(f"mastodon-app:{form.get('client_id')}")
    grant = take_code(sandbox, NAME, str(form.get("code", "")))
    if app is None or form.get("client_secret") != app["client_secret"]:
        return Response(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
    if grant is None or grant["client_id"] != app["client_id"] or form.get("redirect_uri") != grant["redirect_uri"]:
        return Response(
            400, {"error": "invalid_grant", "error_description": "The provided authorization grant is invalid"}
        )
    token = sandbox.credentials.mastodon_token
    return Response(200, {"access_token": token, "token_type": "Bearer", "scope": " ".join(app["scopes"])})


def handle(sandbox: Sandbox, request: Request) -> Response:
    if request.method == "GET" and request.path == "/api/v2/instance":
        return _instance(sandbox)
    if request.method == "POST" and request.path == "/api/v1/apps":
        return _register_app(sandbox, request)
    if request.method == "GET" and request.path == "/oauth/authorize":
        return _authorize(sandbox, request)
    if request.method == "POST" and request.path == "/oauth/token":
        return _token(sandbox, request)
    if request.method == "GET" and request.path == "/api/v1/accounts/verify_credentials":
        user = sandbox.credentials.mastodon_username
        return _authorized(sandbox, request) or Response(200, {"id": "1", "username": user, "acct": user})
    if request.method == "POST" and request.path == "/api/v1/statuses":
        return _post_status(sandbox, request)
    if request.method == "POST" and request.path == "/api/v2/media":
        return _post_media(sandbox, request)
    media = re.fullmatch(r"/api/v1/media/(\d+)", request.path)
    if media and request.method == "GET":
        found = sandbox.store["mastodon"].get("media", {}).get(media.group(1))
        return Response(200, found) if found else Response(404, {"error": "Record not found"})
    public = re.fullmatch(r"/api/v1/statuses/(\d+)(/context)?", request.path)
    if public and request.method == "GET":
        return _public_status(sandbox, public.group(1), context=bool(public.group(2)))
    page = re.fullmatch(r"/@([^/]+)/(\d+)", request.path)
    if page and request.method == "GET":
        return own_page.post_page(sandbox, page.group(2))
    return Response(404, {"error": "Record not found"})
