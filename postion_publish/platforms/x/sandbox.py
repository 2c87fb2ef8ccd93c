"""The sandbox's X API v2: OAuth 2.0 tokens that rotate, OAuth 1.0a signatures, posts, media.

Behaves as X does for what the adapter uses (X's OpenAPI 2.167, docs.x.com; ../shared/platforms.md §1):
- `POST /2/oauth2/token` (refresh grant): a new access token (2 hours) and a new refresh token;
  the used refresh token is dead, and replaying it revokes the whole family, as client authors
  report of the real one (trypost#126). Token generations live in the store, so a demo restarted
  from its data file goes on with the tokens its last run saved.
- OAuth 1.0a: the HMAC-SHA1 signature is checked over method, URL and parameters.
- `POST /2/tweets`: unknown keys refused (`additionalProperties: false`), 280 weighted characters,
  identical text refused with the 403 "duplicate content" problem, replies to existing posts only.
- Problem JSON errors, `x-rate-limit-*` headers (reset in Unix seconds) and the 24-hour ones.
- `GET /2/users/:id/tweets` gives posts back as X does: links shortened to t.co, `&` as `&amp;`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from postion_publish.platforms.image_files import sniff_mime
from postion_publish.platforms.x import page as own_page
from postion_publish.platforms.x.sandbox_oauth import (
    authorize,
    authorized,
    oauth_state,
    problem,
    revoke,
    token_endpoint,
    token_for,
)
from postion_publish.sandbox.counting import CLUSTER, EMOJI
from postion_publish.sandbox.exchange import Failure, Request, Response
from postion_publish.sandbox.forms import parse_multipart
from postion_publish.sandbox.replies import with_failures

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


# How the service counts a post (its own code's way, not the client's rule).
X_LIMIT = 280
_X_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_X_URL = regex.compile(r"https?://\S+|(?<![\w@.])(?:[\w-]+\.)+[a-z]{2,}(?:/\S*)?", regex.IGNORECASE)


def x_weighted_length(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for url in _X_URL.finditer(text):
        total += _x_weight(text[position : url.start()]) + 23
        position = url.end()
    return total + _x_weight(text[position:])


def _x_weight(text: str) -> int:
    weight = 0
    for cluster in CLUSTER.findall(text):
        if EMOJI.search(cluster):
            weight += 2
        else:
            weight += sum(1 if any(lo <= ord(c) <= hi for lo, hi in _X_LIGHT) else 2 for c in cluster)
    return weight


@dataclass(frozen=True)
class Identity:
    """What this platform's sandbox accepts and who posts there (see `sandbox.exchange.Credentials`)."""

    # X: an OAuth 2.0 public client whose refresh tokens rotate, and OAuth 1.0a keys.
    x_client_id: str = "c2FuZGJveCBjbGllbnQ"
    # A confidential app (a secret): the token and revoke endpoints then want HTTP Basic, as X's do.
    x_client_secret: str | None = None
    x_refresh_token: str = "sandbox-x-refresh-token"
    x_access_seed: str = "sandbox-x-bearer"  # rotated access tokens start with it
    x_api_key: str = "sandbox-x-api-key"
    x_api_secret: str = "sandbox-x-api-secret"
    x_access_token: str = "sandbox-x-oauth1-token"
    x_access_secret: str = "sandbox-x-oauth1-secret"
    x_user_id: str = "1700000000000000001"
    x_username: str = "postion_demo"


NAME = "x"
MAX_IMAGE = 5 * 1024 * 1024
MAX_ALT = 1000
_POST_KEYS = {"text", "reply", "media", "quote_tweet_id", "reply_settings", "poll", "for_super_followers_only"}
_LINK = re.compile(r"https?://\S+")


def _limits(remaining: int = 99) -> dict[str, str]:
    reset = int(time.time()) + 900
    return {
        "x-rate-limit-limit": "100",
        "x-rate-limit-remaining": str(remaining),
        "x-rate-limit-reset": str(reset),
        "x-user-limit-24hour-limit": "100",
        "x-user-limit-24hour-remaining": "90",
        "x-user-limit-24hour-reset": str(int(time.time()) + 86400),
    }


def _refuse(failure: Failure) -> Response:
    if failure.mode == "429":
        headers = {**_limits(0), "x-rate-limit-reset": str(int(time.time() + failure.retry_after))}
        return Response(429, {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}, headers)
    if failure.mode == "auth":
        return Response(401, problem(401, "Unauthorized", "Unauthorized"))
    return Response(503, problem(503, "Service Unavailable", "Service Unavailable"))


# --- posts and media ----------------------------------------------------------------------------


def _tweets(sandbox: Sandbox) -> dict[str, Any]:
    found: dict[str, Any] = sandbox.store[NAME].setdefault("tweets", {})
    return found


def _invalid(detail: str) -> Response:
    body = {
        "errors": [{"message": detail}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }
    return Response(400, body)


def _create_post(sandbox: Sandbox, request: Request) -> Response:
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return _invalid("$.text: is missing but it is required")
    if extra := sorted(set(body) - _POST_KEYS):
        return _invalid(
            f"$.{extra[0]}: is not defined in the schema and the schema does not allow additional properties"
        )
    text = body["text"]
    if x_weighted_length(text) > X_LIMIT:
        return Response(400, problem(400, "Invalid Request", "Your Tweet text is too long."))
    reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
    media_ids = [str(m) for m in (body.get("media") or {}).get("media_ids", [])]
    with sandbox.lock:
        tweets = _tweets(sandbox)
        media = sandbox.store[NAME].setdefault("media", {})
        if reply_to is not None and str(reply_to) not in tweets:
            return _invalid("The tweet you are replying to does not exist")
        if len(media_ids) > 4 or any(m not in media for m in media_ids):
            return _invalid("Your media IDs are invalid.")
        if any(tweet["text"] == text for tweet in tweets.values()):
            detail = "You are not allowed to create a Tweet with duplicate content."
            return Response(403, problem(403, "Forbidden", detail))

    def work() -> Response:
        with sandbox.lock:
            post_id = str(1860000000000000000 + sandbox.next_id())
            _tweets(sandbox)[post_id] = {
                "id": post_id,
                "text": text,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "in_reply_to": str(reply_to) if reply_to is not None else None,
                "media": [media[m] for m in media_ids],
                "seq": time.time(),
            }
        sandbox.save()
        return Response(201, {"data": {"id": post_id, "text": text, "edit_history_tweet_ids": [post_id]}}, _limits())

    return with_failures(sandbox, NAME, request, _refuse, work)


def _upload(sandbox: Sandbox, request: Request) -> Response:
    form = parse_multipart(request.headers.get("content-type", ""), request.body)
    upload = form.get("media")
    category = form["media_category"].data.decode() if "media_category" in form else ""
    if upload is None or category != "tweet_image":
        return _invalid("media and media_category (tweet_image) are required")
    if len(upload.data) > MAX_IMAGE or sniff_mime(upload.data[:16]) is None:
        return _invalid("media: an image of at most 5 MB (JPEG, PNG, GIF, WEBP)")
    media_id = str(1870000000000000000 + sandbox.next_id())
    with sandbox.lock:
        sandbox.store[NAME].setdefault("media", {})[media_id] = {"id": media_id, "size": len(upload.data), "alt": None}
    sandbox.save()
    data = {"id": media_id, "media_key": f"3_{media_id}", "size": len(upload.data), "expires_after_secs": 86400}
    return Response(200, {"data": data}, _limits())


def _metadata(sandbox: Sandbox, request: Request) -> Response:
    body = request.json() or {}
    alt = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
    with sandbox.lock:
        found = sandbox.store[NAME].setdefault("media", {}).get(str(body.get("id")))
        if found is None:
            return _invalid("The media id is invalid")
        if not isinstance(alt, str) or len(alt) > MAX_ALT:
            return _invalid(f"$.metadata.alt_text.text: at most {MAX_ALT} characters")
        found["alt"] = alt
    sandbox.save()
    return Response(200, {"data": {"id": found["id"], "associated_metadata": {"alt_text": {"text": alt}}}})


def _as_x_returns(text: str) -> str:
    """Links shortened to t.co and `&<>` escaped, as the API gives text back."""
    short = _LINK.sub(lambda m: "https://t.co/" + hashlib.sha256(m.group(0).encode()).hexdigest()[:10], text)
    return html.escape(short, quote=False)


def _user_posts(sandbox: Sandbox, request: Request) -> Response:
    with sandbox.lock:
        tweets = sorted(_tweets(sandbox).values(), key=lambda t: -t["seq"])
    data = [{"id": t["id"], "text": _as_x_returns(t["text"]), "created_at": t["created_at"]} for t in tweets]
    count = min(100, max(5, int(request.query.get("max_results", "10") or 10)))
    return Response(200, {"data": data[:count], "meta": {"result_count": len(data[:count])}}, _limits())


# --- the platform module's interface ------------------------------------------------------------


def settings(sandbox: Sandbox) -> dict[str, Any]:
    base = sandbox.platform_url(NAME)
    return {"api_base": base, "web_base": base, "auth_base": f"{base}/i"}


def environment(sandbox: Sandbox) -> dict[str, str]:
    """OAuth 2.0, the credential set that rotates (the demo keeps the rotated ones in its token file)."""
    keys = sandbox.credentials
    oauth_state(sandbox)
    return {
        "POSTION_X_CLIENT_ID": keys.x_client_id,
        "POSTION_X_REFRESH_TOKEN": keys.x_refresh_token,
        "POSTION_X_ACCESS_TOKEN": token_for(keys.x_access_seed, "access", 0),
    }


def oauth1_environment(sandbox: Sandbox) -> dict[str, str]:
    keys = sandbox.credentials
    return {
        "POSTION_X_API_KEY": keys.x_api_key,
        "POSTION_X_API_SECRET": keys.x_api_secret,
        "POSTION_X_ACCESS_TOKEN": keys.x_access_token,
        "POSTION_X_ACCESS_SECRET": keys.x_access_secret,
    }


def connect_environment(sandbox: Sandbox) -> dict[str, str]:
    """The OAuth 2.0 app `postion connect x` authorizes with, as the sandbox accepts it (and its
    secret, when the sandbox plays a confidential app). `--oauth1` asks for `oauth1_environment`."""
    keys = sandbox.credentials
    secret = {"POSTION_X_CLIENT_SECRET": keys.x_client_secret} if keys.x_client_secret else {}
    return {"POSTION_X_CLIENT_ID": keys.x_client_id, **secret}


def texts(store: dict[str, Any]) -> list[str]:
    return [tweet["text"] for tweet in store.get(NAME, {}).get("tweets", {}).values()]


def articles(sandbox: Sandbox) -> list[str]:
    with sandbox.lock:
        tweets = dict(_tweets(sandbox))
    return own_page.timeline(sandbox, tweets)


def handle(sandbox: Sandbox, request: Request) -> Response:
    method, path = request.method, request.path
    if method == "POST" and path == "/2/oauth2/token":
        return token_endpoint(sandbox, request)
    if method == "POST" and path == "/2/oauth2/revoke":
        return revoke(sandbox, request)
    if method == "GET" and path == "/i/oauth2/authorize":
        return authorize(sandbox, request)
    page = re.fullmatch(r"/(?:[A-Za-z0-9_]+|i/web)/status/(\d+)", path)
    if page and method == "GET":
        return own_page.post_page(sandbox, page.group(1))
    refused = authorized(sandbox, request)
    if refused is not None:
        return refused
    if method == "GET" and path == "/2/users/me":
        keys = sandbox.credentials
        return Response(200, {"data": {"id": keys.x_user_id, "name": "Postion Demo", "username": keys.x_username}})
    if method == "POST" and path == "/2/tweets":
        return _create_post(sandbox, request)
    if method == "POST" and path == "/2/media/upload":
        return with_failures(sandbox, NAME, request, _refuse, lambda: _upload(sandbox, request))
    if method == "POST" and path == "/2/media/metadata":
        return _metadata(sandbox, request)
    if method == "GET" and re.fullmatch(rf"/2/users/{sandbox.credentials.x_user_id}/tweets", path):
        return _user_posts(sandbox, request)
    return Response(404, problem(404, "Not Found Error", f"no route {method} {path}"))
