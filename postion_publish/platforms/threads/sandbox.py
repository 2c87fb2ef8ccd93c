"""The sandbox's Threads: containers, publishing, permalinks, the publishing limit, token refresh.

Behaves as Meta's Graph API does for what the adapter uses (../shared/platforms.md §3,
developers.facebook.com/documentation/threads): the token as `access_token` parameter; Graph
error objects (code 190 for a bad token, 100 for a bad parameter); a container goes IN_PROGRESS →
FINISHED (an image container a little later), PUBLISHED once published, and publishing it twice
is refused; 500 characters with emoji counted as UTF-8 bytes; at most 5 links
(THREADS_API__LINK_LIMIT_EXCEEDED); 250 posts per 24 hours; `image_url` must be an http(s) URL;
a long-lived token may be refreshed once at least 24 hours old, and the old one keeps working
until its own expiry (unconfirmed for the real service). Token generations are kept in the store,
so a demo restarted from its data file accepts the token its last run saved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from postion_publish.platforms.threads import page as own_page
from postion_publish.sandbox.counting import CLUSTER, EMOJI
from postion_publish.sandbox.exchange import Failure, Request, Response, redirect
from postion_publish.sandbox.replies import issue_code, take_code, with_failures

if TYPE_CHECKING:
    from postion_publish.sandbox.server import Sandbox


# How the service counts a post (its own code's way, not the client's rule).
THREADS_LIMIT = 500


def threads_length(text: str) -> int:
    """An emoji counts its UTF-8 bytes."""
    return sum(len(cluster.encode()) if EMOJI.search(cluster) else len(cluster) for cluster in CLUSTER.findall(text))


@dataclass(frozen=True)
class Identity:
    """What this platform's sandbox accepts and who posts there (see `sandbox.exchange.Credentials`)."""

    threads_access_token: str = "sandbox-threads-token"
    threads_client_id: str = "1700000000000042"
    threads_client_secret: str = "sandbox-threads-app-secret"
    threads_user_id: str = "1800000000000001"
    threads_username: str = "postion.demo"


NAME = "threads"
TOKEN_TTL = 60 * 86400
MIN_REFRESH_AGE = 86400
POSTS_PER_DAY = 250
REPLIES_PER_DAY = 1000
IMAGE_READY_AFTER = 0.3  # seconds: an image container is not ready at once, as on the real service
_SIGNING_KEY = b"postion sandbox threads"
# A link as Meta counts one: with a scheme, or a bare domain (`www.example.com`, `example.com/a`).
_LINK = re.compile(r"(?:https?://)?(?<![\w@.])(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s<>\"]*)?", re.IGNORECASE)


def _same_link(link: str) -> str:
    return link.lower().split("://", 1)[-1].rstrip("/.,;:!?)")


def _error(status: int, message: str, code: int, subcode: int | None = None, **extra: Any) -> Response:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return Response(status, {"error": {**error, **extra}})


def _refuse(failure: Failure) -> Response:
    if failure.mode == "429":
        return _error(429, "Application request limit reached", 4, is_transient=True)
    if failure.mode == "auth":
        return _error(401, "Error validating access token: Session has expired.", 190, 463)
    return _error(500, "An unexpected error has occurred. Please retry your request later.", 2, is_transient=True)


def _state(sandbox: Sandbox) -> dict[str, Any]:
    with sandbox.lock:
        store: dict[str, Any] = sandbox.store[NAME]
        store.setdefault("containers", {})
        store.setdefault("posts", {})
        # generation → issue time; the token handed out in the environment is a month old
        store.setdefault("tokens", {"0": time.time() - 30 * 86400})
        return store


def _token(seed: str, generation: int) -> str:
    if generation == 0:
        return seed
    mark = hmac.new(_SIGNING_KEY, str(generation).encode(), hashlib.sha256).hexdigest()[:20]
    return f"{seed}.{generation}.{mark}"


def _issued(sandbox: Sandbox, token: str) -> tuple[int, float] | None:
    """The token's generation and issue time, if it is one of ours and still valid."""
    seed = sandbox.credentials.threads_access_token
    prefix, _, rest = token.partition(".")
    generation = 0 if token == seed else int(rest.split(".")[0]) if rest.split(".")[0].isdigit() else -1
    if generation < 0 or prefix != seed or not hmac.compare_digest(_token(seed, generation), token):
        return None
    issued = _state(sandbox)["tokens"].get(str(generation))
    if issued is None or time.time() > issued + TOKEN_TTL:
        return None
    return generation, float(issued)


def _params(request: Request) -> dict[str, str]:
    values = dict(request.query)
    if request.method == "POST" and request.body:
        values.update(parse_qsl(request.body.decode("utf-8", "replace")))
    return values


def _refresh(sandbox: Sandbox, params: dict[str, str]) -> Response:
    found = _issued(sandbox, params.get("access_token", ""))
    if params.get("grant_type") != "th_refresh_token":
        return _error(400, "Unsupported grant_type", 100)
    if found is None:
        return _error(400, "Error validating access token: Session has expired.", 190, 463)
    if time.time() - found[1] < MIN_REFRESH_AGE:
        return _error(400, "The access token is too new to be refreshed: try again once it is 24 hours old", 100)
    return _new_long_lived_token(sandbox)


def _new_long_lived_token(sandbox: Sandbox) -> Response:
    """A 60-day token of a new generation (a refresh or a fresh connection)."""
    with sandbox.lock:
        tokens = _state(sandbox)["tokens"]
        generation = max(int(key) for key in tokens) + 1
        tokens[str(generation)] = time.time()
    sandbox.save()
    token = _token(sandbox.credentials.threads_access_token, generation)
    return Response(200, {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_TTL})


def _authorize(sandbox: Sandbox, params: dict[str, str]) -> Response:
    """Consent given at once; Meta redirects to HTTPS addresses only."""
    target = params.get("redirect_uri", "")
    if params.get("client_id") != sandbox.credentials.threads_client_id:
        return _error(400, "Invalid platform app", 101)
    if not target.startswith("https://"):
        return _error(400, "redirect_uri must be an https:// address registered for the app", 191)
    if "threads_content_publish" not in params.get("scope", "") or not params.get("state"):
        return _error(400, "scope must include threads_content_publish, and state is required", 100)
    answer = redirect(target, code=issue_code(sandbox, NAME, {"redirect_uri": target}), state=params["state"])
    answer.headers["Location"] += "#_"  # as Meta does: the fragment is not part of the code
    return answer


def _short_lived(sandbox: Sandbox, params: dict[str, str]) -> Response:
    keys = sandbox.credentials
    if params.get("client_id") != keys.threads_client_id or params.get("client_secret") != keys.threads_client_secret:
        return _error(400, "Error validating client secret.", 1)
    grant = take_code(sandbox, NAME, params.get("code", ""))
    if grant is None or grant["redirect_uri"] != params.get("redirect_uri"):
        return _error(400, "Invalid verification code format.", 100)
    with sandbox.lock:
        sandbox.sessions[f"threads-short:{params['code']}"] = time.time()
    return Response(200, {"access_token": f"short-{params['code']}", "user_id": keys.threads_user_id})


def _long_lived(sandbox: Sandbox, params: dict[str, str]) -> Response:
    short = params.get("access_token", "").removeprefix("short-")
    with sandbox.lock:
        issued = sandbox.sessions.pop(f"threads-short:{short}", None)
    if params.get("grant_type") != "th_exchange_token" or issued is None or time.time() - issued > 3600:
        return _error(400, "Error validating access token: Session has expired.", 190, 463)
    if params.get("client_secret") != sandbox.credentials.threads_client_secret:
        return _error(400, "Error validating client secret.", 1)
    return _new_long_lived_token(sandbox)


def _user_matches(sandbox: Sandbox, user: str) -> bool:
    return user in ("me", sandbox.credentials.threads_user_id)


def _create_container(sandbox: Sandbox, params: dict[str, str]) -> Response:
    media_type = params.get("media_type")
    text = params.get("text", "")
    if media_type not in ("TEXT", "IMAGE"):
        return _error(400, "Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}", 100)
    if media_type == "TEXT" and not text:
        return _error(400, "Param text is required for TEXT posts", 100)
    if media_type == "IMAGE" and not re.match(r"https?://", params.get("image_url", "")):
        return _error(400, "Param image_url must be a public http(s) URL", 100)
    if media_type == "IMAGE" and params.get("link_attachment"):
        return _error(400, "link_attachment is only available for TEXT posts", 100)
    if threads_length(text) > THREADS_LIMIT:
        return _error(400, f"Param text must be at most {THREADS_LIMIT} characters long", 100)
    attached = params.get("link_attachment") or ""
    links = {_same_link(link) for link in _LINK.findall(text) + _LINK.findall(attached)}
    if len(links) > 5:
        return _error(400, "THREADS_API__LINK_LIMIT_EXCEEDED: a post can have at most 5 links", 100)
    reply_to = params.get("reply_to_id")
    state = _state(sandbox)
    if reply_to and reply_to not in state["posts"]:
        return _error(400, f"Param reply_to_id {reply_to} is not a post", 100)
    container = str(17890000000000000 + sandbox.next_id())
    with sandbox.lock:
        state["containers"][container] = {
            "id": container,
            "params": {k: v for k, v in params.items() if k != "access_token"},
            "created": time.time(),
            "status": "IN_PROGRESS",
        }
    sandbox.save()
    return Response(200, {"id": container})


def _container_status(sandbox: Sandbox, container: dict[str, Any]) -> str:
    status = str(container["status"])
    ready_after = IMAGE_READY_AFTER if container["params"].get("media_type") == "IMAGE" else 0.0
    if status == "IN_PROGRESS" and time.time() - container["created"] >= ready_after:
        status = container["status"] = "FINISHED"
    if status == "FINISHED" and time.time() - container["created"] > 86400:
        status = container["status"] = "EXPIRED"
    return status


def _quota(sandbox: Sandbox, replies: bool) -> int:
    day_ago = time.time() - 86400
    posts = _state(sandbox)["posts"].values()
    return sum(1 for p in posts if p["seq"] > day_ago and bool(p.get("reply_to")) == replies)


def _publish(sandbox: Sandbox, request: Request, params: dict[str, str]) -> Response:
    state = _state(sandbox)
    with sandbox.lock:
        container = state["containers"].get(params.get("creation_id", ""))
        status = _container_status(sandbox, container) if container else None
    if container is None:
        return _error(400, "Param creation_id is not a valid container", 100)
    if status == "PUBLISHED":
        return _error(400, "The media has already been published", 100, 2207006)
    if status != "FINISHED":
        return _error(400, f"The container is not ready to be published ({status})", 9007, 2207027)
    replying = bool(container["params"].get("reply_to_id"))
    if _quota(sandbox, replying) >= (REPLIES_PER_DAY if replying else POSTS_PER_DAY):
        return _error(400, "The user has reached the publishing limit for the last 24 hours", 9, 2207042)

    def work() -> Response:
        wanted = container["params"]
        media_id = str(18000000000000000 + sandbox.next_id())
        with sandbox.lock:
            container["status"] = "PUBLISHED"
            state["posts"][media_id] = {
                "id": media_id,
                "container": container["id"],
                "text": wanted.get("text", ""),
                "media_type": wanted["media_type"],
                "image_url": wanted.get("image_url"),
                "alt_text": wanted.get("alt_text"),
                "link_attachment": wanted.get("link_attachment"),
                "reply_to": wanted.get("reply_to_id"),
                "shortcode": "C" + hashlib.sha256(media_id.encode()).hexdigest()[:10],
                "timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
                "seq": time.time(),
            }
        sandbox.save()
        return Response(200, {"id": media_id})

    return with_failures(sandbox, NAME, request, _refuse, work)


def _permalink(sandbox: Sandbox, post: dict[str, Any]) -> str:
    return f"{sandbox.platform_url(NAME)}/@{sandbox.credentials.threads_username}/post/{post['shortcode']}"


def _get_object(sandbox: Sandbox, object_id: str) -> Response:
    state = _state(sandbox)
    with sandbox.lock:
        if (container := state["containers"].get(object_id)) is not None:
            return Response(200, {"id": object_id, "status": _container_status(sandbox, container)})
        post = state["posts"].get(object_id)
    if post is None:
        return _error(400, f"Unsupported get request. Object with ID '{object_id}' does not exist", 100, 33)
    return Response(200, {"id": object_id, "permalink": _permalink(sandbox, post)})


def _limits(sandbox: Sandbox) -> Response:
    usage = {
        "quota_usage": _quota(sandbox, False),
        "config": {"quota_total": POSTS_PER_DAY, "quota_duration": 86400},
        "reply_quota_usage": _quota(sandbox, True),
        "reply_config": {"quota_total": REPLIES_PER_DAY, "quota_duration": 86400},
    }
    return Response(200, {"data": [usage]})


def _user_posts(sandbox: Sandbox) -> Response:
    with sandbox.lock:
        posts = sorted(_state(sandbox)["posts"].values(), key=lambda p: -p["seq"])
    data = [
        {"id": p["id"], "text": p["text"], "timestamp": p["timestamp"], "permalink": _permalink(sandbox, p)}
        for p in posts[:25]
    ]
    return Response(200, {"data": data})


def settings(sandbox: Sandbox) -> dict[str, Any]:
    base = sandbox.platform_url(NAME)
    return {"api_base": base, "auth_base": base}


def environment(sandbox: Sandbox) -> dict[str, str]:
    return {"POSTION_THREADS_ACCESS_TOKEN": sandbox.credentials.threads_access_token}


def connect_environment(sandbox: Sandbox) -> dict[str, str]:
    """The app `postion connect threads` authorizes with, as the sandbox accepts it."""
    keys = sandbox.credentials
    return {
        "POSTION_THREADS_CLIENT_ID": keys.threads_client_id,
        "POSTION_THREADS_CLIENT_SECRET": keys.threads_client_secret,
    }


def texts(store: dict[str, Any]) -> list[str]:
    return [post["text"] for post in store.get(NAME, {}).get("posts", {}).values()]


def articles(sandbox: Sandbox) -> list[str]:
    return own_page.timeline(sandbox)


def handle(sandbox: Sandbox, request: Request) -> Response:
    method, path = request.method, request.path
    page = re.fullmatch(r"/@[\w.]+/post/(\w+)", path)
    if page and method == "GET":
        return own_page.post_page(sandbox, page.group(1))
    params = _params(request)
    if method == "GET" and path == "/refresh_access_token":
        return _refresh(sandbox, params)
    if method == "GET" and path == "/oauth/authorize":
        return _authorize(sandbox, params)
    if method == "POST" and path == "/oauth/access_token":
        return _short_lived(sandbox, params)
    if method == "GET" and path == "/access_token":
        return _long_lived(sandbox, params)
    if _issued(sandbox, params.get("access_token", "")) is None:
        return _error(400, "Invalid OAuth access token - Cannot parse access token", 190)
    if method == "GET" and path == "/v1.0/me":
        keys = sandbox.credentials
        return Response(200, {"id": keys.threads_user_id, "username": keys.threads_username})
    route = re.fullmatch(r"/v1\.0/([\w.]+)/(threads|threads_publish|threads_publishing_limit)", path)
    if route and _user_matches(sandbox, route.group(1)):
        action = (method, route.group(2))
        if action == ("POST", "threads"):
            return with_failures(sandbox, NAME, request, _refuse, lambda: _create_container(sandbox, params))
        if action == ("POST", "threads_publish"):
            return _publish(sandbox, request, params)
        if action == ("GET", "threads_publishing_limit"):
            return _limits(sandbox)
        if action == ("GET", "threads"):
            return _user_posts(sandbox)
    item = re.fullmatch(r"/v1\.0/(\d+)", path)
    if item and method == "GET":
        return _get_object(sandbox, item.group(1))
    return _error(400, f"Unknown path components: {path}", 2500)
