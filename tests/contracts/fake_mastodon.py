"""Mastodon's REST API as its documentation gives it: the instance's configuration, media by
multipart (`file`, `description` ≤ `description_limit`), statuses with `media_ids` and an
`Idempotency-Key` that hands back the first status for a repeated key, `in_reply_to_id` threads."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import regex

from contracts.docs_server import Answer, Arrival, DocsServer, Request, digest, only_keys, require, sniffed

TOKEN = "mastodon-access-token"
DESCRIPTION_LIMIT = 1500
STATUS_KEYS = {
    "status",
    "media_ids",
    "in_reply_to_id",
    "sensitive",
    "spoiler_text",
    "visibility",
    "language",
    "scheduled_at",
    "poll",
    "quoted_status_id",
}


@dataclass
class FakeMastodon:
    server: DocsServer
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # Idempotency-Key → status id
    ids: Any = field(default_factory=lambda: itertools.count(113_000_000_000_000_001))

    def __call__(self, request: Request) -> Answer:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Answer(401, {"error": "The access token is invalid"})
        match request.method, request.path:
            case "GET", "/api/v2/instance":
                configuration = {
                    "statuses": {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23},
                    "media_attachments": {"description_limit": DESCRIPTION_LIMIT, "image_size_limit": 16_777_216},
                }
                return Answer(200, {"domain": "social.example", "configuration": configuration})
            case "GET", "/api/v1/accounts/verify_credentials":
                return Answer(200, {"id": "1", "username": "blogger", "acct": "blogger"})
            case "POST", "/api/v2/media":
                return self._media(request)
            case "POST", "/api/v1/statuses":
                return self._status(request)
        return Answer(404, {"error": "Record not found"})

    def _media(self, request: Request) -> Answer:
        parts = request.parts()
        only_keys(parts, {"file", "description", "focus", "thumbnail"}, "media")
        require("file" in parts, "the image goes in the multipart field `file`")
        data = parts["file"].data
        require(sniffed(data) != "unknown", "422: not an image type the server takes")
        description = parts["description"].data.decode() if "description" in parts else ""
        require(len(description) <= DESCRIPTION_LIMIT, f"description of {len(description)}: over description_limit")
        media_id = str(next(self.ids))
        self.media[media_id] = {"digest": digest(data), "alt": description}
        return Answer(200, {"id": media_id, "type": "image", "url": f"https://files.example/{media_id}.png"})

    def _status(self, request: Request) -> Answer:
        key = request.headers.get("Idempotency-Key")
        require(bool(key), "no Idempotency-Key: a retried request could post twice")
        if key in self.keys:
            return Answer(200, self._shown(self.keys[key]))
        body = request.json()
        only_keys(body, STATUS_KEYS, "status")
        text = body.get("status", "")
        require(isinstance(text, str) and text.strip() != "", "422: Text can't be blank")
        require(counted(text) <= 500, "422: Text character limit of 500 exceeded")
        require(body.get("visibility", "public") in {"public", "unlisted", "private", "direct"}, "visibility")
        media_ids = body.get("media_ids") or []
        require(isinstance(media_ids, list) and all(isinstance(m, str) for m in media_ids), "media_ids: strings")
        require(all(m in self.media for m in media_ids) and len(media_ids) <= 4, "media_ids: uploaded, at most 4")
        reply = body.get("in_reply_to_id")
        require(reply is None or reply in self.statuses, "404: the status replied to does not exist")
        status_id = str(next(self.ids))
        self.statuses[status_id] = {"text": text, "reply_to": reply}
        self.keys[key] = status_id
        if reply is None:
            image = self.media[media_ids[0]] if media_ids else None
            self.server.arrived(Arrival("mastodon", [text], picture=image))
        else:
            root = reply
            while self.statuses[root]["reply_to"] is not None:
                root = self.statuses[root]["reply_to"]
            first = self.statuses[root]["text"]
            next(a for a in self.server.arrivals if a.platform == "mastodon" and a.texts[0] == first).texts.append(text)
        return Answer(200, self._shown(status_id))

    def _shown(self, status_id: str) -> dict[str, Any]:
        return {
            "id": status_id,
            "url": f"https://social.example/@blogger/{status_id}",
            "uri": f"https://social.example/users/blogger/statuses/{status_id}",
            "created_at": "2026-03-01T12:00:00.000Z",
            "content": "<p>…</p>",
        }


def counted(text: str) -> int:
    """StatusLengthValidator: grapheme clusters, each URL with a scheme counting 23."""
    return len(regex.findall(r"\X", re.sub(r"https?://\S+", "x" * 23, text)))
