"""YAML with line numbers: every error about a user's YAML names the line it is on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from postion_publish.core.errors import BadInput

KeyPath = tuple[str, ...]

try:  # The C loader is many times faster; the pure one gives the same result.
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Position:
    key_line: int  # 1-based line of the key
    value_line: int  # 1-based line where the value's text starts (after `|` for block scalars)


@dataclass(frozen=True)
class LocatedYaml:
    data: Any
    positions: dict[KeyPath, Position]

    def line_of(self, path: KeyPath) -> int | None:
        """Line of the deepest part of `path` that exists."""
        while path:
            if path in self.positions:
                return self.positions[path].key_line
            path = path[:-1]
        return None


MAX_NODES = 100_000  # a configuration's values, every alias expanded: far above any real one


_READ_ERRORS = (yaml.YAMLError, RecursionError, ValueError, TypeError)


def _bad_yaml(error: Exception, file: Path | str, line_offset: int) -> BadInput:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + line_offset if mark else None
        return BadInput(f"not valid YAML: {error.problem or error.context or 'syntax error'}", file=file, line=line)
    if isinstance(error, yaml.YAMLError):
        return BadInput(f"not valid YAML ({error.__class__.__name__})", file=file)
    if isinstance(error, RecursionError):
        return BadInput("the YAML is nested too deeply", file=file, line=line_offset + 1)
    # e.g. a date like 2026-13-45 that YAML cannot build
    return BadInput(f"a value cannot be read: {error}", file=file)


def _unreadable_value(node: yaml.Node | None, error: Exception, file: Path | str, offset: int) -> BadInput:
    """Which value could not be built, with its line and key: YAML's own error names neither."""
    builder = yaml.SafeLoader("")
    pending: list[tuple[yaml.Node, KeyPath]] = [(node, ())] if node is not None else []
    while pending:
        current, path = pending.pop()
        if isinstance(current, yaml.MappingNode):
            pending.extend((value, (*path, str(key.value))) for key, value in current.value)
        elif isinstance(current, yaml.SequenceNode):
            pending.extend((item, (*path, str(index))) for index, item in enumerate(current.value))
        elif isinstance(current, yaml.ScalarNode):
            try:
                builder.construct_object(current, deep=True)
            except (ValueError, TypeError, yaml.YAMLError):
                line = current.start_mark.line + 1 + offset
                message = f"cannot read {current.value!r}: {error}"
                return BadInput(message, file=file, line=line, key=".".join(path) or None)
    return BadInput(f"a value cannot be read: {error}", file=file)


def _compose(text: str, file: Path | str, line_offset: int) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except _READ_ERRORS as error:
        raise _bad_yaml(error, file, line_offset) from None


def expanded_size(node: yaml.Node | None) -> int:
    """How many values the document holds once every alias is expanded, counted without expanding:
    an alias is the same node object, so each node's size is computed once (a "billion laughs"
    document of a few hundred bytes says 10^9 here, in microseconds)."""
    sizes: dict[int, int] = {}

    def size(current: yaml.Node) -> int:
        known = sizes.get(id(current))
        if known is not None:
            return known
        sizes[id(current)] = 1  # a recursive alias counts once, not forever
        if isinstance(current, yaml.MappingNode):
            total = 1 + sum(size(key) + size(value) for key, value in current.value)
        elif isinstance(current, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in current.value)
        else:
            total = 1
        sizes[id(current)] = total
        return total

    return size(node) if node is not None else 0


def check_expansion(text: str, *, file: Path | str, line_offset: int = 0, limit: int = MAX_NODES) -> yaml.Node | None:
    """Compose the YAML and refuse it if its aliases expand beyond `limit` values."""
    node = _compose(text, file, line_offset)
    if expanded_size(node) > limit:
        raise BadInput(
            f"its aliases (*name) expand to more than {limit:,} values; write the values out instead",
            file=file,
            line=line_offset + 1,
        )
    return node


def load_located(text: str, *, file: Path | str, line_offset: int = 0, limit: int = MAX_NODES) -> LocatedYaml:
    """Parse YAML text; syntax errors, duplicate keys and alias bombs become BadInput with the line."""
    node = check_expansion(text, file=file, line_offset=line_offset, limit=limit)
    try:
        data = yaml.load(text, Loader=_Loader) if node is not None else None
    except (ValueError, TypeError) as error:  # a value YAML cannot build, e.g. the date 2026-13-45
        raise _unreadable_value(node, error, file, line_offset) from None
    except _READ_ERRORS as error:
        raise _bad_yaml(error, file, line_offset) from None
    positions: dict[KeyPath, Position] = {}
    if node is not None:
        _walk(node, (), positions, file, line_offset)
    return LocatedYaml(data, positions)


def _walk(node: yaml.Node, path: KeyPath, out: dict[KeyPath, Position], file: Path | str, offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_line = key_node.start_mark.line + 1 + offset
            if key in seen:
                raise BadInput("this key appears twice", file=file, line=key_line, key=".".join((*path, key)))
            seen.add(key)
            value_line = value_node.start_mark.line + 1 + offset
            if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
                value_line += 1
            out[(*path, key)] = Position(key_line, value_line)
            _walk(value_node, (*path, key), out, file, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, str(index))] = Position(item.start_mark.line + 1 + offset, item.start_mark.line + 1 + offset)
            _walk(item, (*path, str(index)), out, file, offset)
