"""What the sandbox's platform modules and its server share: requests, responses, ordered
failures and the sandbox's fixed identities. A leaf: it imports no other sandbox module, so the
server, the platforms and the pages import it and not each other in a circle."""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass, field, fields
from typing import Any
from urllib.parse import urlencode

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


def redirect(to: str, **params: str) -> Response:
    """The platform's answer to an approved authorization: back to the app, with the code."""
    joiner = "&" if "?" in to else "?"
    return Response(302, None, {"Location": f"{to}{joiner}{urlencode(params)}"})
