"""A local emulator of the platforms' HTTP APIs, for `postion demo`, `postion sandbox` and tests.

Each platform lives under its own prefix (`/<name>`, as its folder is named) and speaks the same
contract as the real service for what the adapters use: paths, auth headers, bodies, status codes,
error shapes, rate-limit headers (each platform's public API documentation). What it receives is
kept (and, given a data file, saved) and shown at `/` as each platform's timeline. It can be told to
fail:

    POST /_sandbox/fail {"platform": "<name>", "mode": "429", "count": 1, "retry_after": 1}

modes: `429` (rate limited), `500` (refused with a 5xx), `500-after` (stored, then a 5xx),
`timeout` (stored, then no answer for `delay` seconds), `garbled` (stored, then a 200 whose body
is not the object the contract promises), `auth` (credential refused or expired),
`echo` (a 401 whose body quotes the request back: its URL, headers and body, also base64- and
URL-encoded, as misconfigured servers and proxies do);
options: `count`, `retry_after`, `delay`, `path_contains` (only requests whose path has it),
`after` (let that many matching requests through first).
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from postion_publish.core import registry as platforms
from postion_publish.sandbox import pages
from postion_publish.sandbox.exchange import FAILURE_MODES, Credentials, Failure, Request, Response
from postion_publish.store.jsonfile import write_json_atomic

__all__ = ["Credentials", "Failure", "Request", "Response", "Sandbox"]

Handler = Callable[["Sandbox", Request], Response]


class Sandbox:
    def __init__(
        self, *, latency: float = 0.0, data_file: Path | None = None, credentials: Credentials | None = None
    ) -> None:
        self.latency = latency
        self.data_file = data_file
        self.credentials = credentials or Credentials()
        self.lock = threading.RLock()
        self.failures: dict[str, list[Failure]] = {}
        # Every platform of the registry that has a sandbox module, under its own prefix.
        self.handlers: dict[str, Handler] = {
            name: platforms.spec(name).sandbox_module().handle for name in platforms.in_sandbox()
        }
        self.store: dict[str, Any] = {**{name: {} for name in self.handlers}, "next_id": 1}
        self.sessions: dict[str, Any] = {}  # tokens are not saved: a restart means new sessions
        self.base_url = ""
        self._server: ThreadingHTTPServer | None = None
        if data_file is not None and data_file.exists():
            self.store = json.loads(data_file.read_text(encoding="utf-8"))

    # --- state shared by the platform modules ----------------------------------------------------

    def next_id(self) -> int:
        with self.lock:
            value = int(self.store["next_id"])
            self.store["next_id"] = value + 1
            return value

    def save(self) -> None:
        if self.data_file is not None:
            with self.lock:
                write_json_atomic(self.data_file, self.store)

    def take_failure(self, platform: str, request: Request) -> Failure | None:
        with self.lock:
            queue = self.failures.get(platform, [])
            for failure in queue:
                if failure.path_contains in request.path and request.method == "POST":
                    if failure.after > 0:
                        failure.after -= 1
                        return None
                    failure.count -= 1
                    if failure.count <= 0:
                        queue.remove(failure)
                    return failure
        return None

    def fail(self, platform: str, mode: str, count: int = 1, **options: Any) -> None:
        if mode not in FAILURE_MODES:
            raise ValueError(f"mode must be one of {', '.join(FAILURE_MODES)}")
        with self.lock:
            self.failures.setdefault(platform, []).append(Failure(mode, count, **options))

    def platform_url(self, platform: str) -> str:
        return f"{self.base_url}/{platform}"

    # --- HTTP -------------------------------------------------------------------------------------

    def dispatch(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Response:
        parts = urlsplit(raw_path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        path = parts.path
        if path == "/" and method == "GET":
            sections = [
                (platforms.display_name(name), platforms.spec(name).sandbox_module().articles(self))
                for name in self.handlers
            ]
            return Response(200, pages.timeline(sections))
        if path.startswith("/_sandbox/"):
            return self._control(method, path, body)
        platform, _, rest = path.lstrip("/").partition("/")
        handler = self.handlers.get(platform)
        if handler is None:
            return Response(404, {"error": "NotFound", "message": f"the sandbox has no platform '{platform}'"})
        # Half the latency before the work and half after: a client that dies while waiting may
        # then find its request done or not, as with a real server far away.
        time.sleep(self.latency / 2)
        response = handler(self, Request(method, "/" + rest, query, headers, body))
        time.sleep(self.latency / 2)
        return response

    def _control(self, method: str, path: str, body: bytes) -> Response:
        if path == "/_sandbox/posts" and method == "GET":
            with self.lock:
                return Response(200, json.loads(json.dumps(self.store)))
        if path == "/_sandbox/fail" and method == "POST":
            order = json.loads(body or b"{}")
            try:
                self.fail(
                    order["platform"],
                    order["mode"],
                    int(order.get("count", 1)),
                    **{k: order[k] for k in ("retry_after", "delay", "path_contains", "after") if k in order},
                )
            except (KeyError, ValueError, TypeError) as error:
                return Response(400, {"error": f"bad failure order: {error}"})
            return Response(204)
        if path == "/_sandbox/react" and method == "POST":
            order = json.loads(body or b"{}")
            module = (
                platforms.spec(str(order.get("platform"))).sandbox_module()
                if order.get("platform") in self.handlers
                else None
            )
            if module is None or not hasattr(module, "react") or order.get("kind") not in ("reply", "like", "repost"):
                return Response(400, {"error": "react: a platform with reactions, a post, and kind reply|like|repost"})
            try:
                module.react(self, order)
            except KeyError as error:
                return Response(404, {"error": f"react: {error}"})
            return Response(204)
        return Response(404, {"error": "unknown control path"})

    def start(self, port: int = 0, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> str:
        """Serve on `host:port` (0: any free port); with `tls` (a server context), over HTTPS, for
        clients that only speak it (benchmarks/versus_crosspost.py)."""
        sandbox = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {key.lower(): value for key, value in self.headers.items()}
                try:
                    response = sandbox.dispatch(self.command, self.path, headers, body)
                except Exception as error:  # a bug in the sandbox must still answer like a server
                    response = Response(500, {"error": "InternalServerError", "message": type(error).__name__})
                payload, content_type = response.encoded()
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                if response.status != 204:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if response.status != 204:
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the timeline page shows what happened

        self._server = _QuietServer((host, port), RequestHandler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.base_url = f"{scheme}://{host}:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that went away is no news
            super().handle_error(request, client_address)
