"""A PDS as the AT Protocol's lexicons define it (app.bsky.feed.post, app.bsky.richtext.facet,
app.bsky.embed.images and .external, com.atproto.repo.*): sessions from an app password, blobs by
raw upload, records checked field by field (graphemes and bytes, TID record keys, facets inside
the text, one embed), handles resolved. The real PDS, where Node is installed, checks the same
records with Bluesky's own code (test_contracts_real_pds.py)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import regex

from contracts.docs_server import Answer, Arrival, DocsServer, Request, digest, only_keys, require, sniffed

DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
HANDLE = "blogger.bsky.social"
PASSWORD = "abcd-efgh-ijkl-mnop"
KNOWN = {
    HANDLE: DID,
    "jane.bsky.social": "did:plc:jane2222222222222222222",
    "rosa.bsky.social": "did:plc:rosa3333333333333333333",
}
TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")
POST_KEYS = {"$type", "text", "createdAt", "langs", "facets", "embed", "reply", "labels", "tags", "entities"}
FEATURES = {"app.bsky.richtext.facet#link", "app.bsky.richtext.facet#mention", "app.bsky.richtext.facet#tag"}


@dataclass
class FakeBluesky:
    server: DocsServer
    blobs: dict[str, str] = field(default_factory=dict)  # cid → digest
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: Any = field(default_factory=lambda: itertools.count(1))

    def __call__(self, request: Request) -> Answer:
        method = request.path.removeprefix("/xrpc/")
        if method == "com.atproto.server.createSession":
            body = request.json()
            only_keys(body, {"identifier", "password", "authFactorToken"}, "createSession")
            if (body.get("identifier"), body.get("password")) != (HANDLE, PASSWORD):
                return Answer(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
            return Answer(200, {"accessJwt": "access-jwt", "refreshJwt": "refresh-jwt", "did": DID, "handle": HANDLE})
        if method == "com.atproto.identity.resolveHandle":
            did = KNOWN.get(request.query.get("handle", ""))
            if did is None:
                return Answer(400, {"error": "InvalidRequest", "message": "Unable to resolve handle"})
            return Answer(200, {"did": did})
        if request.headers.get("Authorization") != "Bearer access-jwt":
            return Answer(401, {"error": "AuthenticationRequired", "message": "Authentication Required"})
        match method:
            case "com.atproto.server.getSession":
                return Answer(200, {"did": DID, "handle": HANDLE})
            case "com.atproto.repo.uploadBlob":
                return self._blob(request)
            case "com.atproto.repo.getRecord":
                found = self.records.get(request.query.get("rkey", ""))
                if found is None:
                    return Answer(400, {"error": "RecordNotFound", "message": "Could not locate record"})
                return Answer(200, found)
            case "com.atproto.repo.createRecord":
                return self._create(request.json())
        return Answer(501, {"error": "MethodNotImplemented", "message": method})

    def _blob(self, request: Request) -> Answer:
        kind = request.headers.get("Content-Type", "")
        require(kind.startswith("image/") and sniffed(request.body) == kind, f"a blob sent as {kind!r}")
        require(len(request.body) <= 1_000_000, f"blob too big ({len(request.body)} > 1000000)")
        cid = f"bafkreiblob{next(self.ids):040d}"
        self.blobs[cid] = digest(request.body)
        return Answer(
            200, {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": kind, "size": len(request.body)}}
        )

    def _create(self, body: dict[str, Any]) -> Answer:
        only_keys(body, {"repo", "collection", "rkey", "validate", "record", "swapCommit"}, "createRecord")
        require(body["repo"] == DID and body["collection"] == "app.bsky.feed.post", "repo and collection")
        rkey = body.get("rkey")
        require(rkey is None or TID.fullmatch(rkey) is not None, f"Invalid TID string {rkey!r}")
        record = body["record"]
        only_keys(record, POST_KEYS, "record")
        require(record.get("$type") == "app.bsky.feed.post", "$type")
        text = record["text"]
        require(len(regex.findall(r"\X", text)) <= 300, "grapheme too big (maximum 300)")
        require(len(text.encode()) <= 3000, "text too long (maximum 3000 bytes)")
        stamp = dt.datetime.fromisoformat(record["createdAt"])
        require(stamp.tzinfo is not None, "createdAt without a timezone")
        require(len(record.get("langs", [])) <= 3, "at most 3 langs")
        self._facets(text, record.get("facets", []))
        picture = card = None
        if "embed" in record:
            picture, card = self._embed(record["embed"])
        uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
        cid = f"bafyreirecord{next(self.ids):040d}"
        self.records[str(rkey)] = {"uri": uri, "cid": cid, "value": record}
        reply = record.get("reply")
        if reply is None:
            self.server.arrived(Arrival("bluesky", [text], picture=picture, card=card))
        else:
            require(reply["root"]["uri"] in {r["uri"] for r in self.records.values()}, "a reply to no record")
            root_text = next(r["value"]["text"] for r in self.records.values() if r["uri"] == reply["root"]["uri"])
            next(a for a in self.server.arrivals if a.platform == "bluesky" and a.texts[0] == root_text).texts.append(
                text
            )
        return Answer(200, {"uri": uri, "cid": cid})

    def _facets(self, text: str, facets: list[dict[str, Any]]) -> None:
        size = len(text.encode())
        for facet in facets:
            only_keys(facet, {"index", "features"}, "facet")
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            require(0 <= start < end <= size, f"facet {start}..{end} outside the text's {size} bytes")
            covered = text.encode()[start:end].decode()
            for feature in facet["features"]:
                kind = feature.get("$type")
                require(kind in FEATURES, f"facet feature {kind!r}")
                if kind.endswith("#link"):
                    shown = covered.removesuffix("…")  # a long link may be shown shortened
                    require(feature["uri"].startswith(shown), f"link over {covered!r}")
                elif kind.endswith("#mention"):
                    require(KNOWN.get(covered.lstrip("@")) == feature["did"], f"mention over {covered!r}")
                else:
                    require(covered == "#" + feature["tag"], f"tag over {covered!r}")

    def _embed(self, embed: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        kind = embed.get("$type")
        if kind == "app.bsky.embed.images":
            only_keys(embed, {"$type", "images"}, "embed")
            require(1 <= len(embed["images"]) <= 4, "1 to 4 images")
            entry = embed["images"][0]
            only_keys(entry, {"image", "alt", "aspectRatio"}, "image")
            require(isinstance(entry.get("alt"), str), "alt is required (it may be empty)")
            ratio = entry.get("aspectRatio")
            require(ratio is not None and ratio["width"] > 0 and ratio["height"] > 0, "aspectRatio")
            return {"digest": self._blob_digest(entry["image"]), "alt": entry["alt"]}, None
        require(kind == "app.bsky.embed.external", f"embed {kind!r}")
        only_keys(embed, {"$type", "external"}, "embed")
        external = embed["external"]
        only_keys(external, {"uri", "title", "description", "thumb"}, "external")
        require(all(isinstance(external.get(k), str) for k in ("uri", "title", "description")), "external fields")
        thumb = {"digest": self._blob_digest(external["thumb"]), "alt": None} if "thumb" in external else None
        return thumb, {"url": external["uri"], "title": external["title"], "description": external["description"]}

    def _blob_digest(self, blob: dict[str, Any]) -> str:
        require(blob.get("$type") == "blob" and blob["ref"]["$link"] in self.blobs, "a blob that was not uploaded")
        return self.blobs[blob["ref"]["$link"]]
