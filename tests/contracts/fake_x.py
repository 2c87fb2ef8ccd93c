"""X API v2 as its documentation and X's own SDK describe it: every JSON body is validated by the
models of `xdk` (X's official Python SDK, generated from X's OpenAPI file), unknown keys refused
as the OpenAPI's `additionalProperties: false` does; OAuth 1.0a signatures are recomputed with
oauthlib; images are the multipart one-shot upload (`media`, `media_category=tweet_image`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pydantic
from oauthlib.oauth1 import Client
from oauthlib.oauth1.rfc5849 import signature
from xdk.media.models import CreateMetadataRequest
from xdk.posts.models import CreateRequest

from contracts.docs_server import Answer, Arrival, DocsServer, Request, digest, require, sniffed

USER = {"id": "2244994945", "name": "Blogger", "username": "blogger"}
MAX_IMAGE = 5 * 1024 * 1024
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


@dataclass
class Keys:
    api_key: str = "x-consumer-key"
    api_secret: str = "x-consumer-secret"
    access_token: str = "2244994945-x-access-token"
    access_secret: str = "x-access-secret"

    def environment(self) -> dict[str, str]:
        return {
            "POSTION_X_API_KEY": self.api_key,
            "POSTION_X_API_SECRET": self.api_secret,
            "POSTION_X_ACCESS_TOKEN": self.access_token,
            "POSTION_X_ACCESS_SECRET": self.access_secret,
        }


@dataclass
class FakeX:
    server: DocsServer
    keys: Keys = field(default_factory=Keys)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: Any = field(default_factory=lambda: itertools.count(1_869_000_000_000_000_001))

    def __call__(self, request: Request) -> Answer:
        self._signed(request)
        match request.method, request.path:
            case "GET", "/2/users/me":
                return Answer(200, {"data": USER})
            case "POST", "/2/media/upload":
                return self._upload(request)
            case "POST", "/2/media/metadata":
                return self._metadata(request)
            case "POST", "/2/tweets":
                return self._create(request)
        return Answer(404, {"title": "Not Found Error", "detail": request.path, "status": 404})

    def _signed(self, request: Request) -> None:
        """OAuth 1.0a, HMAC-SHA1 (RFC 5849): the signature recomputed from the request as sent."""
        header = request.headers.get("Authorization", "")
        require(header.startswith("OAuth "), "no OAuth 1.0a Authorization header")
        given = dict(signature.collect_parameters(headers={"Authorization": header}, exclude_oauth_signature=False))
        require(given.get("oauth_consumer_key") == self.keys.api_key, "wrong consumer key")
        require(given.get("oauth_token") == self.keys.access_token, "wrong access token")
        require(given.get("oauth_signature_method") == "HMAC-SHA1", "not HMAC-SHA1")
        form = request.body if request.headers.get("Content-Type", "").startswith("application/x-www-form") else b""
        query = "&".join(f"{k}={v}" for k, v in request.query.items())
        params = signature.collect_parameters(
            uri_query=query, body=form.decode() or None, headers={"Authorization": header}
        )
        uri = f"http://{request.headers['Host']}/x{request.path}"
        base = signature.signature_base_string(
            request.method, signature.base_string_uri(uri), signature.normalize_parameters(params)
        )
        client = Client(
            self.keys.api_key, client_secret=self.keys.api_secret, resource_owner_secret=self.keys.access_secret
        )
        expected = signature.sign_hmac_sha1_with_client(base, client)
        require(given.get("oauth_signature") == expected, "the OAuth 1.0a signature does not match the request")

    def _upload(self, request: Request) -> Answer:
        parts = request.parts()
        require("media" in parts, "the image goes in the multipart field `media`")
        require(parts.get("media_category") is not None, "`media_category` is required")
        category = parts["media_category"].data.decode()
        require(category == "tweet_image", f"media_category {category!r}: one-shot upload of a post photo")
        image = parts["media"]
        require(len(image.data) <= MAX_IMAGE, f"image of {len(image.data)} bytes: at most 5 MB")
        require(sniffed(image.data) in IMAGE_TYPES, "not a JPEG, PNG, GIF or WEBP image")
        media_id = str(next(self.ids))
        self.media[media_id] = {"digest": digest(image.data), "alt": ""}
        data = {"id": media_id, "media_key": f"3_{media_id}", "size": len(image.data), "expires_after_secs": 86400}
        return Answer(200, {"data": data})

    def _metadata(self, request: Request) -> Answer:
        body = _validated(CreateMetadataRequest, request.json())
        require(body["id"] in self.media, "metadata for a media id that was not uploaded")
        text = body["metadata"]["alt_text"]["text"]
        require(len(text) <= 1000, f"alt text of {len(text)} characters: at most 1000")
        self.media[body["id"]]["alt"] = text
        return Answer(200, {"data": {"id": body["id"], "associated_metadata": body["metadata"]}})

    def _create(self, request: Request) -> Answer:
        body = _validated(CreateRequest, request.json())
        media_ids = (body.get("media") or {}).get("media_ids") or []
        require(all(m in self.media for m in media_ids), "a media id that was not uploaded")
        reply = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        require(reply is None or reply in self.posts, "a reply to a post that does not exist")
        post_id = str(next(self.ids))
        self.posts[post_id] = {**body, "reply_to": reply}
        if reply is None:
            image = self.media[media_ids[0]] if media_ids else None
            self.server.arrived(Arrival("x", [body["text"]], picture=image))
        else:
            root = self._root(reply)
            next(a for a in self.server.arrivals if a.platform == "x" and a.texts[0] == root).texts.append(body["text"])
        return Answer(201, {"data": {"id": post_id, "text": body["text"], "edit_history_tweet_ids": [post_id]}})

    def _root(self, post_id: str) -> str:
        while self.posts[post_id]["reply_to"] is not None:
            post_id = self.posts[post_id]["reply_to"]
        return str(self.posts[post_id]["text"])


def _validated(model: type[pydantic.BaseModel], body: Any) -> dict[str, Any]:
    """As X's OpenAPI states it: types strict, and no key it does not define, at any depth."""
    try:
        model.model_validate(body, strict=True, extra="forbid")
    except pydantic.ValidationError as error:
        raise_broken(f"{model.__name__}: {error.errors(include_url=False)}")
    require(isinstance(body, dict), "not a JSON object")
    return dict(body)


def raise_broken(problem: str) -> None:
    require(False, problem)
