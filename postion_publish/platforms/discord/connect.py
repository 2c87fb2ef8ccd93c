"""`postion connect discord`: a webhook URL, checked with a GET (never a post)."""

from __future__ import annotations

import re

from postion_publish.core.errors import AuthExpired, BadInput
from postion_publish.tokens.connect import (
    Connected,
    FlowInput,
    Prompter,
    api_client,
)


def connect(given: FlowInput, prompter: Prompter) -> Connected:
    url = prompter.ask_secret("The webhook URL (Server settings → Integrations → Webhooks → Copy URL)").strip()
    loopback = re.match(r"http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])[:/]", url)
    if url.startswith("http://") and not loopback:  # the URL is the credential: never in the clear
        raise BadInput(
            "the webhook URL must start with https:// (Discord's do): an http:// one would travel in the clear"
        )
    if not re.match(r"https?://", url):
        raise BadInput("a webhook URL starts with https://")
    with api_client("") as client:
        response = client.get(url)  # a GET, never a post
    if response.status_code != 200:
        raise AuthExpired("discord", f"the webhook was refused ({response.status_code}): copy its URL again")
    return Connected(
        {"POSTION_DISCORD_WEBHOOK_URL": url}, str(response.json().get("name") or "") or None, method="webhook"
    )
