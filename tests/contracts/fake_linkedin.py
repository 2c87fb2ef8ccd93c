"""LinkedIn's Posts and Images APIs as Microsoft Learn documents them: versioned Rest.li headers,
every required field of a post, an article or one image with its alt text, the bytes PUT to the
upload URL, the URN in `x-restli-id`. The commentary is read as LinkedIn's "little text" format is
documented: a backslash escapes a reserved character, and an unescaped one outside a link cuts
the post there (what readers would see)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from contracts.docs_server import Answer, Arrival, DocsServer, Request, digest, only_keys, require, sniffed

TOKEN = "linkedin-access-token"
AUTHOR = "urn:li:person:8675309"
RESERVED = set("\\|{}@[]()<>#*_~")
LINK = re.compile(r"https?://[^\s\\]+")
# A mention (documented): `@[Name](urn:li:person:…)`, shown as the name, linked; kept here as written.
MENTION = re.compile(r"@\[[^\[\]]+\]\(urn:li:(?:person|organization):[^)\s]+\)")
POST_KEYS = {
    "author",
    "commentary",
    "visibility",
    "distribution",
    "lifecycleState",
    "isReshareDisabledByAuthor",
    "content",
}


@dataclass
class FakeLinkedIn:
    server: DocsServer
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # urn → {"digest"}
    ids: Any = field(default_factory=lambda: itertools.count(7_100_000_000_000_000_001))

    def __call__(self, request: Request) -> Answer:
        require(request.headers.get("Authorization") == f"Bearer {TOKEN}", "no Bearer token")
        if request.method == "PUT" and request.path.startswith("/upload/"):
            return self._bytes(request)
        if request.path.startswith("/rest/"):
            require(re.fullmatch(r"\d{6}", request.headers.get("LinkedIn-Version", "")) is not None, "LinkedIn-Version")
            require(request.headers.get("X-Restli-Protocol-Version") == "2.0.0", "X-Restli-Protocol-Version 2.0.0")
        match request.method, request.path:
            case "GET", "/v2/userinfo":
                return Answer(200, {"sub": AUTHOR.rsplit(":", 1)[1], "name": "Blogger"})
            case "POST", "/rest/images":
                return self._initialize(request)
            case "POST", "/rest/posts":
                return self._post(request)
        if request.method == "GET" and request.path.startswith("/rest/images/"):
            urn = unquote(request.path.removeprefix("/rest/images/"))
            require(urn in self.uploads, f"unknown image {urn}")
            status = "AVAILABLE" if "digest" in self.uploads[urn] else "WAITING_UPLOAD"
            return Answer(200, {"id": urn, "status": status, "owner": AUTHOR})
        return Answer(404, {"message": "Not Found", "status": 404})

    def _initialize(self, request: Request) -> Answer:
        require(request.query.get("action") == "initializeUpload", "?action=initializeUpload")
        body = request.json()
        only_keys(body, {"initializeUploadRequest"}, "body")
        only_keys(body["initializeUploadRequest"], {"owner"}, "initializeUploadRequest")
        require(body["initializeUploadRequest"]["owner"] == AUTHOR, "the owner is the post's author")
        urn = f"urn:li:image:D4E10AQ{next(self.ids)}"
        self.uploads[urn] = {}
        value = {
            "uploadUrlExpiresAt": 1_900_000_000_000,
            "uploadUrl": f"{self.server.base}/linkedin/upload/{len(self.uploads)}",
            "image": urn,
        }
        return Answer(200, {"value": value})

    def _bytes(self, request: Request) -> Answer:
        index = int(request.path.rsplit("/", 1)[1])
        urn = list(self.uploads)[index - 1]
        require(sniffed(request.body) in {"image/jpeg", "image/png", "image/gif"}, "JPG, PNG or GIF only")
        self.uploads[urn]["digest"] = digest(request.body)
        return Answer(201)

    def _post(self, request: Request) -> Answer:
        body = request.json()
        only_keys(body, POST_KEYS, "post")
        missing = POST_KEYS - {"content"} - set(body)
        require(not missing, f"field is required but not found: {sorted(missing)}")
        require(body["author"] == AUTHOR, "author")
        require(body["visibility"] in {"PUBLIC", "CONNECTIONS", "LOGGED_IN"}, "visibility")
        require(body["lifecycleState"] == "PUBLISHED", "lifecycleState")
        only_keys(body["distribution"], {"feedDistribution", "targetEntities", "thirdPartyDistributionChannels"}, "d")
        text = read_little_text(body["commentary"])
        require(len(text) <= 3000, f"commentary of {len(text)} characters: at most 3000")
        picture = card = None
        content = body.get("content")
        if content is not None:
            only_keys(content, {"media", "article"}, "content")
            require(len(content) == 1, "one kind of content")
            if "media" in content:
                only_keys(content["media"], {"id", "altText", "title"}, "content.media")
                urn = content["media"]["id"]
                require("digest" in self.uploads.get(urn, {}), "an image whose bytes were not uploaded")
                picture = {"digest": self.uploads[urn]["digest"], "alt": content["media"].get("altText", "")}
            else:
                article = content["article"]
                only_keys(article, {"source", "title", "description", "thumbnail", "thumbnailAltText"}, "article")
                require(isinstance(article.get("source"), str) and isinstance(article.get("title"), str), "article")
                thumb = article.get("thumbnail")
                require(thumb is None or "digest" in self.uploads.get(thumb, {}), "a thumbnail not uploaded")
                card = {"url": article["source"], "title": article["title"]}
                card["description"] = article.get("description", "")
                picture = {"digest": self.uploads[thumb]["digest"], "alt": None} if thumb else None
        self.server.arrived(Arrival("linkedin", [text], picture=picture, card=card))
        return Answer(201, None, {"x-restli-id": f"urn:li:share:{next(self.ids)}"})


def read_little_text(commentary: str) -> str:
    """What readers see: escapes undone, links as they are, and the text cut at the first
    reserved character left unescaped (a `#hashtag` is markup, and shows as written)."""
    shown: list[str] = []
    index = 0
    while index < len(commentary):
        if (link := LINK.match(commentary, index)) is not None and (index == 0 or not commentary[index - 1].isalnum()):
            shown.append(link.group())
            index = link.end()
            continue
        if (mention := MENTION.match(commentary, index)) is not None:
            shown.append(mention.group())
            index = mention.end()
            continue
        char = commentary[index]
        if char == "\\" and index + 1 < len(commentary) and commentary[index + 1] in RESERVED:
            shown.append(commentary[index + 1])
            index += 2
            continue
        if char == "#" and index + 1 < len(commentary) and commentary[index + 1].isalnum():
            shown.append(char)
            index += 1
            continue
        if char in RESERVED:
            break  # published, but cut here
        shown.append(char)
        index += 1
    return "".join(shown)
