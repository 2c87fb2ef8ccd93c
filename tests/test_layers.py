"""The package's shape, checked: layers whose imports point down, small modules, and every
platform's name inside its own folder (../shared/style.md, "The shape of the house")."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from test_import_graph import PACKAGE, module_name

# From the top: a layer imports its own and the ones below it, never one above.
LAYERS = (
    ("cli",),
    ("action",),  # beside it, outside the package: integrations/mkdocs and integrations/pelican
    ("run",),
    ("ai", "tokens", "sources", "platforms", "sandbox"),
    ("net",),
    ("store",),
    ("core",),
)
ROOT_FILES = {"__init__.py", "__main__.py", "_example_blog"}
MAX_LINES = 400
GENERATED = {"core/captions/_twitter_text_data.py"}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    for index, names in enumerate(LAYERS):
        if len(parts) > 1 and parts[1] in names:
            return index
    return None


def every_import(path: Path) -> set[str]:
    """Every module of the package `path` names in an import, type-only imports included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("postion_publish."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("postion_publish"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def upward_imports() -> list[str]:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        here = layer_of(module)
        for target in sorted(every_import(path)):
            there = layer_of(target)
            if here is not None and there is not None and there < here:
                wrong.append(f"{module} imports {target}")
    return wrong


def test_imports_point_down_the_layers() -> None:
    assert upward_imports() == []


def test_the_package_root_holds_only_the_layers() -> None:
    layers = {name for names in LAYERS for name in names}
    stray = {
        entry.name
        for entry in PACKAGE.iterdir()
        if entry.name not in ROOT_FILES | layers and entry.name != "__pycache__"
    }
    assert stray == set()


def test_no_module_is_longer_than_one_sitting() -> None:
    long = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and str(path.relative_to(PACKAGE)) not in GENERATED
    }
    assert long == {}


def platform_folders() -> set[str]:
    return {path.parent.name for path in (PACKAGE / "platforms").glob("*/spec.py")}


def code_words(path: Path) -> set[str]:
    """The words of a module's names (`bluesky_handle` gives `bluesky`; `daemon_threads`, a
    standard library attribute, gives none) and string literals: its code, not its comments and
    docstrings."""
    words: set[str] = set()
    previous = tokenize.NEWLINE
    for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        docstring = token.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
        if token.type == tokenize.NAME:
            words.add(token.string.lower().split("_")[0])
        elif token.type == tokenize.STRING and not docstring:
            words.update(re.findall(r"[a-z]+", token.string.lower()))
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.type
    return words


def test_a_platform_is_named_only_in_its_own_folder() -> None:
    """Generic code iterates the registry. The CLI's help texts are user-facing docs."""
    names = platform_folders() - {"x"}  # "x" is a letter too: its folder is checked by the others' rule
    assert names >= {"bluesky", "mastodon", "linkedin", "threads", "discord"}
    found = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "cli" or (relative.parts[0] == "platforms" and relative.parts[1] in platform_folders()):
            continue
        if named := code_words(path) & names:
            found[str(relative)] = sorted(named)
    assert found == {}
