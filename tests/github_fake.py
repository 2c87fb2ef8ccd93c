"""A fake of the few GitHub REST endpoints the Action uses, on 127.0.0.1 (issue comments)."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PAGE = 2  # small pages, so that the client must follow the Link header


@dataclass
class FakeGitHub:
    read_only: bool = False  # a fork's token: reading works, writing answers 403
    comments: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self) -> None:
                fake.calls.append((self.command, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}") if length else {}
                if self.headers.get("Authorization") != "Bearer test-token":
                    return self._reply(401, {"message": "Bad credentials"})
                if self.path == "/user":
                    return self._reply(403, {"message": "Resource not accessible by integration"})
                listing = re.fullmatch(r"/repos/o/r/issues/(\d+)/comments\?per_page=100(?:&page=(\d+))?", self.path)
                if listing and self.command == "GET":
                    page = int(listing.group(2) or 1)
                    chunk = fake.comments[(page - 1) * PAGE : page * PAGE]
                    headers = {}
                    if page * PAGE < len(fake.comments):
                        following = (
                            f"{fake.url}/repos/o/r/issues/{listing.group(1)}/comments?per_page=100&page={page + 1}"
                        )
                        headers["Link"] = f'<{following}>; rel="next"'
                    return self._reply(200, chunk, headers)
                if fake.read_only and self.command in ("POST", "PATCH"):
                    return self._reply(
                        403,
                        {"message": "Resource not accessible by integration"},
                        {"X-Accepted-GitHub-Permissions": "issues=write; pull_requests=write"},
                    )
                if re.fullmatch(r"/repos/o/r/issues/\d+/comments", self.path) and self.command == "POST":
                    comment = {
                        "id": 1000 + len(fake.comments),
                        "body": body["body"],
                        "user": {"login": "github-actions[bot]"},
                    }
                    fake.comments.append(comment)
                    return self._reply(201, comment)
                patch = re.fullmatch(r"/repos/o/r/issues/comments/(\d+)", self.path)
                if patch and self.command == "PATCH":
                    for comment in fake.comments:
                        if comment["id"] == int(patch.group(1)):
                            comment["body"] = body["body"]
                            return self._reply(200, comment)
                return self._reply(404, {"message": "Not Found"})

            do_GET = do_POST = do_PATCH = _handle

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
