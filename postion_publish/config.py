"""Load and validate `postion.yml` into typed settings. Every error names file, line and key."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from postion_publish.errors import BadInput
from postion_publish.yaml_positions import KeyPath, LocatedYaml, load_located

PLATFORMS = ("x", "bluesky", "mastodon", "linkedin", "discord", "threads")
SOURCE_TYPES = ("content", "site", "mkdocs", "pelican")
DEFAULT_SOURCE_PATHS = {"content": "posts", "site": "public", "mkdocs": "site", "pelican": "output"}
DEFAULT_TEMPLATE = "New post: {{ title }}\n{{ excerpt }}\n{{ url }}"


@dataclass(frozen=True)
class TemplateText:
    """A template and where it was written, so that its errors can point at the right line."""

    text: str
    origin: str  # e.g. "platforms.x.template" or "postion.template"
    file: str
    first_line: int | None  # line of the template's first line in `file`


@dataclass(frozen=True)
class PlatformSettings:
    name: str
    enabled: bool = True
    template: TemplateText | None = None
    thread: bool = False
    api_base: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # the platform's own keys


@dataclass(frozen=True)
class SourceSettings:
    type: str
    path: Path
    permalink: str = "{slug}/"


@dataclass(frozen=True)
class QuotaSettings:
    monthly_units: int = 300
    billing_day: int = 1


@dataclass(frozen=True)
class TimeoutSettings:
    request: float = 60.0  # one HTTP request, answer included: a server that drips is cut off
    run: float = 1800.0  # one publishing run: what is not sent by then stays pending


@dataclass(frozen=True)
class AISettings:
    provider: str
    model: str
    base_url: str | None = None


@dataclass(frozen=True)
class Settings:
    file: Path
    site_url: str
    source: SourceSettings
    template: TemplateText
    platforms: Mapping[str, PlatformSettings]
    since: dt.date | None = None
    quota: QuotaSettings = QuotaSettings()
    ai: AISettings | None = None
    timeouts: TimeoutSettings = TimeoutSettings()

    @property
    def root(self) -> Path:
        """The folder that holds postion.yml and `.postion/`."""
        return self.file.parent

    @property
    def enabled_platforms(self) -> list[str]:
        return [name for name, platform in self.platforms.items() if platform.enabled]


# --- the schema -------------------------------------------------------------------------------

Check = Callable[[Any], str | None]  # returns what is wrong, or None


def _is_str(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be text, not {_type_name(value)}"


def _is_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {_type_name(value)}"


def _is_http_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a URL, not {_type_name(value)}"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"must be an http(s) URL, not '{value}'"
    return None


def _int_between(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"must be a whole number from {low} to {high}, not {value!r}"
        return None

    return check


def _number_between(low: float, high: float) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            return f"must be a number of seconds from {low:g} to {high:g}, not {value!r}"
        return None

    return check


def _one_of(*choices: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}; not {value!r}"

    return check


def _is_date(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return None
    return f"must be a date like 2026-01-31, not {value!r}"


def _is_str_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    return "must be a list of text values"


COMMON_PLATFORM_KEYS: dict[str, Check] = {
    "enabled": _is_bool,
    "template": _is_str,
    "thread": _is_bool,
    "api_base": _is_http_url,
}
PLATFORM_KEYS: dict[str, dict[str, Check]] = {
    "x": {"username": _is_str},
    "bluesky": {"handle": _is_str, "service": _is_http_url, "web_base": _is_http_url, "langs": _is_str_list},
    "mastodon": {
        "instance": _is_http_url,
        "max_characters": _int_between(1, 100_000),
        "visibility": _one_of("public", "unlisted", "private", "direct"),
        "language": _is_str,
    },
    "linkedin": {"author": _is_str, "version": _is_str},
    "discord": {
        "username": _is_str,
        "avatar_url": _is_http_url,
        "thread_id": _is_str,
        "embed": _is_bool,
        "web_base": _is_http_url,
    },
    "threads": {"user_id": _is_str},
}
REQUIRED_PLATFORM_KEYS = {"bluesky": ("handle",), "mastodon": ("instance",), "linkedin": ("author",)}
# Where `api_base` lives under another name, as the platform itself calls it.
API_BASE_ALIASES = {"bluesky": "service", "mastodon": "instance"}
TOP_KEYS = ("site_url", "source", "since", "template", "platforms", "quota", "ai", "timeouts")
SOURCE_KEYS: dict[str, Check] = {"type": _one_of(*SOURCE_TYPES), "path": _is_str, "permalink": _is_str}
QUOTA_KEYS: dict[str, Check] = {"monthly_units": _int_between(0, 1_000_000), "billing_day": _int_between(1, 28)}
TIMEOUT_KEYS: dict[str, Check] = {"request": _number_between(1, 600), "run": _number_between(10, 6 * 3600)}
AI_KEYS: dict[str, Check] = {"provider": _one_of("openai", "anthropic"), "base_url": _is_http_url, "model": _is_str}


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


# --- loading ----------------------------------------------------------------------------------


class _Reader:
    """Walks the parsed YAML with its positions, raising BadInput that names file, line and key."""

    def __init__(self, file: Path, located: LocatedYaml) -> None:
        self.file = file
        self.located = located

    def fail(self, path: KeyPath, message: str) -> BadInput:
        return BadInput(message, file=self.file, line=self.located.line_of(path), key=".".join(path) or None)

    def mapping(self, value: Any, path: KeyPath) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, f"must be a mapping of keys to values, not {_type_name(value)}")
        return value

    def known_keys(
        self, mapping: Mapping[str, Any], allowed: tuple[str, ...] | Mapping[str, Any], path: KeyPath
    ) -> None:
        names = list(allowed)
        for key in mapping:
            if str(key) not in names:
                close = difflib.get_close_matches(str(key), names, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(names)}"
                raise self.fail((*path, str(key)), f"unknown key{hint}")

    def checked(self, mapping: Mapping[str, Any], checks: Mapping[str, Check], path: KeyPath) -> None:
        self.known_keys(mapping, checks, path)
        for key, value in mapping.items():
            problem = checks[key](value)
            if problem:
                raise self.fail((*path, key), problem)

    def template(self, text: str, path: KeyPath) -> TemplateText:
        position = self.located.positions.get(path)
        return TemplateText(
            text=text,
            origin=".".join(path),
            file=str(self.file),
            first_line=position.value_line if position else None,
        )


def load_settings(file: Path) -> Settings:
    """Read and validate a postion.yml. Raises BadInput for anything wrong, naming line and key."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput("no configuration here; `postion init` writes a starter postion.yml", file=file) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read the configuration ({error.__class__.__name__})", file=file) from None
    return parse_settings(text, file)


def parse_settings(text: str, file: Path) -> Settings:
    reader = _Reader(file, load_located(text, file=file))
    top = reader.located.data
    if top is None:
        raise BadInput("the configuration is empty; `postion init` writes a starter", file=file)
    top = reader.mapping(top, ())
    reader.known_keys(top, TOP_KEYS, ())

    if "site_url" not in top:
        raise BadInput("site_url is required: the address of your published site", file=file, key="site_url")
    problem = _is_http_url(top["site_url"])
    if problem:
        raise reader.fail(("site_url",), problem)
    site_url = str(top["site_url"]).rstrip("/")

    source = reader.mapping(top.get("source"), ("source",))
    reader.checked(source, SOURCE_KEYS, ("source",))
    source_type = source.get("type", "content")
    source_settings = SourceSettings(
        type=source_type,
        path=(file.parent / source.get("path", DEFAULT_SOURCE_PATHS[source_type])),
        permalink=source.get("permalink", "{slug}/"),
    )

    since = top.get("since")
    if since is not None:
        problem = _is_date(since)
        if problem:
            raise reader.fail(("since",), problem)
        if isinstance(since, dt.datetime):
            since = since.date()

    if "template" in top and (problem := _is_str(top["template"])):
        raise reader.fail(("template",), problem)
    template = (
        reader.template(top["template"], ("template",))
        if "template" in top
        else TemplateText(DEFAULT_TEMPLATE, "default template", str(file), None)
    )

    platforms_raw = reader.mapping(top.get("platforms"), ("platforms",))
    if not platforms_raw:
        raise reader.fail(("platforms",), f"list at least one platform ({', '.join(PLATFORMS)})")
    platforms = {name: _platform(reader, name, value) for name, value in platforms_raw.items()}

    quota = reader.mapping(top.get("quota"), ("quota",))
    reader.checked(quota, QUOTA_KEYS, ("quota",))

    timeouts = reader.mapping(top.get("timeouts"), ("timeouts",))
    reader.checked(timeouts, TIMEOUT_KEYS, ("timeouts",))

    ai = None
    if "ai" in top:
        ai_raw = reader.mapping(top["ai"], ("ai",))
        reader.checked(ai_raw, AI_KEYS, ("ai",))
        for required in ("provider", "model"):
            if required not in ai_raw:
                raise reader.fail(("ai",), f"ai needs '{required}'")
        ai = AISettings(provider=ai_raw["provider"], model=ai_raw["model"], base_url=ai_raw.get("base_url"))

    return Settings(
        file=file,
        site_url=site_url,
        source=source_settings,
        template=template,
        platforms=platforms,
        since=since,
        quota=QuotaSettings(**quota),
        ai=ai,
        timeouts=TimeoutSettings(**{key: float(value) for key, value in timeouts.items()}),
    )


def _platform(reader: _Reader, name: Any, value: Any) -> PlatformSettings:
    path: KeyPath = ("platforms", str(name))
    if name not in PLATFORMS:
        close = difflib.get_close_matches(str(name), PLATFORMS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known platforms: {', '.join(PLATFORMS)}"
        raise reader.fail(path, f"unknown platform; {hint}")
    raw = reader.mapping(value, path)
    checks = {**COMMON_PLATFORM_KEYS, **PLATFORM_KEYS[name]}
    if name in API_BASE_ALIASES:  # Bluesky says `service`, Mastodon `instance`: one name per setting.
        checks.pop("api_base")
    reader.checked(raw, checks, path)
    for required in REQUIRED_PLATFORM_KEYS.get(name, ()):
        if required not in raw:
            raise reader.fail(path, f"{name} needs '{required}'")
    api_base = raw.get(API_BASE_ALIASES.get(name, "api_base"))
    options = {key: val for key, val in raw.items() if key not in COMMON_PLATFORM_KEYS}
    return PlatformSettings(
        name=name,
        enabled=raw.get("enabled", True),
        template=reader.template(raw["template"], (*path, "template")) if "template" in raw else None,
        thread=raw.get("thread", False),
        api_base=api_base.rstrip("/") if isinstance(api_base, str) else None,
        options=options,
    )
