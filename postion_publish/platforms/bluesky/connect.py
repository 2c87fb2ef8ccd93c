"""`postion connect bluesky`: a handle and an app password, checked by opening a session."""

from __future__ import annotations

import re

from postion_publish.core.errors import AuthExpired
from postion_publish.tokens.connect import (
    Connected,
    FlowInput,
    Prompter,
    api_client,
)

APP_PASSWORD = re.compile(r"^[a-z0-9]{4}(-[a-z0-9]{4}){3}$")


def connect(given: FlowInput, prompter: Prompter) -> Connected:
    handle = str(given.platform.options.get("handle") or prompter.ask("Your Bluesky handle")).lstrip("@")
    password = prompter.ask_secret("An app password (Settings → Privacy and security → App passwords)").strip()
    if not APP_PASSWORD.match(password):
        prompter.say(
            "warning: this does not look like an app password (xxxx-xxxx-xxxx-xxxx). Never give your account's "
            "main password: create an app password, which you can revoke on its own."
        )
    with api_client(given.api_base) as client:
        response = client.post(
            "/xrpc/com.atproto.server.createSession", json={"identifier": handle, "password": password}
        )
    if response.status_code != 200:
        raise AuthExpired("bluesky", f"the app password for {handle} was refused ({response.status_code})")
    return Connected(
        {"POSTION_BLUESKY_APP_PASSWORD": password}, f"@{response.json().get('handle', handle)}", method="app password"
    )
