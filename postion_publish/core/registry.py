"""Every platform, found: each folder of `postion_publish.platforms` with a `spec` module is one.
Config validation, `skip:`, the CLI's `--platform`, the reports, the length rules, connect,
refresh and the sandbox read this registry and name no platform. The folders are imported on
first use, by name: generic code never imports a platform's module.

Adding a platform: a folder `platforms/<name>/` with `spec.py` (its `SPEC`), `rule.py`,
`adapter.py`, `connect.py` and `sandbox.py`, and its own tests. `registered` adds one for a test.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from postion_publish.core.spec import COMMON_KEYS, PlatformSpec

__all__ = [
    "COMMON_KEYS",
    "PlatformSpec",
    "account_of",
    "credential_sets",
    "display_name",
    "in_sandbox",
    "kind_of",
    "names",
    "publishable",
    "registered",
    "spec",
    "variable",
]

_FOLDERS = "postion_publish.platforms"
_found: dict[str, PlatformSpec] = {}


def _registry() -> dict[str, PlatformSpec]:
    if not _found:
        package = import_module(_FOLDERS)
        specs = [
            import_module(f"{_FOLDERS}.{folder.name}.spec").SPEC
            for folder in pkgutil.iter_modules(package.__path__)
            if folder.ispkg
        ]
        _found.update((found.name, found) for found in sorted(specs, key=lambda found: (found.position, found.name)))
    return _found


def names() -> tuple[str, ...]:
    """Every platform's name, in the registry's order."""
    return tuple(_registry())


def kind_of(key: str) -> str:
    """The platform of a key: `mastodon` for `mastodon` and for an account of it, `mastodon/project`."""
    return key.partition("/")[0]


def account_of(key: str) -> str | None:
    """The account's name in `mastodon/project`; None for a platform's one unnamed account."""
    return key.partition("/")[2] or None


def variable(name: str, key: str) -> str:
    """A credential's environment variable for a platform key: `POSTION_MASTODON_TOKEN`, and for the
    account `mastodon/project`, `POSTION_MASTODON_TOKEN_PROJECT`."""
    account = account_of(key)
    return f"{name}_{account.upper().replace('-', '_')}" if account else name


def credential_sets(key: str) -> tuple[tuple[str, ...], ...]:
    """The environment variables a platform key reads: its spec's alternative sets, for its account."""
    return tuple(tuple(variable(name, key) for name in names) for names in spec(key).credentials)


def spec(name: str) -> PlatformSpec:
    """The platform's spec, by its name or by the key of one of its accounts."""
    return _registry()[kind_of(name)]


def find(name: str) -> PlatformSpec | None:
    """The platform, or None for a name no longer known (an old ledger's entry)."""
    return _registry().get(kind_of(name))


def display_name(name: str) -> str:
    """`Mastodon`, and `Mastodon (project)` for a named account."""
    found = _registry().get(kind_of(name))
    shown = found.display if found else kind_of(name)
    account = account_of(name)
    return f"{shown} ({account})" if account else shown


def in_sandbox() -> tuple[str, ...]:
    """The platforms the local sandbox emulates."""
    return tuple(name for name, found in _registry().items() if found.sandbox)


def publishable() -> tuple[str, ...]:
    """The platforms this version can publish to."""
    return tuple(name for name, found in _registry().items() if found.adapter)


@contextmanager
def registered(new: PlatformSpec) -> Iterator[PlatformSpec]:
    """A platform added for the duration (tests: a new platform needs no other edit)."""
    registry = _registry()
    registry[new.name] = new
    try:
        yield new
    finally:
        del registry[new.name]
