"""The sandbox's Discord webhook: execute (JSON or multipart), get, and each message's page.

Behaves as Discord does for what the adapter uses (discord.com/developers/docs/resources/webhook,
"Execute Webhook"): `?wait=true` returns the message, without it 204; errors `{"code", "message",
"errors"?}`; 429 with `retry_after`. A message sent without `allowed_mentions` that contains
@everyone is marked as a ping on its page."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from postion_publish.platforms.discord import page as own_page
from postion_publish.platforms.discord.ids import CHANNEL_ID, GUILD_ID
from postion_publish.sandbox.counting import utf16_units
from postion_publish.sandbox.exchange import Failure, Request, Response
from postion_publish.sandbox.forms import parse_multipart
from postion_publish.sandbox.replies import with_failures

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


# How the service counts a post (its own code's way, not the client's rule).
DISCORD_CONTENT = 2000


@dataclass(frozen=True)
class Identity:
    """What this platform's sandbox accepts and who posts there (see `sandbox.exchange.Credentials`)."""

    discord_webhook_id: str = "1300000000000000001"
    discord_webhook_token: str = "sandbox-webhook-token"


NAME = "discord"
MAX_CONTENT = 2000
MAX_EMBEDS_TOTAL = 6000


def webhook_url(sandbox: Sandbox) -> str:
    hook = sandbox.credentials
    return f"{sandbox.platform_url(NAME)}/api/webhooks/{hook.discord_webhook_id}/{hook.discord_webhook_token}"


def _limits() -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "4",
        "X-RateLimit-Reset-After": "2",
        "X-RateLimit-Bucket": "sandbox-webhook",
    }


def _refuse(failure: Failure) -> Response:
    if failure.mode == "429":
        body = {"message": "You are being rate limited.", "retry_after": failure.retry_after, "global": False}
        headers = {
            **_limits(),
            "X-RateLimit-Remaining": "0",
            "Retry-After": str(int(failure.retry_after) or 1),
            "X-RateLimit-Scope": "user",
        }
        return Response(429, body, headers)
    if failure.mode == "auth":
        return Response(401, {"message": "Invalid Webhook Token", "code": 50027})
    return Response(502, {"message": "502: Bad Gateway", "code": 0})


def _invalid(field: str, code: str, message: str) -> Response:
    errors = {field: {"_errors": [{"code": code, "message": message}]}}
    return Response(400, {"code": 50035, "message": "Invalid Form Body", "errors": errors})


def _payload(request: Request) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = parse_multipart(content_type, request.body)
        payload = json.loads(form["payload_json"].data) if "payload_json" in form else {}
        files = [
            {"field": name, "filename": part.filename, "size": len(part.data), "content_type": part.content_type}
            for name, part in form.items()
            if name.startswith("files[")
        ]
        return payload, files
    data = request.json()
    return (data if isinstance(data, dict) else None), []


def _execute(sandbox: Sandbox, request: Request) -> Response:
    payload, files = _payload(request)
    if payload is None:
        return Response(400, {"code": 50109, "message": "The request body contains invalid JSON."})
    content = payload.get("content") or ""
    embeds = payload.get("embeds") or []
    if not content and not embeds and not files:
        return Response(400, {"code": 50006, "message": "Cannot send an empty message"})
    if utf16_units(content) > MAX_CONTENT:
        return _invalid("content", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length.")
    if len(embeds) > 10:
        return _invalid("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = sum(len(str(e.get("title", ""))) + len(str(e.get("description", ""))) for e in embeds)
    if total > MAX_EMBEDS_TOTAL:
        return _invalid("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")

    # Each attachment names its file by `id`, the n of `files[n]`: a snowflake-typed field, a
    # string or an integer (Discord's own examples use both).
    described: dict[str, Any] = {}
    for index, attachment in enumerate(payload.get("attachments") or []):
        given = attachment.get("id") if isinstance(attachment, dict) else None
        field = f"files[{given}]"
        if isinstance(given, bool) or not isinstance(given, int | str) or field not in {f["field"] for f in files}:
            return _invalid(f"attachments.{index}", "ATTACHMENT_NOT_FOUND", "Attachment data not found")
        described[field] = attachment.get("description")

    def work() -> Response:
        message_id = str(1300000000000001000 + sandbox.next_id())
        message = {
            "id": message_id,
            "type": 0,
            "channel_id": CHANNEL_ID,
            "webhook_id": sandbox.credentials.discord_webhook_id,
            "content": content,
            "embeds": embeds,
            "attachments": [{**file, "description": described.get(file["field"])} for file in files],
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "allowed_mentions": payload.get("allowed_mentions"),
            "thread_id": request.query.get("thread_id"),
        }
        with sandbox.lock:
            sandbox.store["discord"].setdefault("messages", {})[message_id] = message
        sandbox.save()
        if request.query.get("wait", "").lower() != "true":
            return Response(204)
        return Response(200, message, _limits())

    return with_failures(sandbox, NAME, request, _refuse, work)


def settings(sandbox: Sandbox) -> dict[str, Any]:
    """This platform's keys in a postion.yml pointed at the sandbox."""
    return {"web_base": sandbox.platform_url(NAME)}


def environment(sandbox: Sandbox) -> dict[str, str]:
    """The credentials the sandbox accepts, as the environment variables the adapter reads."""
    return {"POSTION_DISCORD_WEBHOOK_URL": webhook_url(sandbox)}


def texts(store: dict[str, Any]) -> list[str]:
    """The content of every message received."""
    return [message["content"] for message in store.get(NAME, {}).get("messages", {}).values()]


def articles(sandbox: Sandbox) -> list[str]:
    """Its timeline on the sandbox's page, newest first."""
    return own_page.timeline(sandbox)


def handle(sandbox: Sandbox, request: Request) -> Response:
    hook = re.fullmatch(r"/api/webhooks/(\d+)/([^/]+)", request.path)
    if hook:
        credentials = sandbox.credentials
        if hook.group(1) != credentials.discord_webhook_id:
            return Response(404, {"message": "Unknown Webhook", "code": 10015})
        if hook.group(2) != credentials.discord_webhook_token:
            return Response(401, {"message": "Invalid Webhook Token", "code": 50027})
        if request.method == "GET":
            return Response(
                200,
                {
                    "id": credentials.discord_webhook_id,
                    "type": 1,
                    "name": "postion sandbox",
                    "channel_id": CHANNEL_ID,
                    "guild_id": GUILD_ID,
                },
            )
        if request.method == "POST":
            return _execute(sandbox, request)
        return Response(405, {"message": "405: Method Not Allowed", "code": 0})
    page = re.fullmatch(r"/channels/(\d+)/(\d+)/(\d+)", request.path)
    if page and request.method == "GET":
        return own_page.post_page(sandbox, page.group(3))
    return Response(404, {"message": "404: Not Found", "code": 0})
