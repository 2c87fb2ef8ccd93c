"""A fake of the few GitHub REST endpoints postion uses, on 127.0.0.1: issue comments, issues, and
repository secrets (sealed boxes it opens with its own private key, to check what was written)."""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

PAGE = 2  # small pages, so that the client must follow the Link header
GITHUB_TOKEN = "test-token"  # the workflow's token: comments and issues, never secrets
SECRETS_PAT = "test-secrets-pat"  # a fine-grained PAT with "Secrets: read and write"


@dataclass
class FakeGitHub:
    read_only: bool = False  # a fork's token: reading works, writing answers 403
    comments: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""
    secrets: dict[str, str] = field(default_factory=dict)  # name → the value, decrypted
    issues: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        from nacl.public import PrivateKey

        self.private_key = PrivateKey.generate()

    def _secrets_call(self, method: str, path: str, body: dict[str, Any], token: str) -> tuple[int, Any] | None:
        if not path.startswith("/repos/o/r/actions/secrets"):
            return None
        if token != SECRETS_PAT:
            return 403, {"message": "Resource not accessible by integration"}
        if path == "/repos/o/r/actions/secrets/public-key" and method == "GET":
            key = base64.b64encode(bytes(self.private_key.public_key)).decode()
            return 200, {"key_id": "568250167242549743", "key": key}
        named = re.fullmatch(r"/repos/o/r/actions/secrets/([A-Z0-9_]+)", path)
        if named and method == "PUT":
            from nacl.public import SealedBox

            if body.get("key_id") != "568250167242549743":
                return 422, {"message": "key_id does not match"}
            opened = SealedBox(self.private_key).decrypt(base64.b64decode(body["encrypted_value"]))
            created = named.group(1) not in self.secrets
            self.secrets[named.group(1)] = opened.decode()
            return (201 if created else 204), None
        if named and method == "DELETE":
            return (
                (204, None) if self.secrets.pop(named.group(1), None) is not None else (404, {"message": "Not Found"})
            )
        return 404, {"message": "Not Found"}

    def _issues_call(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any] | None:
        if path.startswith("/repos/o/r/issues?") and method == "GET":
            creator = re.search(r"[?&]creator=([^&]+)", path)
            wanted = unquote(creator.group(1)) if creator else None
            return 200, [issue for issue in self.issues if wanted is None or issue["user"]["login"] == wanted]
        if path == "/repos/o/r/issues" and method == "POST":
            issue = {
                "number": 100 + len(self.issues),
                "state": "open",
                "title": body["title"],
                "body": body["body"],
                "user": {"login": "github-actions[bot]"},  # who GITHUB_TOKEN writes as
            }
            self.issues.append(issue)
            return 201, issue
        number = re.fullmatch(r"/repos/o/r/issues/(\d+)", path)
        if number and method == "PATCH":
            for issue in self.issues:
                if issue["number"] == int(number.group(1)):
                    issue.update(body)
                    return 200, issue
        return None

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode() if body is not None else b""
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
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in (GITHUB_TOKEN, SECRETS_PAT):
                    return self._reply(401, {"message": "Bad credentials"})
                for answer in (
                    fake._secrets_call(self.command, self.path, body, token),
                    fake._issues_call(self.command, self.path, body),
                ):
                    if answer is not None:
                        return self._reply(*answer)
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

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
