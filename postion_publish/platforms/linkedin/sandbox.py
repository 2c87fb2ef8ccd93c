"""The sandbox's LinkedIn: the Posts API, the Images API, and each post's page.

Behaves as LinkedIn does for what the adapter uses (../shared/platforms.md §2, learn.microsoft.com
…/shares/posts-api, …/images-api, …/little-text-format):
- `LinkedIn-Version` must be an active month (426 NONEXISTENT_VERSION otherwise) and
  `X-Restli-Protocol-Version: 2.0.0` is required; missing body fields answer 422.
- 201 with an empty body, the post's URN in `x-restli-id`.
- The commentary is read as little text and, as LinkedIn does, **cut silently at the first
  unescaped reserved character**: the page shows what a reader would see.
- The same commentary twice answers 422 DUPLICATE_POST naming the first post; 429 has no headers.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from postion_publish.platforms.image_files import sniff_mime
from postion_publish.platforms.linkedin import page as own_page
from postion_publish.sandbox.counting import utf16_units
from postion_publish.sandbox.exchange import Failure, Request, Response, redirect
from postion_publish.sandbox.replies import issue_code, take_code, with_failures

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


# How the service counts a post (its own code's way, not the client's rule).
LINKEDIN_LIMIT = 3000


@dataclass(frozen=True)
class Identity:
    """What this platform's sandbox accepts and who posts there (see `sandbox.exchange.Credentials`)."""

    linkedin_access_token: str = "sandbox-linkedin-token"
    linkedin_author: str = "urn:li:organization:1234"
    linkedin_client_id: str = "86sandboxlinkedin"
    linkedin_client_secret: str = "sandbox-linkedin-client-secret"
    linkedin_refresh_token: str = "sandbox-linkedin-refresh-token"  # for approved partners' apps


NAME = "linkedin"
OLDEST_ACTIVE_VERSION = "202512"  # versions live about a year: older months answer 426
_RESERVED = set("\\|{}@[]()<>#*_~")
# A link as a reader's client finds one: parentheses only when balanced, no punctuation at its end.
_URL = re.compile(r"https?://(?:[^\s()<>\\]|\([^\s()<>\\]*\))+(?<![.,;:!?'\"])")
_HASHTAG = re.compile(r"#\w+")
_MENTION = re.compile(r"@\[[^\]]*\]\(urn:li:(?:person|organization):[^)|]+\)")
_REQUIRED = ("author", "commentary", "visibility", "distribution", "lifecycleState")


def _error(status: int, message: str, code: str | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"message": message, "status": status, **extra}
    if code:
        body["code"] = code
    return Response(status, body)


def _refuse(failure: Failure) -> Response:
    if failure.mode == "429":
        return _error(429, "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.")
    if failure.mode == "auth":
        return _error(401, "Invalid access token", "REVOKED_ACCESS_TOKEN", serviceErrorCode=65601)
    return _error(504, "Gateway Timeout")


def read_little_text(commentary: str) -> str:
    """What LinkedIn shows for a commentary: escapes resolved, mentions and hashtags as text, URLs
    whole, and nothing after the first unescaped reserved character."""
    out: list[str] = []
    position = 0
    while position < len(commentary):
        char = commentary[position]
        if char == "\\" and position + 1 < len(commentary):
            out.append(commentary[position + 1])
            position += 2
            continue
        for pattern in (_URL, _MENTION, _HASHTAG):
            match = pattern.match(commentary, position)
            if match and (pattern is not _HASHTAG or not commentary[:position][-1:].isalnum()):
                out.append(match.group(0))
                position = match.end()
                break
        else:
            if char in _RESERVED:
                break  # LinkedIn's silent cut
            out.append(char)
            position += 1
    return "".join(out)


def _checked(sandbox: Sandbox, request: Request) -> Response | None:
    if request.bearer() != sandbox.credentials.linkedin_access_token:
        return _error(401, "Invalid access token", "INVALID_ACCESS_TOKEN", serviceErrorCode=65600)
    version = request.headers.get("linkedin-version", "")
    if not re.fullmatch(r"\d{6}(\.\d{2})?", version):
        return _error(400, "A version must be present. Please specify a version by adding the LinkedIn-Version header.")
    if version[:6] < OLDEST_ACTIVE_VERSION:
        return _error(426, f"Requested version {version} is not active", "NONEXISTENT_VERSION")
    return None


def _posts(sandbox: Sandbox) -> dict[str, Any]:
    found: dict[str, Any] = sandbox.store[NAME].setdefault("posts", {})
    return found


def _images(sandbox: Sandbox) -> dict[str, Any]:
    found: dict[str, Any] = sandbox.store[NAME].setdefault("images", {})
    return found


def _create_post(sandbox: Sandbox, request: Request) -> Response:
    if request.headers.get("x-restli-protocol-version") != "2.0.0":
        return _error(400, "X-Restli-Protocol-Version 2.0.0 is required")
    body = request.json()
    if not isinstance(body, dict):
        return _error(400, "Unable to parse the request body")
    for key in _REQUIRED:
        if key not in body:
            return _error(422, f"/{key} :: field is required but not found and has no default value")
    if body["author"] != sandbox.credentials.linkedin_author:
        return _error(403, f"Not enough permissions to post as {body['author']}", serviceErrorCode=100)
    commentary = str(body["commentary"])
    shown = read_little_text(commentary)
    if utf16_units(shown) > LINKEDIN_LIMIT:
        return _error(422, f"/commentary :: length of commentary exceeds {LINKEDIN_LIMIT}")
    content = body.get("content") or {}
    media = content.get("media") or {}
    thumbnail = (content.get("article") or {}).get("thumbnail")
    for urn in (media.get("id"), thumbnail):
        if urn is not None and _images(sandbox).get(urn, {}).get("status") != "AVAILABLE":
            return _error(422, f"/content :: {urn} is not an available image")
    with sandbox.lock:
        earlier = next((p for p in _posts(sandbox).values() if p["commentary"] == commentary), None)
    if earlier is not None:
        details = {"inputErrors": [{"description": "Duplicate post is detected", "code": "DUPLICATE_POST"}]}
        return _error(422, f"Content is a duplicate of {earlier['urn']}", errorDetails=details)

    def work() -> Response:
        urn = f"urn:li:share:{7400000000000000000 + sandbox.next_id()}"
        with sandbox.lock:
            _posts(sandbox)[urn] = {
                "urn": urn,
                "author": body["author"],
                "commentary": commentary,
                "text": shown,
                "content": content,
                "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                "seq": time.time(),
            }
        sandbox.save()
        return Response(201, None, {"x-restli-id": urn})

    return with_failures(sandbox, NAME, request, _refuse, work)


def _initialize_upload(sandbox: Sandbox, request: Request) -> Response:
    owner = ((request.json() or {}).get("initializeUploadRequest") or {}).get("owner")
    if owner != sandbox.credentials.linkedin_author:
        return _error(403, f"Not enough permissions to upload as {owner}")
    number = sandbox.next_id()
    urn = f"urn:li:image:C4D{number:012d}"
    with sandbox.lock:
        _images(sandbox)[urn] = {"status": "WAITING_UPLOAD", "size": 0}
    sandbox.save()
    expires = int(time.time() * 1000) + 3_600_000
    upload = f"{sandbox.platform_url(NAME)}/dms-uploads/{number}"
    return Response(200, {"value": {"uploadUrlExpiresAt": expires, "uploadUrl": upload, "image": urn}})


def _put_bytes(sandbox: Sandbox, request: Request, number: int) -> Response:
    urn = f"urn:li:image:C4D{number:012d}"
    with sandbox.lock:
        image = _images(sandbox).get(urn)
        if image is None:
            return _error(404, "No upload is waiting here")
        if sniff_mime(request.body[:16]) not in ("image/png", "image/jpeg", "image/gif"):
            return _error(400, "Only JPG, PNG and GIF images can be uploaded")
        image.update(status="AVAILABLE", size=len(request.body))
    sandbox.save()
    return Response(201)


def settings(sandbox: Sandbox) -> dict[str, Any]:
    base = sandbox.platform_url(NAME)
    return {"author": sandbox.credentials.linkedin_author, "api_base": base, "web_base": base, "auth_base": base}


def environment(sandbox: Sandbox) -> dict[str, str]:
    return {"POSTION_LINKEDIN_ACCESS_TOKEN": sandbox.credentials.linkedin_access_token}


def connect_environment(sandbox: Sandbox) -> dict[str, str]:
    """The app `postion connect linkedin` authorizes with, as the sandbox accepts it."""
    keys = sandbox.credentials
    return {
        "POSTION_LINKEDIN_CLIENT_ID": keys.linkedin_client_id,
        "POSTION_LINKEDIN_CLIENT_SECRET": keys.linkedin_client_secret,
    }


def texts(store: dict[str, Any]) -> list[str]:
    """What readers see: the commentary as LinkedIn shows it (cut where it was not escaped)."""
    return [post["text"] for post in store.get(NAME, {}).get("posts", {}).values()]


def articles(sandbox: Sandbox) -> list[str]:
    return own_page.timeline(sandbox)


def _authorize(sandbox: Sandbox, request: Request) -> Response:
    """The member's consent, given at once: back to the registered redirect with a code."""
    query = request.query
    if query.get("client_id") != sandbox.credentials.linkedin_client_id or query.get("response_type") != "code":
        return _error(400, "invalid client_id or response_type", "invalid_request")
    if not query.get("redirect_uri") or not query.get("state"):
        return _error(400, "redirect_uri and state are required", "invalid_request")
    scopes = set(query.get("scope", "").split())
    if "w_organization_social" in scopes and scopes & {"openid", "profile"}:
        # The sandbox's app has the Community Management product, which the portal offers without
        # Sign In with LinkedIn: asking for both is refused, as LinkedIn refuses an unauthorized scope.
        described = 'Scope "openid" is not authorized for your application'
        refused = {"error": "unauthorized_scope_error", "error_description": described, "state": query["state"]}
        return redirect(query["redirect_uri"], **refused)
    grant = {"redirect_uri": query["redirect_uri"], "scope": query.get("scope", "")}
    return redirect(query["redirect_uri"], code=issue_code(sandbox, NAME, grant), state=query["state"])


def _access_token(sandbox: Sandbox, request: Request) -> Response:
    form = dict(parse_qsl(request.body.decode("utf-8", "replace")))
    keys = sandbox.credentials
    if form.get("client_id") != keys.linkedin_client_id or form.get("client_secret") != keys.linkedin_client_secret:
        return Response(401, {"error": "invalid_client", "error_description": "Client authentication failed"})
    if form.get("grant_type") == "refresh_token":  # programmatic refresh: a new 60-day access token
        if form.get("refresh_token") != keys.linkedin_refresh_token:
            return Response(
                400, {"error": "invalid_request", "error_description": "The provided refresh token is invalid"}
            )
        return Response(200, {"access_token": keys.linkedin_access_token, "expires_in": 5_184_000})
    grant = take_code(sandbox, NAME, form.get("code", ""))
    if (
        form.get("grant_type") != "authorization_code"
        or grant is None
        or grant["redirect_uri"] != form.get("redirect_uri")
    ):
        return Response(400, {"error": "invalid_request", "error_description": "Unable to retrieve access token"})
    body = {
        "access_token": keys.linkedin_access_token,
        "expires_in": 5_184_000,
        "scope": grant["scope"].replace(" ", ","),
    }
    return Response(200, body)


def handle(sandbox: Sandbox, request: Request) -> Response:
    method, path = request.method, request.path
    page = re.fullmatch(r"/feed/update/(urn:li:[A-Za-z]+:\d+)/?", path)
    if page and method == "GET":
        return own_page.post_page(sandbox, page.group(1))
    if method == "GET" and path == "/oauth/v2/authorization":
        return _authorize(sandbox, request)
    if method == "POST" and path == "/oauth/v2/accessToken":
        return _access_token(sandbox, request)
    if method == "GET" and path == "/v2/userinfo":  # OpenID Connect: unversioned, a bearer token only
        if request.bearer() != sandbox.credentials.linkedin_access_token:
            return _error(401, "Invalid access token", "INVALID_ACCESS_TOKEN", serviceErrorCode=65600)
        return Response(200, {"sub": "782bbtaQ", "name": "Postion Demo", "email_verified": True})
    refused = _checked(sandbox, request)
    if refused is not None:
        return refused
    if method == "POST" and path == "/rest/posts":
        return _create_post(sandbox, request)
    organization = re.fullmatch(r"/rest/organizations/(\d+)", path)
    if organization and method == "GET":
        if f"urn:li:organization:{organization.group(1)}" != sandbox.credentials.linkedin_author:
            return _error(404, "Not Found", "NOT_FOUND")
        return Response(
            200,
            {"id": int(organization.group(1)), "localizedName": "Postion Sandbox Co", "vanityName": "postion-sandbox"},
        )
    if method == "POST" and path == "/rest/images" and request.query.get("action") == "initializeUpload":
        return _initialize_upload(sandbox, request)
    upload = re.fullmatch(r"/dms-uploads/(\d+)", path)
    if upload and method == "PUT":
        return _put_bytes(sandbox, request, int(upload.group(1)))
    image = re.fullmatch(r"/rest/images/(urn%3Ali%3Aimage%3A\w+)", path)
    if image and method == "GET":
        urn = unquote(image.group(1))
        found = _images(sandbox).get(urn)
        return Response(200, {"id": urn, **found}) if found else _error(404, "Not Found")
    return _error(404, f"No route {method} {path}")
