"""Captions adapted per platform (`postion adapt`), stored in the repository so that what is
reviewed is what is posted: `.postion/captions/<post>.yml`, readable and editable by hand.

Each file holds a hash of the post's inputs (title, excerpt, tags, URL). A post that changed since
makes its captions stale: the plan says so and uses the template; nothing is regenerated silently.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from postion_publish.core.captions.reviewed import StoredCaptions, inputs_hash
from postion_publish.core.errors import BadInput
from postion_publish.core.repofiles import read_repo_file, refuse_linked_folder
from postion_publish.core.yaml_positions import load_located
from postion_publish.store.jsonfile import write_atomic
from postion_publish.store.state import STATE_DIR

__all__ = ["StoredCaptions", "caption_path", "inputs_hash", "load_captions", "save_captions"]

CAPTIONS_DIR = "captions"
MAX_CAPTION_FILE = 1024 * 1024
MAX_CAPTION_NODES = 10_000  # values once every alias is expanded: a file holds a few captions


def captions_dir(root: Path) -> Path:
    return root / STATE_DIR / CAPTIONS_DIR


def caption_path(root: Path, post_id: str) -> Path:
    """One file per post: its id made safe as a file name, with a short hash against collisions."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", post_id).strip("-.")[:80] or "post"
    import hashlib

    digest = hashlib.sha256(post_id.encode()).hexdigest()[:8]
    return captions_dir(root) / f"{safe}-{digest}.yml"


def load_captions(root: Path) -> dict[str, StoredCaptions]:
    """Every stored caption file, by post id. A file that cannot be read is an error naming it."""
    folder = captions_dir(root)
    refuse_linked_folder(folder, "captions folder")
    if not folder.is_dir():
        return {}
    found: dict[str, StoredCaptions] = {}
    for path in sorted(folder.glob("*.yml")):
        stored = _read(path)
        # The name is the post id's: a file of another name holding a post's id (`zzz.yml`, added
        # by a pull request) would otherwise replace that post's reviewed captions unseen.
        expected = caption_path(root, stored.post_id).name
        if stored.post_id in found:
            raise BadInput(
                f"two caption files for the post {stored.post_id!r}: {found[stored.post_id].file} and {path}; "
                f"keep one, named {expected}",
                file=path,
                key="post_id",
            )
        if path.name != expected:
            raise BadInput(
                f"this file holds the captions of the post {stored.post_id!r}, whose caption file is {expected}: "
                "rename it (or remove it) so that no file speaks for another post",
                file=path,
                key="post_id",
            )
        found[stored.post_id] = stored
    return found


def _read(path: Path) -> StoredCaptions:
    try:
        text = read_repo_file(path, what="caption file", limit=MAX_CAPTION_FILE).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read this caption file ({error.__class__.__name__})", file=path) from None
    # A pull request can add one: its aliases must not expand into a bomb (`str()` of one filled memory).
    data = load_located(text, file=path, limit=MAX_CAPTION_NODES).data
    if not isinstance(data, dict) or not isinstance(data.get("captions"), dict):
        raise BadInput("a caption file needs `post_id` and a `captions` mapping of platform to text", file=path)
    captions = data["captions"]
    for platform, caption in captions.items():
        if not isinstance(caption, str):
            raise BadInput("must be text", file=path, key=f"captions.{platform}")
    return StoredCaptions(
        post_id=str(data.get("post_id", "")),
        post_url=str(data.get("post", "")),
        inputs=str(data.get("inputs", "")),
        written_by=str(data.get("written_by", "")),
        captions={str(k): v for k, v in captions.items()},
        file=str(path),
        reviewed=data.get("reviewed", True) is not False,
    )


class _Dumper(yaml.SafeDumper):
    pass


def _text(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None  # multi-line captions as readable blocks
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def save_captions(root: Path, stored: StoredCaptions) -> Path:
    """Written atomically: a failed run never leaves half a file."""
    path = caption_path(root, stored.post_id)
    data = {
        "post": stored.post_url,
        "post_id": stored.post_id,
        "inputs": stored.inputs,
        "written_by": stored.written_by,
        **({} if stored.reviewed else {"reviewed": False}),
        "captions": dict(stored.captions),
    }
    header = (
        "# Captions for each platform, written by `postion adapt`: review and edit them freely; they are\n"
        "# posted exactly as they are here. `inputs` notices a changed post (then `postion adapt --force`).\n"
    )
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
    write_atomic(path, header + body)
    return path
