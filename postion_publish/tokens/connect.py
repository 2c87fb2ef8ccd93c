"""`postion connect P`: what every platform's flow (`platforms/<name>/connect.py`) shares: the
browser round trip (OAuth 2.0 authorization code, `state` checked, a one-shot loopback server or
the pasted address), the bounded client and the reading of token answers. An account is connected
once, its credentials put in a token store (the repository's secrets or the local token file), its
metadata (never a token) in the ledger.

The browser comes back to a one-shot server on 127.0.0.1 that answers "connected" and stops;
where no browser can open (SSH, a container) or with `--paste`, the user pastes the address the
browser was sent to. Each platform's folder says which of these it uses, and its scopes.

PKCE's verifier and challenge and the token request bodies come from oauthlib (in the flows); the
authorize URLs are built here (oauthlib refuses an http URL, and the sandbox is one), and the
callback's `state` is compared here, in constant time.
"""

from __future__ import annotations

import datetime as dt
import hmac
import threading
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from postion_publish.core.config import PlatformSettings
from postion_publish.core.errors import BadInput, PostionError
from postion_publish.core.inert import one_line
from postion_publish.core.urls import split_url
from postion_publish.net.answers import BoundedClient
from postion_publish.net.client import USER_AGENT

CALLBACK_PATH = "/callback"
DEFAULT_PORT = 8976
WAIT_SECONDS = 300.0


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
        with api_client("") as client:
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


def api_client(base: str) -> httpx.Client:
    return BoundedClient(base_url=base, timeout=30.0, headers={"User-Agent": USER_AGENT}, follow_redirects=False)


def token_answer(response: httpx.Response, what: str) -> dict[str, Any]:
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


def expires_at(data: Mapping[str, Any], now: dt.datetime) -> dt.datetime | None:
    seconds = data.get("expires_in")
    return now + dt.timedelta(seconds=float(seconds)) if isinstance(seconds, int | float) else None


def option(settings: PlatformSettings, key: str, default: str) -> str:
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
    legacy_keys: bool = False  # `connect --oauth1`: the platform's older key-based method, where it has one


def with_secret(given: FlowInput, prompter: Prompter, name: str, variable: str) -> FlowInput:
    """The app's secret: given (`--client-secret`, or the environment), else asked for, unseen. A
    secret on the command line is visible to other users of the machine (`ps`): the environment
    variable or the prompt is the way to give it."""
    if given.client_secret:
        return given
    secret = prompter.ask_secret(f"{name} app secret ({variable}; it is not shown)").strip()
    if not secret:
        raise BadInput(f"{name} needs the app's secret: set {variable}, or type it when asked")
    return replace(given, client_secret=secret)
