"""The cache folder: what runs keep between them, outside the repository and never committed
(sessions, facts about servers, digests of checked files). Light: the `plan` path uses it too."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path


def cache_dir(environ: Mapping[str, str]) -> Path:
    """POSTION_CACHE_DIR, else the user's cache folder (XDG_CACHE_HOME or ~/.cache) / postion."""
    if environ.get("POSTION_CACHE_DIR"):
        return Path(environ["POSTION_CACHE_DIR"])
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "postion"


def cache_file(folder: Path, kind: str, *identity: str) -> Path:
    """`folder/<kind>-<digest>.json`: the digest names the server (or repository) without writing
    its address (or a webhook's token) in the file name."""
    digest = hashlib.sha256("|".join(identity).encode()).hexdigest()[:16]
    return folder / f"{kind}-{digest}.json"
