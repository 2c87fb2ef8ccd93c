"""`postion connect mastodon`: an app registered on the instance, then OAuth 2.0 in the browser."""

from __future__ import annotations

import secrets

from postion_publish.tokens.connect import (
    CALLBACK_PATH,
    Connected,
    FlowInput,
    Prompter,
    api_client,
    authorize,
    authorize_url,
    free_port,
    token_answer,
)

MASTODON_SCOPES = "write:statuses write:media read:accounts"


def connect(given: FlowInput, prompter: Prompter) -> Connected:
    # The app is registered here with its redirect: any port will do, so a random one (a port known
    # in advance is one another local program could take first) unless --port says.
    redirect = f"http://127.0.0.1:{given.port or free_port()}{CALLBACK_PATH}"
    with api_client(given.api_base) as client:
        app = token_answer(
            client.post(
                "/api/v1/apps",
                data={"client_name": "postion-publish", "redirect_uris": redirect, "scopes": MASTODON_SCOPES},
            ),
            "registering the app",
        )
        state = secrets.token_urlsafe(24)
        url = authorize_url(f"{given.api_base}/oauth/authorize", app["client_id"], redirect, MASTODON_SCOPES, state)
        code = authorize(url, redirect, state, prompter, paste=given.paste)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": redirect,
            "scope": MASTODON_SCOPES,
        }
        tokens = token_answer(client.post("/oauth/token", data=form), "the code")
        me = client.get(
            "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
    account = f"@{me.json().get('acct')}" if me.status_code == 200 else None
    return Connected({"POSTION_MASTODON_TOKEN": str(tokens["access_token"])}, account, scopes=MASTODON_SCOPES.split())
