"""What the sandbox's platform modules and its server share: requests, responses, ordered
failures and the sandbox's fixed identities. A leaf: it imports no other sandbox module, so the
server, the platforms and the pages import it and not each other in a circle."""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox

FAILURE_MODES = ("429", "500", "500-after", "timeout", "auth", "echo", "garbled")


# The sandbox's Discord server and channel: in its webhook's answers and in its pages' links.
DISCORD_GUILD_ID = "1300000000000000100"
DISCORD_CHANNEL_ID = "1300000000000000200"


@dataclass(frozen=True)
class Credentials:
    """What the sandbox accepts. Not secrets: it is a local toy that anyone may run."""

    bluesky_handle: str = "demo.bsky.sandbox"
    bluesky_app_password: str = "sand-boxa-ppss-word"
    mastodon_token: str = "sandbox-mastodon-token"
    mastodon_username: str = "demo"
    discord_webhook_id: str = "1300000000000000001"
    discord_webhook_token: str = "sandbox-webhook-token"
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
    linkedin_access_token: str = "sandbox-linkedin-token"
    linkedin_author: str = "urn:li:organization:1234"
    linkedin_client_id: str = "86sandboxlinkedin"
    linkedin_client_secret: str = "sandbox-linkedin-client-secret"
    linkedin_refresh_token: str = "sandbox-linkedin-refresh-token"  # for approved partners' apps
    threads_access_token: str = "sandbox-threads-token"
    threads_client_id: str = "1700000000000042"
    threads_client_secret: str = "sandbox-threads-app-secret"
    threads_user_id: str = "1800000000000001"
    threads_username: str = "postion.demo"


@dataclass
class Request:
    method: str
    path: str  # below the platform prefix, e.g. /xrpc/com.atproto.repo.createRecord
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[7:] if value.lower().startswith("bearer ") else None


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-able, or str for HTML
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), "text/html; charset=utf-8"
        if self.body is None:
            return b"", "application/json"
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8"


@dataclass
class Failure:
    mode: str
    count: int
    retry_after: float = 1.0
    delay: float = 30.0
    path_contains: str = ""
    after: int = 0  # let this many matching requests through first


def with_failures(
    sandbox: Sandbox,
    platform: str,
    request: Request,
    refuse: Callable[[Failure], Response],
    work: Callable[[], Response],
) -> Response:
    """Run a write, unless a failure was ordered: refuse it before the work (429, 500, auth) or
    spoil the answer after it (500-after, timeout, garbled: a 200 whose body is no JSON object), as
    a real server or a proxy under trouble can."""
    failure = sandbox.take_failure(platform, request)
    if failure is not None and failure.mode == "echo":
        return _echo(sandbox, platform, request)
    if failure is not None and failure.mode in ("429", "500", "auth"):
        return refuse(failure)
    response = work()
    if failure is not None and failure.mode == "500-after":
        return refuse(Failure("500", 1))
    if failure is not None and failure.mode == "garbled":
        return Response(200, [[[["the post is stored; this answer says nothing readable"]]]])
    if failure is not None and failure.mode == "timeout":
        time.sleep(failure.delay)  # the work is done; the answer comes too late for the client
    return response


def issue_code(sandbox: Sandbox, platform: str, grant: dict[str, str]) -> str:
    """An authorization code for `grant` (client, redirect, PKCE challenge…): used once, in minutes."""
    code = secrets.token_urlsafe(18)
    with sandbox.lock:
        sandbox.sessions[f"code:{platform}:{code}"] = {**grant, "at": str(time.time())}
    return code


def take_code(sandbox: Sandbox, platform: str, code: str) -> dict[str, str] | None:
    with sandbox.lock:
        grant: dict[str, str] | None = sandbox.sessions.pop(f"code:{platform}:{code}", None)
    if grant is None or time.time() - float(grant["at"]) > 600:
        return None
    return grant


def redirect(to: str, **params: str) -> Response:
    """The platform's answer to an approved authorization: back to the app, with the code."""
    joiner = "&" if "?" in to else "?"
    return Response(302, None, {"Location": f"{to}{joiner}{urlencode(params)}"})


def _echo(sandbox: Sandbox, platform: str, request: Request) -> Response:
    """What a careless server answers: the request, credentials and all, in several encodings."""
    url = f"{sandbox.base_url}/{platform}{request.path}"
    seen = f"{url} {json.dumps(request.headers)} {request.body.decode('utf-8', 'replace')}"
    text = f"invalid request: {seen} b64={base64.b64encode(seen.encode()).decode()} url={quote(seen, safe='')}"
    return Response(401, {"error": text, "message": text, "detail": text, "code": 50027})
