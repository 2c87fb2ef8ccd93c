"""What the sandbox's platform modules and its server share: requests, responses, ordered
failures and the sandbox's fixed identities. A leaf: it imports no other sandbox module, so the
server, the platforms and the pages import it and not each other in a circle."""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import astuple, dataclass, field, fields
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox

FAILURE_MODES = ("429", "500", "500-after", "timeout", "auth", "echo", "garbled")


class Credentials:
    """What the sandbox accepts, gathered from each platform's sandbox module (its `Identity`).
    Not secrets: it is a local toy that anyone may run. `Credentials(x_client_secret=…)` changes
    one; `credentials.<name>` reads one."""

    def __init__(self, **changes: Any) -> None:
        from postion_publish.core import registry  # here: the platforms' modules import this one

        identities = []
        for name in registry.in_sandbox():
            kind = registry.spec(name).sandbox_module().Identity
            own = {field.name for field in fields(kind)}
            identities.append(kind(**{key: value for key, value in changes.items() if key in own}))
        unknown = set(changes) - {field.name for identity in identities for field in fields(identity)}
        if unknown:
            raise TypeError(f"the sandbox has no credential named {', '.join(sorted(unknown))}")
        self._identities = tuple(identities)

    def __getattr__(self, name: str) -> Any:
        for identity in self.__dict__.get("_identities", ()):
            if hasattr(identity, name):
                return getattr(identity, name)
        raise AttributeError(name)

    def values(self) -> list[Any]:
        """Every value, of every platform."""
        return [value for identity in self._identities for value in astuple(identity)]


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
