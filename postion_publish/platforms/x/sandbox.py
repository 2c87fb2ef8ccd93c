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

import base64
import datetime as dt
import hashlib
import hmac
import html
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, unquote_plus, urlencode

from oauthlib.oauth1.rfc5849 import signature, utils

from postion_publish.platforms.attachments import sniff_mime
from postion_publish.sandbox import pages
from postion_publish.sandbox.counting import X_LIMIT, x_weighted_length
from postion_publish.sandbox.exchange import Failure, Request, Response, issue_code, redirect, take_code, with_failures
from postion_publish.sandbox.forms import parse_multipart

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox

NAME = "x"
ACCESS_TTL = 7200
MAX_IMAGE = 5 * 1024 * 1024
MAX_ALT = 1000
_SIGNING_KEY = b"postion sandbox"  # makes tokens look random; the sandbox is a toy, not a vault
_POST_KEYS = {"text", "reply", "media", "quote_tweet_id", "reply_settings", "poll", "for_super_followers_only"}
_LINK = re.compile(r"https?://\S+")


def _problem(status: int, title: str, detail: str, kind: str = "about:blank") -> dict[str, Any]:
    return {"title": title, "detail": detail, "type": kind, "status": status}


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
        return Response(401, _problem(401, "Unauthorized", "Unauthorized"))
    return Response(503, _problem(503, "Service Unavailable", "Service Unavailable"))


# --- tokens -------------------------------------------------------------------------------------


def _oauth(sandbox: Sandbox) -> dict[str, Any]:
    with sandbox.lock:
        # The first access token (generation 0) is handed out with the refresh token, as after
        # `postion connect x`; it lives its 2 hours from the sandbox's first use.
        found: dict[str, Any] = sandbox.store[NAME].setdefault(
            "oauth", {"generation": 0, "issued": {"0": time.time()}, "revoked": False, "access_ttl": ACCESS_TTL}
        )
        return found


def _token(seed: str, kind: str, generation: int) -> str:
    if kind == "refresh" and generation == 0:
        return seed  # the one handed out in the environment
    mark = hmac.new(_SIGNING_KEY, f"{kind}:{generation}".encode(), hashlib.sha256).hexdigest()[:20]
    return f"{seed}.{generation}.{mark}"


def _generation(token: str, seed: str, kind: str) -> int | None:
    if token == seed and kind == "refresh":
        return 0
    prefix, _, rest = token.partition(".")
    number, _, _ = rest.partition(".")
    if prefix != seed or not number.isdigit():
        return None
    return int(number) if hmac.compare_digest(_token(seed, kind, int(number)), token) else None


def _client_authenticated(sandbox: Sandbox, request: Request, form: dict[str, str]) -> bool:
    """A public client names itself (`client_id`); a confidential one must authenticate with HTTP
    Basic `client_id:client_secret`, each form-encoded (RFC 6749 §2.3.1), as X requires."""
    keys = sandbox.credentials
    if keys.x_client_secret is None:
        return form.get("client_id") == keys.x_client_id
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return unquote_plus(user) == keys.x_client_id and unquote_plus(password) == keys.x_client_secret


def _token_endpoint(sandbox: Sandbox, request: Request) -> Response:
    form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
    invalid = {"error": "invalid_request", "error_description": "Value passed for the token was invalid."}
    if not _client_authenticated(sandbox, request, form):
        return Response(401, {"error": "unauthorized_client", "error_description": "Missing valid authorization"})
    if form.get("grant_type") == "authorization_code":
        return _code_grant(sandbox, form)
    if form.get("grant_type") != "refresh_token":
        return Response(400, {"error": "unsupported_grant_type", "error_description": "Unsupported grant_type"})
    seed = sandbox.credentials.x_refresh_token
    with sandbox.lock:
        oauth = _oauth(sandbox)
        generation = _generation(form.get("refresh_token", ""), seed, "refresh")
        if oauth["revoked"] or generation is None:
            return Response(400, invalid)
        if generation != oauth["generation"]:
            oauth["revoked"] = True  # a used refresh token came back: the whole family dies
            sandbox.save()
            return Response(400, invalid)
        oauth["generation"] = new = generation + 1
        oauth["issued"][str(new)] = time.time()
    sandbox.save()
    return Response(200, _token_answer(sandbox, new, "tweet.read tweet.write users.read media.write offline.access"))


def _authorize(sandbox: Sandbox, request: Request) -> Response:
    """The consent screen, approved at once: back to the loopback redirect with a code (PKCE S256)."""
    query = request.query
    target = query.get("redirect_uri", "")
    if query.get("client_id") != sandbox.credentials.x_client_id:
        return Response(400, _problem(400, "Invalid Request", "Something went wrong: the app is unknown"))
    if not re.fullmatch(r"http://127\.0\.0\.1:\d+/\S*", target):
        return Response(400, _problem(400, "Invalid Request", "Callback URI is not registered (use 127.0.0.1)"))
    if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
        return Response(400, _problem(400, "Invalid Request", "response_type=code and PKCE S256 are required"))
    if not query.get("code_challenge") or not query.get("state"):
        return Response(400, _problem(400, "Invalid Request", "code_challenge and state are required"))
    grant = {"redirect_uri": target, "challenge": query["code_challenge"], "scope": query.get("scope", "")}
    return redirect(target, state=query["state"], code=issue_code(sandbox, NAME, grant))


def _code_grant(sandbox: Sandbox, form: dict[str, str]) -> Response:
    """A code and its PKCE verifier for a new token family (a fresh connection)."""
    invalid = {"error": "invalid_request", "error_description": "Value passed for the authorization code was invalid."}
    grant = take_code(sandbox, NAME, form.get("code", ""))
    if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
        return Response(400, invalid)
    digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
    if base64.urlsafe_b64encode(digest).decode().rstrip("=") != grant["challenge"]:
        return Response(400, {"error": "invalid_request", "error_description": "code_verifier does not match"})
    with sandbox.lock:
        oauth = _oauth(sandbox)
        oauth["generation"] = new = oauth["generation"] + 1
        oauth["revoked"] = False
        oauth["issued"][str(new)] = time.time()
    sandbox.save()
    return Response(200, _token_answer(sandbox, new, grant["scope"]))


def _token_answer(sandbox: Sandbox, generation: int, scope: str) -> dict[str, Any]:
    return {
        "token_type": "bearer",
        "expires_in": ACCESS_TTL,
        "access_token": _token(sandbox.credentials.x_access_seed, "access", generation),
        "scope": scope,
        "refresh_token": _token(sandbox.credentials.x_refresh_token, "refresh", generation),
    }


def _revoke(sandbox: Sandbox, request: Request) -> Response:
    """RFC 7009: the client authenticates as at the token endpoint; the family's live refresh or
    access token revokes it; any other token (spent, unknown) is answered 200 and changes nothing."""
    form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
    if not _client_authenticated(sandbox, request, form):
        return Response(401, {"error": "unauthorized_client", "error_description": "Missing valid authorization"})
    keys, token = sandbox.credentials, form.get("token", "")
    with sandbox.lock:
        oauth = _oauth(sandbox)
        live = oauth["generation"]
        if _generation(token, keys.x_refresh_token, "refresh") == live or (
            _generation(token, keys.x_access_seed, "access") == live
        ):
            oauth["revoked"] = True
    sandbox.save()
    return Response(200, {"revoked": True})


def _oauth1_valid(sandbox: Sandbox, request: Request) -> bool:
    header = request.headers.get("authorization", "")
    if not header.startswith("OAuth "):
        return False
    params = {key: unquote(value) for key, value in utils.parse_authorization_header(header)}
    keys = sandbox.credentials
    if params.get("oauth_consumer_key") != keys.x_api_key or params.get("oauth_token") != keys.x_access_token:
        return False
    if params.get("oauth_signature_method") != "HMAC-SHA1":
        return False
    query = urlencode(request.query)
    url = f"{sandbox.platform_url(NAME)}{request.path}"
    form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    collected = signature.collect_parameters(
        uri_query=query, body=request.body.decode() if form else None, headers={"Authorization": header}
    )
    base = signature.signature_base_string(
        request.method, signature.base_string_uri(url), signature.normalize_parameters(collected)
    )
    # RFC 5849 §3.4.2: HMAC-SHA1 of the base string, keyed by both secrets, percent-encoded.
    key = f"{utils.escape(keys.x_api_secret)}&{utils.escape(keys.x_access_secret)}".encode()
    expected = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()
    return hmac.compare_digest(expected, params.get("oauth_signature", ""))


def _authorized(sandbox: Sandbox, request: Request) -> Response | None:
    if _oauth1_valid(sandbox, request):
        return None
    token = request.bearer()
    if token:
        with sandbox.lock:
            oauth = _oauth(sandbox)
            generation = _generation(token, sandbox.credentials.x_access_seed, "access")
            issued = oauth["issued"].get(str(generation), 0)
            live = time.time() < issued + oauth["access_ttl"]
            if generation == oauth["generation"] and not oauth["revoked"] and live:
                return None
    return Response(401, _problem(401, "Unauthorized", "Unauthorized"))


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
        return Response(400, _problem(400, "Invalid Request", "Your Tweet text is too long."))
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
            return Response(403, _problem(403, "Forbidden", detail))

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
    _oauth(sandbox)
    return {
        "POSTION_X_CLIENT_ID": keys.x_client_id,
        "POSTION_X_REFRESH_TOKEN": keys.x_refresh_token,
        "POSTION_X_ACCESS_TOKEN": _token(keys.x_access_seed, "access", 0),
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
    return pages.x_timeline(sandbox, tweets)


def handle(sandbox: Sandbox, request: Request) -> Response:
    method, path = request.method, request.path
    if method == "POST" and path == "/2/oauth2/token":
        return _token_endpoint(sandbox, request)
    if method == "POST" and path == "/2/oauth2/revoke":
        return _revoke(sandbox, request)
    if method == "GET" and path == "/i/oauth2/authorize":
        return _authorize(sandbox, request)
    page = re.fullmatch(r"/(?:[A-Za-z0-9_]+|i/web)/status/(\d+)", path)
    if page and method == "GET":
        return pages.x_post(sandbox, page.group(1))
    refused = _authorized(sandbox, request)
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
    return Response(404, _problem(404, "Not Found Error", f"no route {method} {path}"))
