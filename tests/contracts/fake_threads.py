"""Threads' Graph API as Meta documents it: the token a parameter (query for GET, form for POST),
a container (TEXT with an optional `link_attachment`, or IMAGE with a public `image_url` and
`alt_text`), its status, `threads_publish`, the permalink. Meta downloads the image itself: the
fake fetches `image_url` through the function the test gives (the built site), as Meta would."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from contracts.docs_server import Answer, Arrival, DocsServer, Request, digest, only_keys, require, sniffed

TOKEN = "threads-long-lived-token"
USER = "17841400000000001"
CONTAINER_KEYS = {"media_type", "text", "image_url", "alt_text", "link_attachment", "reply_to_id", "access_token"}


@dataclass
class FakeThreads:
    server: DocsServer
    download: Callable[[str], bytes]
    containers: dict[str, dict[str, Any]] = field(default_factory=dict)
    published: dict[str, str] = field(default_factory=dict)  # media id → container id
    ids: Any = field(default_factory=lambda: itertools.count(18_000_000_000_000_001))

    def __call__(self, request: Request) -> Answer:
        values = request.query if request.method == "GET" else request.form()
        require(values.get("access_token") == TOKEN, "the access_token parameter")
        segments = request.path.strip("/").split("/")
        match request.method, segments:
            case "GET", ["refresh_access_token"]:
                require(values.get("grant_type") == "th_refresh_token", "grant_type=th_refresh_token")
                return Answer(200, {"access_token": TOKEN, "token_type": "bearer", "expires_in": 5_183_944})
            case "GET", ["v1.0", "me"]:
                return Answer(200, {"id": USER, "username": "blogger"})
            case "GET", ["v1.0", user, "threads_publishing_limit"]:
                require(user in (USER, "me"), "another user's limit")
                usage = {"quota_usage": 0, "config": {"quota_total": 250, "quota_duration": 86400}}
                replies = {"reply_quota_usage": 0, "reply_config": {"quota_total": 1000, "quota_duration": 86400}}
                return Answer(200, {"data": [{**usage, **replies}]})
            case "POST", ["v1.0", user, "threads"]:
                require(user in (USER, "me"), "another user's threads")
                return self._container(values)
            case "POST", ["v1.0", user, "threads_publish"]:
                return self._publish(values)
            case "GET", ["v1.0", node]:
                return self._node(node, values)
        return Answer(400, {"error": {"message": "Unsupported request", "type": "GraphMethodException", "code": 100}})

    def _container(self, values: dict[str, str]) -> Answer:
        only_keys(values, CONTAINER_KEYS, "container")
        kind = values.get("media_type")
        require(kind in ("TEXT", "IMAGE"), f"media_type {kind!r}")
        text = values.get("text", "")
        require(len(text) <= 500, f"text of {len(text)} characters: at most 500")
        image = None
        if kind == "IMAGE":
            url = values.get("image_url", "")
            require(url.startswith("https://"), "image_url must be a public HTTPS URL")
            require("link_attachment" not in values, "link_attachment is for TEXT posts only")
            data = self.download(url)
            require(sniffed(data) in ("image/jpeg", "image/png") and len(data) <= 8 * 1024 * 1024, "JPEG/PNG ≤ 8 MB")
            image = {"digest": digest(data), "alt": values.get("alt_text", "")}
        else:
            require("image_url" not in values and "alt_text" not in values, "image fields on a TEXT post")
        reply = values.get("reply_to_id")
        require(reply is None or reply in self.published, "a reply to a post that was not published")
        container = str(next(self.ids))
        link = values.get("link_attachment")
        self.containers[container] = {"text": text, "image": image, "link": link, "reply_to": reply}
        return Answer(200, {"id": container})

    def _publish(self, values: dict[str, str]) -> Answer:
        container = values.get("creation_id", "")
        require(container in self.containers, "creation_id of no container")
        require(container not in self.published.values(), "this container was published already")
        media = str(next(self.ids))
        self.published[media] = container
        found = self.containers[container]
        if found["reply_to"] is None:
            card = {"url": found["link"]} if found["link"] else None
            self.server.arrived(Arrival("threads", [found["text"]], picture=found["image"], card=card))
        else:
            root = self._root(found["reply_to"])
            next(a for a in self.server.arrivals if a.platform == "threads" and a.texts[0] == root).texts.append(
                found["text"]
            )
        return Answer(200, {"id": media})

    def _root(self, media: str) -> str:
        container = self.containers[self.published[media]]
        while container["reply_to"] is not None:
            container = self.containers[self.published[container["reply_to"]]]
        return str(container["text"])

    def _node(self, node: str, values: dict[str, str]) -> Answer:
        if node in self.containers:
            status = "PUBLISHED" if node in self.published.values() else "FINISHED"
            return Answer(200, {"id": node, "status": status})
        if node in self.published:
            return Answer(200, {"id": node, "permalink": f"https://www.threads.com/@blogger/post/C{node[-8:]}"})
        return Answer(400, {"error": {"message": "Invalid object", "type": "OAuthException", "code": 100}})
