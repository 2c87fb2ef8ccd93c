"""What the platforms' sandbox modules answer with when the sandbox itself is involved: failures
the tests ordered, authorization codes. Apart from `exchange` (the types), which the server
imports: these need the server's `Sandbox`, and a module both import would be a circle."""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

from postion_publish.sandbox.exchange import Failure, Request, Response

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


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


def _echo(sandbox: Sandbox, platform: str, request: Request) -> Response:
    """What a careless server answers: the request, credentials and all, in several encodings."""
    url = f"{sandbox.base_url}/{platform}{request.path}"
    seen = f"{url} {json.dumps(request.headers)} {request.body.decode('utf-8', 'replace')}"
    text = f"invalid request: {seen} b64={base64.b64encode(seen.encode()).decode()} url={quote(seen, safe='')}"
    return Response(401, {"error": text, "message": text, "detail": text, "code": 50027})
