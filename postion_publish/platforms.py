"""Every platform, described once: its names, its configuration keys, the credentials it reads, how
it counts a message and which module publishes to it.

Config validation, `skip:`, the CLI's `--platform`, the reports, the length rules and
`build_adapter` all read this registry. Rules and adapters are named as `module:attribute` and
imported on first use, so that `postion plan` loads no network code.

Adding a platform: its rule module (`captions/rules/`), its adapter module (`adapters/`, with a
`build` function), its sandbox module, one entry below, and its own test file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from postion_publish.checks import Check, int_between, is_bool, is_http_url, is_str, is_str_list, one_of

if TYPE_CHECKING:
    from postion_publish.captions.rules import LengthRule
    from postion_publish.config import PlatformSettings


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
    # Its module in the sandbox: `handle(sandbox, request)` answers its API; `settings(sandbox)`,
    # `environment(sandbox)` and `texts(store)` serve the demo, the tests and the crash test.
    sandbox: str | None = None
    # What `disconnect` cannot revoke through the API, for the user to do by hand: where in the
    # platform's own settings the connection is taken away.
    revoke_by_hand: str = "in the platform's settings for connected apps"
    # Where its requests go when that is a credential, not a key of postion.yml (a webhook URL).
    endpoint_variable: str | None = None

    def endpoint(self, options: PlatformSettings, environ: Mapping[str, str]) -> str:
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


@cache  # once per reference: every job of a plan asks for its platform's rule
def _load(reference: str) -> Any:
    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)


COMMON_KEYS: dict[str, Check] = {"enabled": is_bool, "template": is_str, "thread": is_bool, "api_base": is_http_url}
_RULES = "postion_publish.captions.rules"

_REGISTRY: dict[str, PlatformSpec] = {
    spec.name: spec
    for spec in (
        PlatformSpec(
            "x",
            "X",
            rule=f"{_RULES}.x:RULE",
            keys={"username": is_str, "web_base": is_http_url, "auth_base": is_http_url},
            default_api_base="https://api.x.com",
            credentials=(
                ("POSTION_X_CLIENT_ID", "POSTION_X_REFRESH_TOKEN"),
                ("POSTION_X_API_KEY", "POSTION_X_API_SECRET", "POSTION_X_ACCESS_TOKEN", "POSTION_X_ACCESS_SECRET"),
            ),
            adapter="postion_publish.adapters.x:build",
            sandbox="postion_publish.sandbox.x",
            revoke_by_hand=(
                "Settings → Security and account access → Apps and sessions → Connected apps (OAuth 1.0a keys: "
                "regenerate them in the developer portal, your app → Keys and tokens)"
            ),
        ),
        PlatformSpec(
            "bluesky",
            "Bluesky",
            rule=f"{_RULES}.bluesky:RULE",
            keys={"handle": is_str, "service": is_http_url, "web_base": is_http_url, "langs": is_str_list},
            required=("handle",),
            api_base_key="service",
            default_api_base="https://bsky.social",
            credentials=(("POSTION_BLUESKY_APP_PASSWORD",),),
            adapter="postion_publish.adapters.bluesky:build",
            sandbox="postion_publish.sandbox.bluesky",
            revoke_by_hand="delete the app password in Settings → Privacy and security → App passwords",
        ),
        PlatformSpec(
            "mastodon",
            "Mastodon",
            rule=f"{_RULES}.mastodon:rule_for_options",
            keys={
                "instance": is_http_url,
                "max_characters": int_between(1, 100_000),
                "visibility": one_of("public", "unlisted", "private", "direct"),
                "language": is_str,
            },
            required=("instance",),
            api_base_key="instance",
            credentials=(("POSTION_MASTODON_TOKEN",),),
            adapter="postion_publish.adapters.mastodon:build",
            sandbox="postion_publish.sandbox.mastodon",
            revoke_by_hand="Preferences → Account → Authorized apps (or Development, for an app you made): revoke it",
            server_limit_key="max_characters",
        ),
        PlatformSpec(
            "linkedin",
            "LinkedIn",
            rule=f"{_RULES}.linkedin:RULE",
            keys={"author": is_str, "version": is_str, "web_base": is_http_url, "auth_base": is_http_url},
            required=("author",),
            default_api_base="https://api.linkedin.com",
            credentials=(("POSTION_LINKEDIN_ACCESS_TOKEN",),),
            adapter="postion_publish.adapters.linkedin:build",
            sandbox="postion_publish.sandbox.linkedin",
            revoke_by_hand="Settings → Data privacy → Permitted services: remove the app",
        ),
        PlatformSpec(
            "discord",
            "Discord",
            rule=f"{_RULES}.discord:RULE",
            keys={
                "username": is_str,
                "avatar_url": is_http_url,
                "thread_id": is_str,
                "embed": is_bool,
                "web_base": is_http_url,
            },
            credentials=(("POSTION_DISCORD_WEBHOOK_URL",),),
            endpoint_variable="POSTION_DISCORD_WEBHOOK_URL",
            adapter="postion_publish.adapters.discord:build",
            sandbox="postion_publish.sandbox.discord",
            revoke_by_hand="the channel's settings → Integrations → Webhooks: delete the webhook",
        ),
        PlatformSpec(
            "threads",
            "Threads",
            rule=f"{_RULES}.threads:RULE",
            keys={"user_id": is_str, "auth_base": is_http_url, "redirect_uri": is_http_url},
            default_api_base="https://graph.threads.net",
            credentials=(("POSTION_THREADS_ACCESS_TOKEN",),),
            adapter="postion_publish.adapters.threads:build",
            sandbox="postion_publish.sandbox.threads",
            revoke_by_hand="Settings → Account → Website permissions → Apps and websites: remove the app",
        ),
    )
}


def names() -> tuple[str, ...]:
    """Every platform's name, in the registry's order."""
    return tuple(_REGISTRY)


def spec(name: str) -> PlatformSpec:
    return _REGISTRY[name]


def display_name(name: str) -> str:
    found = _REGISTRY.get(name)
    return found.display if found else name


def in_sandbox() -> tuple[str, ...]:
    """The platforms the local sandbox emulates."""
    return tuple(name for name, found in _REGISTRY.items() if found.sandbox)


def publishable() -> tuple[str, ...]:
    """The platforms this version can publish to."""
    return tuple(name for name, found in _REGISTRY.items() if found.adapter)


@contextmanager
def registered(new: PlatformSpec) -> Iterator[PlatformSpec]:
    """A platform added for the duration (tests: a new platform needs no other edit)."""
    _REGISTRY[new.name] = new
    try:
        yield new
    finally:
        del _REGISTRY[new.name]
