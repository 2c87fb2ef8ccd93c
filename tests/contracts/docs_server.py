"""One HTTP server on 127.0.0.1 for the fakes written from the platforms' documentation (not from
the sandbox): each fake owns a path prefix, checks every request against its platform's contract,
and records what a reader would see arrive. A request that breaks the contract is answered as the
platform answers bad input (400) and noted in `violations`, which a test expects empty."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str  # below the fake's prefix
    query: dict[str, str]
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {key: values[-1] for key, values in parse_qs(self.body.decode(), keep_blank_values=True).items()}

    def parts(self) -> dict[str, Part]:
        """multipart/form-data, read by the standard library's MIME parser."""
        kind = self.headers.get("Content-Type", "")
        if not kind.startswith("multipart/form-data"):
            raise Broken(f"expected multipart/form-data, got {kind!r}")
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + kind.encode() + b"\r\n\r\n" + self.body)
        found: dict[str, Part] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(data, bytes):
                raise Broken("a multipart part without a name or a body")
            found[name] = Part(data, part.get_filename(), part.get_content_type())
        return found


@dataclass
class Part:
    data: bytes
    filename: str | None
    content_type: str


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class Broken(Exception):
    """The request breaks the documented contract."""


@dataclass
class Arrival:
    """A post as it reached the platform, as a reader would see it."""

    platform: str
    texts: list[str]
    picture: dict[str, Any] | None = None  # the image attached or the card's: {"digest", "alt"}
    card: dict[str, Any] | None = None  # what the card carries: {"url", "title"?, "description"?}


Route = Callable[[Request], Answer]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniffed(data: bytes) -> str:
    """An image's type by its first bytes, as a platform sniffs it (never by the name it came with)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "unknown"


class DocsServer:
    def __init__(self) -> None:
        self.fakes: dict[str, Route] = {}
        self.violations: list[str] = []
        self.arrivals: list[Arrival] = []
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def mount(self, prefix: str, route: Route) -> str:
        self.fakes[prefix] = route
        return f"{self.base}/{prefix}"

    def arrived(self, arrival: Arrival) -> None:
        with self.lock:
            self.arrivals.append(arrival)

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                url = urlsplit(self.path)
                prefix, _, rest = url.path.lstrip("/").partition("/")
                query = {key: values[-1] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
                request = Request(self.command, "/" + rest, query, self.headers, body)
                with server.lock:
                    server.requests.append((self.command, url.path))
                route = server.fakes.get(prefix)
                try:
                    answer = route(request) if route else Answer(404, {"error": "no such fake"})
                except Broken as broken:
                    with server.lock:
                        server.violations.append(f"{prefix}: {self.command} {rest}: {broken}")
                    answer = Answer(400, {"error": "InvalidRequest", "message": str(broken)})
                except (KeyError, TypeError, ValueError, AttributeError) as error:  # a body of the wrong shape
                    with server.lock:
                        server.violations.append(f"{prefix}: {self.command} {rest}: unreadable: {error!r}")
                    answer = Answer(400, {"error": "InvalidRequest", "message": "unreadable"})
                payload = b"" if answer.body is None else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def require(condition: bool, problem: str) -> None:
    if not condition:
        raise Broken(problem)


def only_keys(found: dict[str, Any], allowed: set[str], where: str) -> None:
    require(isinstance(found, dict), f"{where} is not an object")
    unknown = set(found) - allowed
    require(not unknown, f"{where}: keys the API does not define: {sorted(unknown)}")
