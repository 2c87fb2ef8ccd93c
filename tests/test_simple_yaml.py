"""Simple front matter is read without PyYAML's parser (`simple_yaml`): on generated front
matter, whatever it reads is what PyYAML reads, and it reads the usual kind."""

from __future__ import annotations

import random

import yaml

from conftest import answered_alike
from postion_publish.simple_yaml import simple_front_matter

KEYS = ["title", "date", "tags", "description", "draft", "slug", "image_alt", "x-y", "_k", "yes", "No", "null", "on"]
KEYS += ["Title", "a1", "título", "og.image", "key with space", "1x", "~", "true", "y", "n"]
WORDS = ["Post", "café", "日本語", "🚀", "naïve", "C#", "a, b", "[c]", "{d}", "it's", 'say "hi"', "x*y", "a & b", "50%"]
WORDS += ["https://example.com/a_b?x=1#f", "12:30", "a: b", "a:b", "a #c", "a#c", "\\n", "*alias", "&anchor", "!tag"]
WORDS += ["- x", "? x", ":x", "|", ">", "'q'", '"q"', "%p", "@h", "`b`", "-5", "+5", "-x", ".5", "..", "---", "="]
WORDS += [
    "<<",
    "~",
    "yes",
    "No",
    "ON",
    "off",
    "null",
    "NULL",
    "true",
    "False",
    "y",
    "n",
    "0x1F",
    "0o17",
    "017",
    "0b101",
]
WORDS += [
    "1_000",
    "1e3",
    "1.5e+3",
    ".inf",
    "-.INF",
    ".NaN",
    "190:20:30",
    "2026-03-01",
    "2026-3-1",
    "2026-03-01T10:00:00Z",
]
WORDS += ["2026-03-01 10:00:00 +01:00", "2026-03-01t10:00:00.5-05:00", "2026-02-30", "9999999999999999999999", "0"]
WORDS += ["\t", "a\tb", "\x01", "\x85", "\u2028", "\ufeff", "\x7f", "", " ", "  ", "ünï", "a  b", "end "]
ITEMS = ["a", "b c", "日本", "1", "yes", "null", "2026-01-01", "'q'", "[x]", "a:b", "a: b", "#x", "a #b", "", " ", "x,"]
ITEMS += ["*x", "-1", "- x", "~", "1.5", "é"]
OTHER_LINES = ["# comment", "  # indented comment", "", "   ", "  nested: x", "- item", "---", "...", "%YAML 1.1", "\t"]
OTHER_LINES += ["key: |", "  block", "key: >", "list:", "  - a", "a: {b: c}", "a: &x v", "b: *x", "? k", "k:v"]


def value(chance: random.Random) -> str:
    if chance.random() < 0.25:
        items = [chance.choice(ITEMS) for _ in range(chance.randint(0, 4))]
        return "[" + chance.choice([", ", ",", " , "]).join(items) + chance.choice(["]", "]", ",]", "] x", " ]"])
    return chance.choice(["", " "]).join(chance.choice(WORDS) for _ in range(chance.randint(0, 3)))


def front_matter(chance: random.Random) -> str:
    lines = []
    for _ in range(chance.randint(0, 6)):
        if chance.random() < 0.12:
            lines.append(chance.choice(OTHER_LINES))
        else:
            lines.append(chance.choice(KEYS) + chance.choice([": ", ":  ", ":", ": "]) + value(chance))
    return "\n".join(lines) + chance.choice(["", "\n", " "])


def parsed(text: str) -> str:
    try:
        return repr(yaml.load(text, Loader=yaml.CSafeLoader))
    except (yaml.YAMLError, ValueError, TypeError) as error:
        return f"error: {error.__class__.__name__}"


def test_what_it_reads_pyyaml_reads_alike() -> None:
    answered = answered_alike(front_matter, simple_front_matter, lambda text, read: repr(read or None) == parsed(text))
    assert answered > 3_000  # it is taken often enough for this to say something


def test_the_usual_front_matter_is_read_without_the_parser() -> None:
    text = "title: Post number 1 🚀 日本語\ndate: 2026-03-01\ntags: [python, static sites]\ndraft: false\n"
    assert simple_front_matter(text) == yaml.load(text, Loader=yaml.CSafeLoader)
    for doubt in ["title: 'quoted'", "title: a: b", "tags:\n  - a", "a: &x v", "yes: 1", "a: b # c", "a: [x, [y]]"]:
        assert simple_front_matter(doubt) is None, doubt
