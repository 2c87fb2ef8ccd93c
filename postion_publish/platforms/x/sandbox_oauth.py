"""The sandbox's X OAuth: 2.0 tokens that rotate (a replayed refresh token revokes the family, as
client authors report of the real one), their revocation (RFC 7009), OAuth 1.0a signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, unquote_plus, urlencode

from oauthlib.oauth1.rfc5849 import signature, utils

from postion_publish.sandbox.exchange import Request, Response, redirect
from postion_publish.sandbox.replies import issue_code, take_code

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox

NAME = "x"
ACCESS_TTL = 7200
_SIGNING_KEY = b"postion sandbox"  # makes tokens look random; the sandbox is a toy, not a vault


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> dict[str, Any]:
    return {"title": title, "detail": detail, "type": kind, "status": status}


# --- tokens -------------------------------------------------------------------------------------


def oauth_state(sandbox: Sandbox) -> dict[str, Any]:
    with sandbox.lock:
        # The first access token (generation 0) is handed out with the refresh token, as after
        # `postion connect x`; it lives its 2 hours from the sandbox's first use.
        found: dict[str, Any] = sandbox.store[NAME].setdefault(
            "oauth", {"generation": 0, "issued": {"0": time.time()}, "revoked": False, "access_ttl": ACCESS_TTL}
        )
        return found


def token_for(seed: str, kind: str, generation: int) -> str:
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
    return int(number) if hmac.compare_digest(token_for(seed, kind, int(number)), token) else None


def _client_authenticated(sandbox: Sandbox, request: Request, form: dict[str, str]) -> bool:
    """A public client names itself (`client_id`); a confidential one must authenticate with HTTP
    Basic `client_id:client_secret`, each form-encoded (RFC 6749 §2.3.1), as X requires."""
    keys = sandbox.credentials
    if keys.x_client_secret is None:
        return bool(form.get("client_id") == keys.x_client_id)
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return bool(unquote_plus(user) == keys.x_client_id and unquote_plus(password) == keys.x_client_secret)


def token_endpoint(sandbox: Sandbox, request: Request) -> Response:
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
        oauth = oauth_state(sandbox)
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


def authorize(sandbox: Sandbox, request: Request) -> Response:
    """The consent screen, approved at once: back to the loopback redirect with a code (PKCE S256)."""
    query = request.query
    target = query.get("redirect_uri", "")
    if query.get("client_id") != sandbox.credentials.x_client_id:
        return Response(400, problem(400, "Invalid Request", "Something went wrong: the app is unknown"))
    if not re.fullmatch(r"http://127\.0\.0\.1:\d+/\S*", target):
        return Response(400, problem(400, "Invalid Request", "Callback URI is not registered (use 127.0.0.1)"))
    if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
        return Response(400, problem(400, "Invalid Request", "response_type=code and PKCE S256 are required"))
    if not query.get("code_challenge") or not query.get("state"):
        return Response(400, problem(400, "Invalid Request", "code_challenge and state are required"))
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
        oauth = oauth_state(sandbox)
        oauth["generation"] = new = oauth["generation"] + 1
        oauth["revoked"] = False
        oauth["issued"][str(new)] = time.time()
    sandbox.save()
    return Response(200, _token_answer(sandbox, new, grant["scope"]))


def _token_answer(sandbox: Sandbox, generation: int, scope: str) -> dict[str, Any]:
    return {
        "token_type": "bearer",
        "expires_in": ACCESS_TTL,
        "access_token": token_for(sandbox.credentials.x_access_seed, "access", generation),
        "scope": scope,
        "refresh_token": token_for(sandbox.credentials.x_refresh_token, "refresh", generation),
    }


def revoke(sandbox: Sandbox, request: Request) -> Response:
    """RFC 7009: the client authenticates as at the token endpoint; the family's live refresh or
    access token revokes it; any other token (spent, unknown) is answered 200 and changes nothing."""
    form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
    if not _client_authenticated(sandbox, request, form):
        return Response(401, {"error": "unauthorized_client", "error_description": "Missing valid authorization"})
    keys, token = sandbox.credentials, form.get("token", "")
    with sandbox.lock:
        oauth = oauth_state(sandbox)
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


def authorized(sandbox: Sandbox, request: Request) -> Response | None:
    if _oauth1_valid(sandbox, request):
        return None
    token = request.bearer()
    if token:
        with sandbox.lock:
            oauth = oauth_state(sandbox)
            generation = _generation(token, sandbox.credentials.x_access_seed, "access")
            issued = oauth["issued"].get(str(generation), 0)
            live = time.time() < issued + oauth["access_ttl"]
            if generation == oauth["generation"] and not oauth["revoked"] and live:
                return None
    return Response(401, problem(401, "Unauthorized", "Unauthorized"))
