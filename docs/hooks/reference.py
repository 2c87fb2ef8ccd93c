"""MkDocs hook: the reference pages written from the code, so they cannot drift from it. A page
holds a marker, `<!-- generated: NAME -->`, and the build puts there:

- `configuration`: every key of postion.yml, from the config schema (core/config.py and each
  platform's spec), with what its check accepts, in the check's own words;
- `cli`: every command's help, from the command-line parser;
- `action`: the Action's inputs and outputs, from action.yml;
- `error-kinds`: the error kinds a result can carry, from core/errors.py (the troubleshooting
  page must explain each: the build fails otherwise).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
MARKER = re.compile(r"<!-- generated: ([a-z-]+) -->")

# What each top-level key is for: the schema says which keys exist (a key missing here fails the build).
TOP = {
    "site_url": "The site's public address; every post's URL is under it. Required.",
    "source": "Where the posts come from (below).",
    "since": "A date: posts dated earlier are never announced (a baseline makes it unneeded).",
    "template": "The default caption, a Jinja2 template rendered in its sandbox.",
    "platforms": "The platforms to announce on, each with its own keys (below). Only listed ones are used.",
    "quota": "The monthly quota: 1 unit per successful post per platform.",
    "ai": "AI-adapted captions (see AI captions).",
    "timeouts": "Seconds for one HTTP request (its answer included) and for one whole run.",
    "delay": "How long a new post is live before it is announced (30m, 2h, 1d); a platform may set its own.",
    "status_page": "`path`: where the build writes the status page into the site (see Where each post went).",
    "people": "Each person's handle on each platform (and `name`), for `{{ mention('rosa') }}` (see Captions).",
}


class _Anything:
    def __repr__(self) -> str:
        return "…"


def accepts(check: Callable[[Any], str | None]) -> str:
    """What a check accepts, in its own words: its complaint about a value it cannot accept."""
    complaint = check(_Anything()) or ""
    complaint = re.split(r",? not |; not ", complaint)[0]
    return complaint.removeprefix("must be ")


def table(rows: list[tuple[str, ...]], head: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def keys_table(checks: Mapping[str, Callable[[Any], str | None]], required: tuple[str, ...] = ()) -> str:
    rows = [(f"`{key}`", accepts(check) + (" (required)" if key in required else "")) for key, check in checks.items()]
    return table(rows, ("key", "takes"))


def configuration() -> str:
    from postion_publish.core import config, registry

    missing = set(config.TOP_KEYS) - set(TOP)
    if missing:
        raise ValueError(f"docs/hooks/reference.py: describe the top-level keys {sorted(missing)}")
    parts = ["### Top level", table([(f"`{key}`", TOP[key]) for key in config.TOP_KEYS], ("key", "what it is"))]
    sections = (("source", config.SOURCE_KEYS), ("quota", config.QUOTA_KEYS), ("timeouts", config.TIMEOUT_KEYS))
    sections += (("ai", config.AI_KEYS), ("status_page", config.STATUS_PAGE_KEYS))
    for name, checks in sections:
        parts += [f"### `{name}`", keys_table(checks)]
    parts += ["### Every platform", keys_table(registry.COMMON_KEYS)]
    for name in registry.names():
        spec = registry.spec(name)
        credentials = " *or* ".join(", ".join(f"`{variable}`" for variable in group) for group in spec.credentials)
        parts += [
            f"### `platforms.{name}`: {spec.display}",
            f"Its server: `{spec.api_base_key}`"
            + (f" (default `{spec.default_api_base}`)" if spec.default_api_base else "")
            + f". Credentials (environment variables): {credentials or 'none'}.",
            keys_table(spec.keys, spec.required),
        ]
    return "\n\n".join(parts)


def cli() -> str:
    from postion_publish.cli.parser import build_parser

    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal: the same page on every machine
    parser = build_parser()
    parts = ["### `postion`", "```text\n" + parser.format_help().rstrip() + "\n```"]
    for name, command in _commands(parser).items():
        parts += [f"### `postion {name}`", "```text\n" + command.format_help().rstrip() + "\n```"]
        for sub_name, sub in _commands(command).items():
            parts += [f"### `postion {name} {sub_name}`", "```text\n" + sub.format_help().rstrip() + "\n```"]
    return "\n\n".join(parts)


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def action() -> str:
    spec = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    inputs = [
        (f"`{name}`", f"`{value.get('default', '')}`", " ".join(str(value.get("description", "")).split()))
        for name, value in spec["inputs"].items()
    ]
    outputs = [(f"`{name}`", " ".join(str(value["description"]).split())) for name, value in spec["outputs"].items()]
    parts = ["### Inputs", table(inputs, ("input", "default", "what it does"))]
    parts += ["### Outputs", table(outputs, ("output", "what it holds"))]
    return "\n\n".join(parts)


def error_kinds() -> str:
    from postion_publish.core.errors import ErrorKind

    return ", ".join(f"[`{kind.value}`](#{kind.value})" for kind in ErrorKind)


GENERATORS = {"configuration": configuration, "cli": cli, "action": action, "error-kinds": error_kinds}


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri == "troubleshooting.md":
        from postion_publish.core.errors import ErrorKind

        headings = set(re.findall(r"^### `([a-z_]+)`", markdown, re.M))
        if missing := [kind.value for kind in ErrorKind if kind.value not in headings]:
            raise ValueError(f"troubleshooting.md explains no error kind {missing}: add a `### `kind`` section")
    return MARKER.sub(lambda found: GENERATORS[found.group(1)](), markdown)
