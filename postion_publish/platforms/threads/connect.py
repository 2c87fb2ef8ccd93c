"""`postion connect threads`: Meta redirects to HTTPS only, so the pasted address always; a
short-lived token, then the 60-day one."""

from __future__ import annotations

import secrets

from postion_publish.core.errors import BadInput
from postion_publish.tokens.connect import (
    CALLBACK_PATH,
    DEFAULT_PORT,
    Connected,
    FlowInput,
    Prompter,
    api_client,
    authorize,
    authorize_url,
    expires_at,
    option,
    token_answer,
    with_secret,
)

THREADS_SCOPES = "threads_basic,threads_content_publish,threads_manage_replies"


def connect(given: FlowInput, prompter: Prompter) -> Connected:
    if not given.client_id:
        raise BadInput("Threads needs the app's Threads app id: --client-id (or POSTION_THREADS_CLIENT_ID)")
    given = with_secret(given, prompter, "Threads", "POSTION_THREADS_CLIENT_SECRET")
    assert given.client_id is not None and given.client_secret is not None  # checked, or asked for
    port = given.port or DEFAULT_PORT
    redirect = str(given.platform.options.get("redirect_uri") or f"https://127.0.0.1:{port}{CALLBACK_PATH}")
    state = secrets.token_urlsafe(24)
    # The Authorization Window as Meta documents it (developers.facebook.com/documentation/threads/
    # get-started/get-access-tokens-and-permissions, August 2026): threads.com, not www. nor .net.
    auth_base = option(given.platform, "auth_base", "https://threads.com")
    url = authorize_url(f"{auth_base}/oauth/authorize", given.client_id, redirect, THREADS_SCOPES, state)
    # Meta redirects to HTTPS only: no loopback server can answer it, so the user pastes the address.
    code = authorize(url, redirect, state, prompter, paste=True)
    with api_client(given.api_base) as client:
        form = {
            "client_id": given.client_id,
            "client_secret": given.client_secret,
            "grant_type": "authorization_code",
            "redirect_uri": redirect,
            "code": code,
        }
        short = token_answer(client.post("/oauth/access_token", data=form), "the code")
        params = {
            "grant_type": "th_exchange_token",
            "client_secret": given.client_secret,
            "access_token": short["access_token"],
        }
        long = token_answer(client.get("/access_token", params=params), "the exchange for a long-lived token")
        me = client.get("/v1.0/me", params={"fields": "id,username", "access_token": long["access_token"]})
    account = f"@{me.json().get('username')}" if me.status_code == 200 else None
    values = {"POSTION_THREADS_ACCESS_TOKEN": str(long["access_token"])}
    return Connected(values, account, expires_at(long, given.now), scopes=THREADS_SCOPES.split(","))
