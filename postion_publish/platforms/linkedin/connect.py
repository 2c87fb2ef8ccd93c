"""`postion connect linkedin`: OAuth 2.0 in the browser; the scopes depend on the author kind."""

from __future__ import annotations

import secrets

from postion_publish.core.errors import BadInput
from postion_publish.platforms.linkedin.adapter import DEFAULT_VERSION
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

LINKEDIN_MEMBER_SCOPES = ["openid", "profile", "w_member_social"]
# An app with the Community Management product (posting as a Page) cannot also hold `openid profile`
# (the portal offers them with another product): a Page's name comes from its own endpoint instead.
LINKEDIN_PAGE_SCOPES = ["w_organization_social"]


def connect(given: FlowInput, prompter: Prompter) -> Connected:
    if not given.client_id:
        raise BadInput("LinkedIn needs the app's client id: --client-id (or POSTION_LINKEDIN_CLIENT_ID)")
    given = with_secret(given, prompter, "LinkedIn", "POSTION_LINKEDIN_CLIENT_SECRET")
    assert given.client_id is not None and given.client_secret is not None  # checked, or asked for
    author = str(given.platform.options.get("author", ""))
    scopes = LINKEDIN_PAGE_SCOPES if author.startswith("urn:li:organization:") else LINKEDIN_MEMBER_SCOPES
    # LinkedIn allows only the redirect URLs registered in the app, port included: the usual one, or --port.
    redirect = f"http://127.0.0.1:{given.port or DEFAULT_PORT}{CALLBACK_PATH}"
    state = secrets.token_urlsafe(24)
    auth_base = option(given.platform, "auth_base", "https://www.linkedin.com")
    url = authorize_url(f"{auth_base}/oauth/v2/authorization", given.client_id, redirect, " ".join(scopes), state)
    code = authorize(url, redirect, state, prompter, paste=given.paste)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect,
        "client_id": given.client_id,
        "client_secret": given.client_secret,
    }
    with api_client(auth_base) as client:
        tokens = token_answer(client.post("/oauth/v2/accessToken", data=form), "the code")
    account = _account(given, str(tokens["access_token"]), author)
    values = {"POSTION_LINKEDIN_ACCESS_TOKEN": str(tokens["access_token"])}
    if tokens.get("refresh_token"):  # approved partners only
        values.update(
            POSTION_LINKEDIN_REFRESH_TOKEN=str(tokens["refresh_token"]),
            POSTION_LINKEDIN_CLIENT_ID=given.client_id,
            POSTION_LINKEDIN_CLIENT_SECRET=given.client_secret,
        )
    return Connected(values, account, expires_at(tokens, given.now), scopes=str(tokens.get("scope", "")).split(","))


def _account(given: FlowInput, token: str, author: str) -> str | None:
    """The member's name (OpenID userinfo), or the Page's (`GET /rest/organizations/{id}`)."""
    bearer = {"Authorization": f"Bearer {token}"}
    with api_client(given.api_base) as client:
        if not author.startswith("urn:li:organization:"):
            me = client.get("/v2/userinfo", headers=bearer)
            return str(me.json().get("name")) if me.status_code == 200 else None
        version = str(given.platform.options.get("version", DEFAULT_VERSION))
        headers = {**bearer, "LinkedIn-Version": version, "X-Restli-Protocol-Version": "2.0.0"}
        page = client.get(f"/rest/organizations/{author.rsplit(':', 1)[1]}", headers=headers)
    return str(page.json().get("localizedName") or author) if page.status_code == 200 else author
