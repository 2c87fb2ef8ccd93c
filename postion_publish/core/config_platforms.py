"""A platform's part of `postion.yml`: its keys checked against its spec, and, where it lists
`accounts`, one settings per account, keyed `mastodon/project`: the keys beside `accounts` are
shared, each account's own override them. A platform with one unnamed account is keyed by its
name alone, as it always was (files, state and credentials unchanged)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from postion_publish.core import registry
from postion_publish.core.checks import cap, duration
from postion_publish.core.config_parts import ConfigReader, PlatformSettings

if TYPE_CHECKING:
    from postion_publish.core.yaml_positions import KeyPath

ACCOUNT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def platform_settings(reader: ConfigReader, name: Any, value: Any) -> list[PlatformSettings]:
    """The platform's settings, one per account; none (its problems reported) where they cannot be made."""
    path: KeyPath = ("platforms", str(name))
    known = registry.names()
    if name not in known:
        import difflib  # only to name a likely typo

        close = difflib.get_close_matches(str(name), known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known platforms: {', '.join(known)}"
        reader.report(path, f"unknown platform; {hint}")
        return []
    given = reader.mapping(value, path)
    if "accounts" not in given:
        found = _one(reader, name, name, given, path)
        return [found] if found is not None else []
    shared = {key: val for key, val in given.items() if key != "accounts"}
    accounts = reader.mapping(given["accounts"], (*path, "accounts"))
    if not accounts:
        reader.report((*path, "accounts"), "name at least one account, e.g. {project: {…}, personal: {…}}")
    settings = []
    for account, own in accounts.items():
        where: KeyPath = (*path, "accounts", str(account))
        if not isinstance(account, str) or ACCOUNT_NAME.fullmatch(account) is None:
            reader.report(where, "an account's name is lower-case letters, digits, - and _ (it names its credentials)")
            continue
        found = _one(reader, name, f"{name}/{account}", {**shared, **reader.mapping(own, where)}, where)
        if found is not None:
            settings.append(found)
    return settings


def _one(reader: ConfigReader, name: str, key: str, given: dict[str, Any], path: KeyPath) -> PlatformSettings | None:
    spec = registry.spec(name)
    checks = {**registry.COMMON_KEYS, **spec.keys}
    if spec.api_base_key != "api_base":  # Bluesky says `service`, Mastodon `instance`: one name per setting.
        checks.pop("api_base")
    raw = reader.checked(given, checks, path)
    for required in spec.required:
        if required not in raw:
            reader.report(path, f"{key} needs '{required}'")
    api_base = raw.get(spec.api_base_key)
    options = {option: val for option, val in raw.items() if option not in registry.COMMON_KEYS}
    return PlatformSettings(
        name=key,
        enabled=raw.get("enabled", True),
        template=reader.template(raw["template"], (*path, "template")) if "template" in raw else None,
        thread=raw.get("thread", False),
        api_base=api_base.rstrip("/") if isinstance(api_base, str) else None,
        options=options,
        delay=duration(raw["delay"]) if "delay" in raw else None,
        syndication=raw.get("syndication"),
        cap=cap(raw["cap"]) if "cap" in raw else None,
    )
