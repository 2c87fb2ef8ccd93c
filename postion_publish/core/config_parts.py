"""What reading `postion.yml` is made of, apart from `config` so that the per-platform part
(`config_platforms`) shares it without an import circle: the reader that collects every problem
with its file, line and key, and the settings it builds of a template and of a platform."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from postion_publish.core.checks import Check, type_name
from postion_publish.core.errors import BadInput, ConfigProblems
from postion_publish.core.yaml_positions import KeyPath, LocatedYaml


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
    delay: dt.timedelta | None = None  # its own delay before announcing; None: the top-level one
    syndication: bool | None = None  # its links on the post's page; None: as its spec says
    cap: tuple[int, dt.timedelta] | None = None  # `cap: 500 per 30d`: posts allowed in any such window


class ConfigReader:
    """Walks the parsed YAML with its positions, collecting every problem (BadInput naming file,
    line and key) so that one run shows them all, as a compiler does; `done` raises them together."""

    def __init__(self, file: Path, located: LocatedYaml) -> None:
        self.file = file
        self.located = located
        self.problems: list[BadInput] = []
        self.suggested: set[KeyPath] = set()  # keys a typo was taken for: their absence is no news

    def fail(self, path: KeyPath, message: str) -> BadInput:
        return BadInput(message, file=self.file, line=self.located.line_of(path), key=".".join(path) or None)

    def report(self, path: KeyPath, message: str) -> None:
        self.problems.append(self.fail(path, message))

    def done(self) -> None:
        if len(self.problems) == 1:
            raise self.problems[0]
        if self.problems:
            raise ConfigProblems(self.problems)

    def mapping(self, value: Any, path: KeyPath) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.report(path, f"must be a mapping of keys to values, not {type_name(value)}")
            return {}
        return value

    def known_keys(
        self, mapping: Mapping[str, Any], allowed: tuple[str, ...] | Mapping[str, Any], path: KeyPath
    ) -> None:
        names = list(allowed)
        for key in mapping:
            if str(key) not in names:
                import difflib  # only to name a likely typo

                close = difflib.get_close_matches(str(key), names, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(names)}"
                self.report((*path, str(key)), f"unknown key{hint}")
                self.suggested.update([(*path, close[0])] if close else [])

    def checked(self, mapping: Mapping[str, Any], checks: Mapping[str, Check], path: KeyPath) -> dict[str, Any]:
        """The entries that pass their checks; each other one is reported."""
        self.known_keys(mapping, checks, path)
        valid = {}
        for key, value in mapping.items():
            if key not in checks:
                continue
            problem = checks[key](value)
            if problem:
                self.report((*path, key), problem)
            else:
                valid[key] = value
        return valid

    def template(self, text: str, path: KeyPath) -> TemplateText:
        position = self.located.positions.get(path)
        return TemplateText(
            text=text,
            origin=".".join(path),
            file=str(self.file),
            first_line=position.value_line if position else None,
        )
