"""What a platform is, in the terms generic code asks about: its names, configuration keys,
credentials, limits, image rules, refresh policy, AI style, connect flow, and the modules (named
`module:attribute`, imported on first use) that count, publish, connect and emulate it. Each
platform's folder (`platforms/<name>/spec.py`) holds one; `core.registry` finds them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol

from postion_publish.core.checks import Check, is_bool, is_cap, is_duration, is_http_url, is_str
from postion_publish.core.media import ImageLimits

if TYPE_CHECKING:
    from postion_publish.core.captions.rules import LengthRule


class _WithApiBase(Protocol):
    """A platform's settings (`core.config.PlatformSettings`), as far as its endpoint needs them."""

    @property
    def api_base(self) -> str | None: ...


@dataclass(frozen=True)
class Cap:
    """At most `limit` posts in any `window` (a rolling one)."""

    limit: int
    window: dt.timedelta
    what: str  # as the platform says it: "posts per 24 hours"


COMMON_KEYS: dict[str, Check] = {
    "enabled": is_bool,
    "template": is_str,
    "thread": is_bool,
    "api_base": is_http_url,
    "delay": is_duration,  # this platform's own delay before announcing (else the top-level one)
    "syndication": is_bool,  # its links shown on the post's page (default: where the platform's are public)
    "cap": is_cap,  # your plan's own cap, e.g. X's posts a month on your API tier: "500 per 30d"
}


@dataclass(frozen=True)
class PlatformSpec:
    name: str  # in postion.yml, `--platform`, `skip:`, the state and the ledger
    display: str  # for people: reports, summaries, comments
    rule: str  # "module:attribute": a LengthRule, or a function of the platform's options giving one
    keys: Mapping[str, Check] = field(default_factory=dict)  # the platform's own keys in postion.yml
    required: tuple[str, ...] = ()
    api_base_key: str = "api_base"  # as the platform itself calls it (Bluesky `service`, Mastodon `instance`)
    default_api_base: str | None = None
    # The environment variables it reads: alternatives, each a set that must be complete.
    credentials: tuple[tuple[str, ...], ...] = ()
    adapter: str | None = None  # "module:function" building its adapter; None: not in this version
    # The option holding the length limit, where each server sets its own (asked by the adapter's
    # `character_limit()` unless the config sets it).
    server_limit_key: str | None = None
    # Its module in the sandbox: `handle(sandbox, request)` answers its API, `Identity` says what it
    # accepts, `articles(sandbox)` is its timeline on the sandbox's page; `settings(sandbox)`,
    # `environment(sandbox)` and `texts(store)` serve the demo, the tests and the crash test.
    sandbox: str | None = None
    # What `disconnect` cannot revoke through the API, for the user to do by hand: where in the
    # platform's own settings the connection is taken away.
    revoke_by_hand: str = "in the platform's settings for connected apps"
    # Where its requests go when that is a credential, not a key of postion.yml (a webhook URL).
    endpoint_variable: str | None = None
    # Whether it shows the post's link card (a card, embed or link attachment) and, if so, beside an
    # attached image too: where neither, only a link in the caption leads readers to the post.
    link_card: bool = True
    # Whether anyone can open its posts' links (a Discord channel may be private): the site shows
    # them as the post's copies (`syndication:` in postion.yml says otherwise).
    public_links: bool = True
    # How `{{ mention('rosa') }}` writes a person of `people:` here: `{handle}` is their handle on
    # this platform (a leading @ taken off), `{name}` their name. Discord: the name, which pings no one.
    mention_format: str = "@{handle}"
    # The platform's known caps on posts (Threads: 250 per rolling 24 hours), counted from the
    # ledger's history: `plan` warns, and `publish` holds back what would exceed them.
    caps: tuple[Cap, ...] = ()
    # `postion backfeed`: "module:function" reading a live copy's replies, reposts and likes
    # (async, given the platform's settings, the state's record and the request deadline, in
    # seconds; it makes and closes its own client); None: the platform has none to read.
    backfeed: str | None = None
    card_beside_image: bool = False
    card_picture_alt: bool = False  # the card's picture goes with the post's alt text (an attachment)
    max_card_title: int | None = None  # characters of the card's title it shows: longer is cut
    # Whether it downloads an image from the live site itself (nothing converts it on the way).
    downloads_images: bool = False
    # Its line in the starter postion.yml (`postion init`), e.g. `{handle: me.example.com}`; None: left out.
    starter: str | None = None
    # Where it sits in lists and reports (the order users have always seen).
    position: int = 100
    # Its image rules, checked by its adapter (and, later, the plan).
    images: ImageLimits | None = None
    # For the AI captions: how a post on it reads.
    ai_style: str = ""
    hashtags: bool = True  # the deterministic caption ends with the post's tags as hashtags
    # `postion connect` and `disconnect`: "module:function", `(FlowInput, Prompter) -> Connected` and
    # `(PlatformSettings | None, held values, by-hand advice) -> lines said`; None: none / by hand.
    connect: str | None = None
    revoke: str | None = None
    # `tokens refresh`: whether its adapter can renew the credential, why not where it cannot, and
    # how long a refreshed one lives where the platform says.
    refreshable: bool = False
    not_refreshable: str = "nothing to refresh"
    lifetime_after_refresh: dt.timedelta | None = None

    def endpoint(self, options: _WithApiBase, environ: Mapping[str, str]) -> str:
        """The address its posts are sent to, as far as config and environment tell."""
        if self.endpoint_variable and environ.get(self.endpoint_variable):
            return environ[self.endpoint_variable].strip()
        return options.api_base or self.default_api_base or ""

    def sandbox_module(self) -> Any:
        return import_module(self.sandbox) if self.sandbox else None

    def length_rule(self, options: Mapping[str, Any]) -> LengthRule:
        found = _load(self.rule)
        rule: LengthRule = found(options) if callable(found) else found
        return rule

    def adapter_builder(self) -> Callable[..., Any] | None:
        builder: Callable[..., Any] | None = _load(self.adapter) if self.adapter else None
        return builder

    def backfeed_reader(self) -> Callable[..., Any] | None:
        reader: Callable[..., Any] | None = _load(self.backfeed) if self.backfeed else None
        return reader

    def connect_flow(self) -> Callable[..., Any] | None:
        flow: Callable[..., Any] | None = _load(self.connect) if self.connect else None
        return flow

    def revoker(self) -> Callable[..., list[str]] | None:
        revoke: Callable[..., list[str]] | None = _load(self.revoke) if self.revoke else None
        return revoke


@cache  # once per reference: every job of a plan asks for its platform's rule
def _load(reference: str) -> Any:
    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)
