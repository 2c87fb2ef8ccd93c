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

__all__ = ["COMMON_KEYS", "PlatformSpec", "display_name", "in_sandbox", "names", "publishable", "registered", "spec"]

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


def spec(name: str) -> PlatformSpec:
    return _registry()[name]


def find(name: str) -> PlatformSpec | None:
    """The platform, or None for a name no longer known (an old ledger's entry)."""
    return _registry().get(name)


def display_name(name: str) -> str:
    found = _registry().get(name)
    return found.display if found else name


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
