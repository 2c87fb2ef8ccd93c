"""`postion connect P`: an account connected once, its credentials put in a token store (the
repository's secrets or the local token file), its metadata (never a token) in the ledger.

- X, LinkedIn: OAuth 2.0 authorization code in the user's browser, `state` checked, back to a
  one-shot server on 127.0.0.1 that answers "connected" and stops. PKCE where the platform has it
  (X always). Where no browser can open (SSH, a container) or with `--paste`: the user pastes the
  URL the browser was sent to.
- Threads: Meta allows HTTPS redirects only, so the paste flow always: a short-lived token, then
  the 60-day one.
- X with OAuth 1.0a keys, Bluesky (handle + app password, checked by a session), Mastodon (an app
  registered on the instance, then OAuth), Discord (a webhook URL, checked with a GET, never a
  post).

PKCE's verifier and challenge and the token request body come from oauthlib; the authorize URLs
are built here (oauthlib refuses an http URL, and the sandbox is one), and the callback's `state`
is compared here, in constant time.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import threading
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from oauthlib.oauth2 import WebApplicationClient

from postion_publish.adapters import USER_AGENT
from postion_publish.adapters.x import OAuth1, client_authentication
from postion_publish.answers import BoundedClient
from postion_publish.config import PlatformSettings
from postion_publish.errors import AuthExpired, BadInput, PostionError
from postion_publish.inert import one_line
from postion_publish.urls import split_url

CALLBACK_PATH = "/callback"
DEFAULT_PORT = 8976
WAIT_SECONDS = 300.0
X_SCOPES = ["tweet.read", "tweet.write", "users.read", "media.write", "offline.access"]
LINKEDIN_MEMBER_SCOPES = ["openid", "profile", "w_member_social"]
LINKEDIN_PAGE_SCOPES = ["openid", "profile", "w_organization_social"]
THREADS_SCOPES = "threads_basic,threads_content_publish,threads_manage_replies"
MASTODON_SCOPES = "write:statuses write:media read:accounts"
APP_PASSWORD = re.compile(r"^[a-z0-9]{4}(-[a-z0-9]{4}){3}$")


class ConnectFailed(PostionError):
    """The flow did not complete (refused, wrong state, timed out): nothing was stored."""


@dataclass
class Connected:
    """What a flow produced: values for the store (named as the environment variables) and what
    the ledger records about the connection."""

    values: dict[str, str]
    account: str | None = None
    expires: dt.datetime | None = None
    method: str = "oauth2"
    scopes: list[str] = field(default_factory=list)


@dataclass
class Prompter:
    """How a flow talks to the user: tests script it."""

    say: Callable[[str], None]
    ask: Callable[[str], str]
    ask_secret: Callable[[str], str]
    open_browser: Callable[[str], bool] = webbrowser.open


# --- the browser round trip --------------------------------------------------------------------


class _Callback(HTTPServer):
    query: dict[str, str] | None = None


def _callback_server(port: int, state: str) -> _Callback:
    """The loopback server the browser comes back to. An answer without this request's `state`
    (another tab, a page that forged the link) is answered and ignored: the flow goes on waiting
    for the real one. A connection that sends nothing is dropped after a few seconds."""

    class Handler(BaseHTTPRequestHandler):
        timeout = 5.0  # seconds a connection may stay idle: an idle one never blocks the real answer

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != CALLBACK_PATH:
                self.send_error(404)
                return
            assert isinstance(self.server, _Callback)
            query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
            if not hmac.compare_digest(query.get("state", ""), state):
                self.send_error(400, "not the answer postion waits for (its state does not match)")
                return
            self.server.query = query
            page = (
                b"<!doctype html><meta charset=utf-8><title>postion</title><p>connected &mdash; you can close this tab."
            )
            if "error" in self.server.query:
                page = b"<!doctype html><meta charset=utf-8><title>postion</title><p>not connected: see the terminal."
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    try:
        return _Callback(("127.0.0.1", port), Handler)
    except OSError as error:
        raise ConnectFailed(f"cannot listen on 127.0.0.1:{port} ({error.strerror}): use --port or --paste") from None


def authorize_url(endpoint: str, client_id: str, redirect_uri: str, scope: str, state: str, **extra: str) -> str:
    """An authorization code request (RFC 6749 §4.1.1), with any extra parameters (PKCE)."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
        **extra,
    }
    return f"{endpoint}?{urlencode(query)}"


def authorize(url: str, redirect_uri: str, state: str, prompter: Prompter, *, paste: bool) -> str:
    """Send the user to `url`; return the authorization code the platform redirected back with,
    after checking `state`. Loopback: a one-shot server; paste: the URL the user copies."""
    query: dict[str, str] | None = None
    _refused_at_once(url)
    if not paste and urlsplit(redirect_uri).hostname == "127.0.0.1":
        server = _callback_server(urlsplit(redirect_uri).port or DEFAULT_PORT, state)
        server.timeout = 1.0
        thread = threading.Thread(target=lambda: _serve_once(server), daemon=True)
        thread.start()
        prompter.say(f"Opening your browser to authorize postion. If it does not open, visit:\n  {url}")
        if prompter.open_browser(url):
            thread.join(WAIT_SECONDS)
            query = server.query
            server.server_close()
            if query is None:
                raise ConnectFailed(f"no answer from the browser within {WAIT_SECONDS:g} s: try again, or --paste")
        else:
            server.server_close()
    if query is None:
        prompter.say(f"Open this address in a browser, authorize, then paste the address it sends you to:\n  {url}")
        pasted = prompter.ask("The address you were sent to").strip()
        parts = split_url(pasted)  # None: nothing urllib can read, so no code in it either
        query = {key: values[-1] for key, values in parse_qs(parts.query if parts else "").items()}
    if "error" in query:
        said = one_line(query.get("error_description") or query["error"])[:300]  # the server's words, inert
        raise ConnectFailed(f"authorization refused: {said}")
    if not hmac.compare_digest(query.get("state", ""), state):
        raise ConnectFailed("the answer's state does not match this request (another tab, or a forged link): try again")
    if not query.get("code"):
        raise ConnectFailed("the answer holds no authorization code")
    return query["code"]


def _refused_at_once(url: str) -> None:
    """Ask the authorization page once, before the browser: a platform that refuses the request
    outright (an unknown client id, a redirect not registered: a 4xx) would show that page and never
    come back, and the flow would wait for nothing. Anything else (a login page, a redirect, no
    answer) is the browser's to show."""
    try:
        with _client("") as client:
            response = client.get(url, timeout=10.0)
    except httpx.HTTPError:
        return
    if 400 <= response.status_code < 500:
        try:
            data = response.json()
        except ValueError:
            data = {}
        reason = ""
        if isinstance(data, dict):
            found = data.get("error_description") or data.get("detail") or data.get("message") or data.get("error")
            reason = f": {one_line(str(found))[:200]}" if found else ""
        raise ConnectFailed(
            f"the authorization request was refused ({response.status_code}{reason}): check the client id "
            "(--client-id or POSTION_<P>_CLIENT_ID) and that the app lists the redirect address"
        )


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on now, chosen by the system."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_once(server: _Callback) -> None:
    import time

    deadline = time.monotonic() + WAIT_SECONDS
    while server.query is None and time.monotonic() < deadline:
        server.handle_request()


# --- HTTP helpers ------------------------------------------------------------------------------


def _client(base: str) -> httpx.Client:
    return BoundedClient(base_url=base, timeout=30.0, headers={"User-Agent": USER_AGENT}, follow_redirects=False)


def _json(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code != 200 or not isinstance(data, dict):
        reason = (
            data.get("error_description") or data.get("message") or data.get("error")
            if isinstance(data, dict)
            else None
        )
        if isinstance(reason, dict):
            reason = reason.get("message")
        said = one_line(str(reason or response.reason_phrase))[:300]  # the server's words, inert
        raise ConnectFailed(f"{what} was refused ({response.status_code}: {said})")
    return data


def _expires(data: Mapping[str, Any], now: dt.datetime) -> dt.datetime | None:
    seconds = data.get("expires_in")
    return now + dt.timedelta(seconds=float(seconds)) if isinstance(seconds, int | float) else None


def _option(settings: PlatformSettings, key: str, default: str) -> str:
    return str(settings.options.get(key) or default).rstrip("/")


# --- the flows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowInput:
    platform: PlatformSettings
    api_base: str
    client_id: str | None
    client_secret: str | None
    port: int | None  # None: the flow's own choice (a random one where the platform allows any)
    paste: bool
    now: dt.datetime


def connect_x(given: FlowInput, prompter: Prompter, *, oauth1: bool = False) -> Connected:
    if oauth1:
        keys = {
            name: prompter.ask_secret(name)
            for name in (
                "POSTION_X_API_KEY",
                "POSTION_X_API_SECRET",
                "POSTION_X_ACCESS_TOKEN",
                "POSTION_X_ACCESS_SECRET",
            )
        }
        with _client(given.api_base) as client:
            me = client.get("/2/users/me", auth=OAuth1(*keys.values()))
        if me.status_code != 200:
            raise AuthExpired("x", f"the keys were refused ({me.status_code}): check them in the developer portal")
        return Connected(keys, f"@{me.json()['data']['username']}", method="oauth1")
    if not given.client_id:
        raise BadInput("X needs the app's client id: --client-id (or POSTION_X_CLIENT_ID)")
    # X allows only the callback URLs registered in the app, port included: the usual one, or --port.
    redirect = f"http://127.0.0.1:{given.port or DEFAULT_PORT}{CALLBACK_PATH}"
    oauth = WebApplicationClient(given.client_id)
    verifier = oauth.create_code_verifier(64)
    state = secrets.token_urlsafe(24)
    auth_base = _option(given.platform, "auth_base", "https://x.com/i")
    challenge = oauth.create_code_challenge(verifier, "S256")
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}
    url = authorize_url(f"{auth_base}/oauth2/authorize", given.client_id, redirect, " ".join(X_SCOPES), state, **pkce)
    code = authorize(url, redirect, state, prompter, paste=given.paste)
    body = oauth.prepare_request_body(code=code, redirect_uri=redirect, code_verifier=verifier, include_client_id=True)
    with _client(given.api_base) as client:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        headers.update(client_authentication(given.client_id, given.client_secret))
        tokens = _json(client.post("/2/oauth2/token", content=body, headers=headers), "the code")
        me = client.get("/2/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    if not tokens.get("refresh_token"):
        raise ConnectFailed("X gave no refresh token: the app must allow offline.access")
    values = {
        "POSTION_X_CLIENT_ID": given.client_id,
        "POSTION_X_REFRESH_TOKEN": str(tokens["refresh_token"]),
        "POSTION_X_ACCESS_TOKEN": str(tokens["access_token"]),
    }
    if given.client_secret:
        values["POSTION_X_CLIENT_SECRET"] = given.client_secret
    account = f"@{me.json()['data']['username']}" if me.status_code == 200 else None
    return Connected(values, account, scopes=str(tokens.get("scope", "")).split())


def connect_linkedin(given: FlowInput, prompter: Prompter) -> Connected:
    if not given.client_id:
        raise BadInput("LinkedIn needs the app's client id: --client-id (or POSTION_LINKEDIN_CLIENT_ID)")
    given = _with_secret(given, prompter, "LinkedIn", "POSTION_LINKEDIN_CLIENT_SECRET")
    assert given.client_id is not None and given.client_secret is not None  # checked, or asked for
    author = str(given.platform.options.get("author", ""))
    scopes = LINKEDIN_PAGE_SCOPES if author.startswith("urn:li:organization:") else LINKEDIN_MEMBER_SCOPES
    # LinkedIn allows only the redirect URLs registered in the app, port included: the usual one, or --port.
    redirect = f"http://127.0.0.1:{given.port or DEFAULT_PORT}{CALLBACK_PATH}"
    state = secrets.token_urlsafe(24)
    auth_base = _option(given.platform, "auth_base", "https://www.linkedin.com")
    url = authorize_url(f"{auth_base}/oauth/v2/authorization", given.client_id, redirect, " ".join(scopes), state)
    code = authorize(url, redirect, state, prompter, paste=given.paste)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect,
        "client_id": given.client_id,
        "client_secret": given.client_secret,
    }
    with _client(auth_base) as client:
        tokens = _json(client.post("/oauth/v2/accessToken", data=form), "the code")
    with _client(given.api_base) as client:
        me = client.get("/v2/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    values = {"POSTION_LINKEDIN_ACCESS_TOKEN": str(tokens["access_token"])}
    if tokens.get("refresh_token"):  # approved partners only
        values.update(
            POSTION_LINKEDIN_REFRESH_TOKEN=str(tokens["refresh_token"]),
            POSTION_LINKEDIN_CLIENT_ID=given.client_id,
            POSTION_LINKEDIN_CLIENT_SECRET=given.client_secret,
        )
    account = str(me.json().get("name")) if me.status_code == 200 else None
    return Connected(values, account, _expires(tokens, given.now), scopes=str(tokens.get("scope", "")).split(","))


def connect_threads(given: FlowInput, prompter: Prompter) -> Connected:
    if not given.client_id:
        raise BadInput("Threads needs the app's Threads app id: --client-id (or POSTION_THREADS_CLIENT_ID)")
    given = _with_secret(given, prompter, "Threads", "POSTION_THREADS_CLIENT_SECRET")
    assert given.client_id is not None and given.client_secret is not None  # checked, or asked for
    port = given.port or DEFAULT_PORT
    redirect = str(given.platform.options.get("redirect_uri") or f"https://127.0.0.1:{port}{CALLBACK_PATH}")
    state = secrets.token_urlsafe(24)
    auth_base = _option(given.platform, "auth_base", "https://www.threads.com")
    url = authorize_url(f"{auth_base}/oauth/authorize", given.client_id, redirect, THREADS_SCOPES, state)
    # Meta redirects to HTTPS only: no loopback server can answer it, so the user pastes the address.
    code = authorize(url, redirect, state, prompter, paste=True)
    with _client(given.api_base) as client:
        form = {
            "client_id": given.client_id,
            "client_secret": given.client_secret,
            "grant_type": "authorization_code",
            "redirect_uri": redirect,
            "code": code,
        }
        short = _json(client.post("/oauth/access_token", data=form), "the code")
        params = {
            "grant_type": "th_exchange_token",
            "client_secret": given.client_secret,
            "access_token": short["access_token"],
        }
        long = _json(client.get("/access_token", params=params), "the exchange for a long-lived token")
        me = client.get("/v1.0/me", params={"fields": "id,username", "access_token": long["access_token"]})
    account = f"@{me.json().get('username')}" if me.status_code == 200 else None
    values = {"POSTION_THREADS_ACCESS_TOKEN": str(long["access_token"])}
    return Connected(values, account, _expires(long, given.now), scopes=THREADS_SCOPES.split(","))


def connect_bluesky(given: FlowInput, prompter: Prompter) -> Connected:
    handle = str(given.platform.options.get("handle") or prompter.ask("Your Bluesky handle")).lstrip("@")
    password = prompter.ask_secret("An app password (Settings → Privacy and security → App passwords)").strip()
    if not APP_PASSWORD.match(password):
        prompter.say(
            "warning: this does not look like an app password (xxxx-xxxx-xxxx-xxxx). Never give your account's "
            "main password: create an app password, which you can revoke on its own."
        )
    with _client(given.api_base) as client:
        response = client.post(
            "/xrpc/com.atproto.server.createSession", json={"identifier": handle, "password": password}
        )
    if response.status_code != 200:
        raise AuthExpired("bluesky", f"the app password for {handle} was refused ({response.status_code})")
    return Connected(
        {"POSTION_BLUESKY_APP_PASSWORD": password}, f"@{response.json().get('handle', handle)}", method="app password"
    )


def _with_secret(given: FlowInput, prompter: Prompter, name: str, variable: str) -> FlowInput:
    """The app's secret: given (`--client-secret`, or the environment), else asked for, unseen. A
    secret on the command line is visible to other users of the machine (`ps`): the environment
    variable or the prompt is the way to give it."""
    if given.client_secret:
        return given
    secret = prompter.ask_secret(f"{name} app secret ({variable}; it is not shown)").strip()
    if not secret:
        raise BadInput(f"{name} needs the app's secret: set {variable}, or type it when asked")
    return replace(given, client_secret=secret)


def connect_discord(given: FlowInput, prompter: Prompter) -> Connected:
    url = prompter.ask_secret("The webhook URL (Server settings → Integrations → Webhooks → Copy URL)").strip()
    loopback = re.match(r"http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])[:/]", url)
    if url.startswith("http://") and not loopback:  # the URL is the credential: never in the clear
        raise BadInput(
            "the webhook URL must start with https:// (Discord's do): an http:// one would travel in the clear"
        )
    if not re.match(r"https?://", url):
        raise BadInput("a webhook URL starts with https://")
    with _client("") as client:
        response = client.get(url)  # a GET, never a post
    if response.status_code != 200:
        raise AuthExpired("discord", f"the webhook was refused ({response.status_code}): copy its URL again")
    return Connected(
        {"POSTION_DISCORD_WEBHOOK_URL": url}, str(response.json().get("name") or "") or None, method="webhook"
    )


def connect_mastodon(given: FlowInput, prompter: Prompter) -> Connected:
    # The app is registered here with its redirect: any port will do, so a random one (a port known
    # in advance is one another local program could take first) unless --port says.
    redirect = f"http://127.0.0.1:{given.port or free_port()}{CALLBACK_PATH}"
    with _client(given.api_base) as client:
        app = _json(
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
        tokens = _json(client.post("/oauth/token", data=form), "the code")
        me = client.get(
            "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
    account = f"@{me.json().get('acct')}" if me.status_code == 200 else None
    return Connected({"POSTION_MASTODON_TOKEN": str(tokens["access_token"])}, account, scopes=MASTODON_SCOPES.split())


FLOWS: dict[str, Callable[..., Connected]] = {
    "x": connect_x,
    "linkedin": connect_linkedin,
    "threads": connect_threads,
    "bluesky": connect_bluesky,
    "discord": connect_discord,
    "mastodon": connect_mastodon,
}
