"""Discord's execute-webhook as its API reference documents it: `?wait=true`, a JSON body or
`multipart/form-data` with `payload_json` and `files[n]`, each file described in `attachments`
(id, filename, description ≤ 1024 as alt text) and shown by an embed as `attachment://filename`;
embed limits (title 256, description 4096, 6000 in all); `allowed_mentions` so nothing pings."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from contracts.docs_server import Answer, Arrival, DocsServer, Request, digest, only_keys, require, sniffed

WEBHOOK = "/api/webhooks/1234567890123456789/webhook-token_Secret"
BODY_KEYS = {
    "content",
    "embeds",
    "allowed_mentions",
    "attachments",
    "username",
    "avatar_url",
    "flags",
    "thread_name",
    "applied_tags",
    "poll",
    "tts",
    "components",
}
EMBED_KEYS = {"title", "url", "description", "color", "timestamp", "image", "thumbnail", "footer", "author", "fields"}


@dataclass
class FakeDiscord:
    server: DocsServer
    ids: Any = field(default_factory=lambda: itertools.count(1_300_000_000_000_000_001))

    def __call__(self, request: Request) -> Answer:
        if request.path != WEBHOOK:
            return Answer(404, {"message": "Unknown Webhook", "code": 10015})
        if request.method == "GET":
            return Answer(
                200, {"id": "1234567890123456789", "type": 1, "name": "Blog", "channel_id": "42", "guild_id": "7"}
            )
        require(request.query.get("wait") == "true", "without ?wait=true no message id comes back")
        files: dict[str, Any] = {}
        if request.headers.get("Content-Type", "").startswith("multipart/form-data"):
            parts = request.parts()
            require("payload_json" in parts, "multipart without payload_json")
            body = json.loads(parts.pop("payload_json").data)
            files = parts
        else:
            body = request.json()
        return self._execute(body, files)

    def _execute(self, body: dict[str, Any], files: dict[str, Any]) -> Answer:
        only_keys(body, BODY_KEYS, "body")
        content = body.get("content", "")
        require(len(content.encode("utf-16-le")) // 2 <= 2000, "content: at most 2000")
        require(body.get("allowed_mentions") == {"parse": []}, "allowed_mentions must stop every ping")
        described: dict[str, dict[str, Any]] = {}
        for attachment in body.get("attachments", []):
            only_keys(attachment, {"id", "filename", "description"}, "attachment")
            require(isinstance(attachment["id"], str | int), "attachment id: a snowflake")
            part = files.get(f"files[{attachment['id']}]")
            require(part is not None, "an attachment with no files[n] part")
            require(len(attachment.get("description", "")) <= 1024, "attachment description: at most 1024")
            require(sniffed(part.data) != "unknown", "not an image")
            described[attachment["filename"]] = {"digest": digest(part.data), "alt": attachment.get("description", "")}
        embeds = body.get("embeds", [])
        require(len(embeds) <= 10, "at most 10 embeds")
        card = picture = None
        total = 0
        for embed in embeds:
            only_keys(embed, EMBED_KEYS, "embed")
            title, description = embed.get("title", ""), embed.get("description", "")
            require(len(title) <= 256 and len(description) <= 4096, "embed title ≤ 256, description ≤ 4096")
            require(isinstance(embed.get("color", 0), int) and 0 <= embed.get("color", 0) <= 0xFFFFFF, "color")
            total += len(title) + len(description)
            if "image" in embed:
                url = embed["image"]["url"]
                require(url.startswith("attachment://") and url[13:] in described, "an image with no attachment")
                picture = described[url[13:]]
            card = {"url": embed.get("url"), "title": title, "description": description}
        require(total <= 6000, "all embeds together: at most 6000 characters")
        self.server.arrived(Arrival("discord", [content], picture=picture, card=card))
        message_id = str(next(self.ids))
        return Answer(200, {"id": message_id, "channel_id": "42", "content": content, "type": 0})
