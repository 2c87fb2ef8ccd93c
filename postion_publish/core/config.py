"""Load and validate `postion.yml` into typed settings. Every error names file, line and key."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postion_publish.core import registry
from postion_publish.core.checks import (
    Check,
    duration,
    int_between,
    is_bool,
    is_date,
    is_duration,
    is_http_url,
    is_str,
    number_between,
    one_of,
    type_name,
)
from postion_publish.core.config_parts import ConfigReader
from postion_publish.core.config_parts import PlatformSettings as PlatformSettings
from postion_publish.core.config_parts import TemplateText as TemplateText
from postion_publish.core.errors import BadInput
from postion_publish.core.repofiles import read_repo_file
from postion_publish.core.yaml_positions import KeyPath, load_located

SOURCE_TYPES = ("content", "site", "mkdocs", "pelican")
DEFAULT_SOURCE_PATHS = {"content": "posts", "site": "public", "mkdocs": "site", "pelican": "output"}
DEFAULT_TEMPLATE = "New post: {{ title }}\n{{ excerpt }}\n{{ url }}"


@dataclass(frozen=True)
class SourceSettings:
    type: str
    path: Path
    permalink: str = "{slug}/"
    feed: str | None = None  # type site: the feed's path in the built site (else found as readers do)


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
    enabled: bool = True  # false: `adapt` writes the deterministic captions
    # A post without stored captions at publish time: the template, or captions generated then
    # (stored as unreviewed, and flagged so in the history).
    unreviewed: str = "template"


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
    delay: dt.timedelta = dt.timedelta(0)  # a new post is announced once it has been live this long
    people: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # `{{ mention('rosa') }}`
    status_page: Path | None = None  # `status_page.path`: the page written into the built site

    def delay_for(self, platform: str) -> dt.timedelta:
        own = self.platforms[platform].delay if platform in self.platforms else None
        return own if own is not None else self.delay

    @property
    def root(self) -> Path:
        """The folder that holds postion.yml and `.postion/`."""
        return self.file.parent

    @property
    def token_scope(self) -> str:
        """Whose values these are in a token file every blog on the machine shares: this config's."""
        return str(self.file.resolve())

    @property
    def enabled_platforms(self) -> list[str]:
        return [name for name, platform in self.platforms.items() if platform.enabled]


_FIRST_KEYS = ("site_url", "source", "since", "template", "platforms", "quota", "ai", "timeouts")
TOP_KEYS: tuple[str, ...] = (*_FIRST_KEYS, "delay", "status_page", "people")
STATUS_PAGE_KEYS: dict[str, Check] = {"path": is_str}
SOURCE_KEYS: dict[str, Check] = {"type": one_of(*SOURCE_TYPES), "path": is_str, "permalink": is_str, "feed": is_str}
QUOTA_KEYS: dict[str, Check] = {"monthly_units": int_between(0, 1_000_000), "billing_day": int_between(1, 28)}
TIMEOUT_KEYS: dict[str, Check] = {"request": number_between(1, 600), "run": number_between(10, 6 * 3600)}
AI_KEYS: dict[str, Check] = {
    "provider": one_of("openai", "anthropic"),
    "base_url": is_http_url,
    "model": is_str,
    "enabled": is_bool,
    "unreviewed": one_of("template", "generate"),
}


# --- loading ----------------------------------------------------------------------------------


MAX_CONFIG_FILE = 1024 * 1024  # a config with every platform's templates is a few KB


def load_settings(file: Path) -> Settings:
    """Read and validate a postion.yml. Raises BadInput for anything wrong, naming line and key."""
    _check_link(file)
    try:  # a link to the config is followed (users make them), but only to a regular file
        text = read_repo_file(file, what="configuration", limit=MAX_CONFIG_FILE, follow_link=True).decode("utf-8")
        text = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text  # as read_text read it
    except FileNotFoundError:
        raise BadInput("no configuration here; `postion init` writes a starter postion.yml", file=file) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read the configuration ({error.__class__.__name__})", file=file) from None
    return parse_settings(text, file)


def _check_link(file: Path) -> None:
    """A config that is a link must point into its own folder, outside `.git/`: a pull request could
    otherwise make it a link to a file of the runner (or to `.git/config`, which holds the checkout's
    token), whose keys and values would then be quoted by the config's error messages."""
    if not os.path.islink(file):
        return
    folder = file.parent.resolve()
    target = file.resolve()
    if not target.is_relative_to(folder) or ".git" in target.relative_to(folder).parts:
        raise BadInput(
            "the configuration is a link out of its folder (or into .git/); put the file itself here", file=file
        )


def parse_settings(text: str, file: Path) -> Settings:
    reader = ConfigReader(file, load_located(text, file=file))
    top = reader.located.data
    if top is None:
        raise BadInput("the configuration is empty; `postion init` writes a starter", file=file)
    if not isinstance(top, dict):
        raise reader.fail((), f"must be a mapping of keys to values, not {type_name(top)}")
    reader.known_keys(top, TOP_KEYS, ())

    site_url = ""
    if "site_url" in top:
        if problem := is_http_url(top["site_url"]):
            reader.report(("site_url",), problem)
        else:
            site_url = str(top["site_url"]).rstrip("/")
    elif ("site_url",) not in reader.suggested:  # else a typo of it, said already
        reader.problems.append(
            BadInput("site_url is required: the address of your published site", file=file, key="site_url")
        )

    source = reader.checked(reader.mapping(top.get("source"), ("source",)), SOURCE_KEYS, ("source",))
    source_type = source.get("type", "content")
    source_settings = SourceSettings(
        type=source_type,
        path=(file.parent / source.get("path", DEFAULT_SOURCE_PATHS[source_type])),
        permalink=source.get("permalink", "{slug}/"),
        feed=source.get("feed"),
    )
    if source_settings.feed is not None and source_type != "site":
        reader.report(("source", "feed"), "feed is read for `type: site` only")

    since = top.get("since")
    if since is not None:
        if problem := is_date(since):
            reader.report(("since",), problem)
            since = None
        elif isinstance(since, dt.datetime):
            since = since.date()

    template = TemplateText(DEFAULT_TEMPLATE, "default template", str(file), None)
    if "template" in top and (problem := is_str(top["template"])):
        reader.report(("template",), problem)
    elif "template" in top:
        template = reader.template(top["template"], ("template",))

    platforms_raw = reader.mapping(top.get("platforms"), ("platforms",))
    said = ("platforms",) in reader.suggested or "platforms" in [p.key for p in reader.problems]
    if not platforms_raw and not said:
        reader.report(("platforms",), f"list at least one platform ({', '.join(registry.names())})")
    from postion_publish.core.config_platforms import platform_settings

    platforms = {
        found.name: found for name, value in platforms_raw.items() for found in platform_settings(reader, name, value)
    }

    quota = reader.checked(reader.mapping(top.get("quota"), ("quota",)), QUOTA_KEYS, ("quota",))
    timeouts = reader.checked(reader.mapping(top.get("timeouts"), ("timeouts",)), TIMEOUT_KEYS, ("timeouts",))

    ai = None
    if "ai" in top:
        ai_raw = reader.checked(reader.mapping(top["ai"], ("ai",)), AI_KEYS, ("ai",))
        missing = [required for required in ("provider", "model") if required not in ai_raw]
        for required in missing:
            reader.report(("ai",), f"ai needs '{required}'")
        if not missing:
            ai = AISettings(
                provider=ai_raw["provider"],
                model=ai_raw["model"],
                base_url=ai_raw.get("base_url"),
                enabled=bool(ai_raw.get("enabled", True)),
                unreviewed=str(ai_raw.get("unreviewed", "template")),
            )
    delay = dt.timedelta(0)
    if "delay" in top:
        if problem := is_duration(top["delay"]):
            reader.report(("delay",), problem)
        else:
            delay = duration(top["delay"]) or dt.timedelta(0)
    status_page = None
    if "status_page" in top:
        page = reader.checked(reader.mapping(top["status_page"], ("status_page",)), STATUS_PAGE_KEYS, ("status_page",))
        if "path" not in page:
            reader.report(
                ("status_page",), "status_page needs 'path' (where in the built site, e.g. status/index.html)"
            )
        elif _escapes(page["path"]):
            reader.report(("status_page", "path"), "must be a path inside the built site, like status/index.html")
        else:  # a folder (`postion/`, or no file suffix) gets the page as its index.html
            given = Path(page["path"])
            status_page = given / "index.html" if page["path"].endswith("/") or not given.suffix else given
    people = _people(reader, top["people"]) if "people" in top else {}
    reader.done()  # every problem at once, each with its line and key
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
        delay=delay,
        status_page=status_page,
        people=people,
    )


def _people(reader: ConfigReader, value: Any) -> dict[str, dict[str, str]]:
    """`people: {rosa: {name: Rosa Diaz, x: "@rosa_dev", bluesky: rosa.bsky.social, …}}`."""
    found: dict[str, dict[str, str]] = {}
    checks: dict[str, Check] = {"name": is_str, **{name: is_str for name in registry.names()}}
    for person, handles in reader.mapping(value, ("people",)).items():
        path: KeyPath = ("people", str(person))
        given = reader.checked(reader.mapping(handles, path), checks, path)
        if not given:
            reader.report(path, "give this person's handle on at least one platform, e.g. {x: '@handle'}")
        found[str(person)] = {key: str(handle) for key, handle in given.items()}
    return found


def _escapes(path: str) -> bool:
    """A path that is absolute or climbs out of the folder it is written in."""
    return path.startswith(("/", "\\")) or ".." in Path(path).parts or ":" in path or not path.strip()
