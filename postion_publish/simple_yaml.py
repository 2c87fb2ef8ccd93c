"""Front matter simple enough to read without PyYAML's parser.

Most front matter is a few `key: value` lines and a `[list, of, tags]`. PyYAML took 30 µs for such
a block, a tenth of a plan of many new posts. Here each value is typed by PyYAML's own resolver and
built by its own constructors (dates, numbers, booleans, null), so the result is the one
`yaml.load(…, CSafeLoader)` gives. Anything else, or anything in doubt (quotes, block values,
indentation, anchors, comments after a value, a `: ` inside a value, tabs…), returns None, and
PyYAML reads it. `tests/test_simple_yaml.py` compares the two on generated front matter.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?")  # greedy, then stripped: linear time
# A plain value: it starts with a letter, a digit or a character that starts nothing in YAML, and
# holds no line break of YAML's, character it refuses, `: ` or ` #` (a comment), and no tab.
_STARTS_NOTHING = r"(?![\-?:,\[\]{}#&*!|>'\"%@`])"
_REFUSED = "\t\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff"  # tabs, controls, line breaks
_PLAIN_VALUE = re.compile(_STARTS_NOTHING + f"(?:(?!: | #)[^{_REFUSED}])+(?<!:)")
_PLAIN_ITEM = re.compile(_STARTS_NOTHING + f"[^{_REFUSED}:#,\\[\\]{{}}'\"]+")  # in a flow list: no more
_RESOLVER = Resolver()
_TYPED_FIRST = frozenset(Resolver.yaml_implicit_resolvers)
_CONSTRUCTOR = SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_BUILT = {  # tag → PyYAML's constructor for it
    f"tag:yaml.org,2002:{name}": SafeConstructor.yaml_constructors[f"tag:yaml.org,2002:{name}"]
    for name in ("null", "bool", "int", "float", "timestamp")
}


def simple_front_matter(text: str) -> dict[str, Any] | None:
    """The mapping PyYAML reads from `text`, or None if PyYAML has to read it."""
    data: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line.strip(" ") or line.startswith("#"):  # a blank line, a comment
            continue
        matched = _KEY_LINE.fullmatch(line)
        if matched is None:
            return None
        key, raw = matched.group(1), (matched.group(2) or "").rstrip(" ")
        if _tag(key) != _STR:  # `yes:`, `null:`…
            return None
        value = _value(raw)
        if value is _DOUBT:
            return None
        data[key] = value
    return data


_DOUBT = object()


def _value(raw: str) -> Any:
    if raw.startswith("[") and raw.endswith("]"):
        inner = raw[1:-1].strip(" ")
        items = [item.strip(" ") for item in inner.split(",")] if inner else []
        if not all(_PLAIN_ITEM.fullmatch(item) for item in items):
            return _DOUBT
        values = [_scalar(item) for item in items]
        return _DOUBT if _DOUBT in values else values
    if raw and not _PLAIN_VALUE.fullmatch(raw):
        return _DOUBT
    return _scalar(raw)


@lru_cache(maxsize=1024)
def _tag(text: str) -> str:
    """The type PyYAML gives a plain scalar (its implicit resolvers, which only look at a text
    whose first character starts some other type: most titles are known to be text at once)."""
    if text and text[0] not in _TYPED_FIRST and None not in _TYPED_FIRST:
        return _STR
    return str(_RESOLVER.resolve(ScalarNode, text, (True, False)))  # type: ignore[no-untyped-call]


def _scalar(text: str) -> Any:
    tag = _tag(text)
    if tag == _STR:
        return text
    build = _BUILT.get(tag)
    if build is None:
        return _DOUBT
    try:
        return build(_CONSTRUCTOR, ScalarNode(tag, text))
    except ValueError:  # 2026-02-30: PyYAML raises, and says where
        return _DOUBT
