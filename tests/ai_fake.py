"""Local fakes of OpenAI's chat completions and Anthropic's Messages API on 127.0.0.1, with the
real request and response shapes: each call takes the next scripted answer."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    text: str = ""  # the model's text
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a timeout)
    raw: Any = None  # a body to send instead of the provider's shape


@dataclass
class FakeModelAPI:
    provider: str  # "openai" or "anthropic"
    replies: list[Reply] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)  # path, headers, body of each request
    url: str = ""

    def answer(self, reply: Reply) -> tuple[int, Any]:
        if reply.raw is not None or reply.status != 200:
            body = reply.raw if reply.raw is not None else {"error": {"message": "scripted", "type": "error"}}
            return reply.status, body
        if self.provider == "anthropic":
            content = [{"type": "text", "text": reply.text}]
            return 200, {
                "id": "msg_01",
                "type": "message",
                "role": "assistant",
                "content": content,
                "stop_reason": "end_turn",
                "usage": {"input_tokens": 10, "output_tokens": 20},
            }
        message = {"role": "assistant", "content": reply.text, "refusal": None}
        return 200, {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        }


@contextmanager
def serving(fake: FakeModelAPI) -> Iterator[FakeModelAPI]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.calls.append(
                {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
            )
            reply = fake.replies.pop(0) if fake.replies else Reply("<caption>Fallback</caption>")
            time.sleep(reply.delay)
            status, data = fake.answer(reply)
            payload = json.dumps(data).encode()
            try:
                self.send_response(status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
