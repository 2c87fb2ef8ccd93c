"""JSON files in the user's repo: read with clear errors, written atomically and diff-friendly."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from postion_publish.errors import BadInput


def read_json_object(path: Path, *, what: str) -> dict[str, Any]:
    """Load a JSON object. A missing, empty or corrupt file is a BadInput naming it: never a reset."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"the {what} does not exist", file=path) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"the {what} cannot be read ({error.__class__.__name__})", file=path) from None
    if not text.strip():
        raise BadInput(f"the {what} is empty; restore it from git (git checkout -- {path})", file=path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(
            f"the {what} is not valid JSON ({error.msg}); restore it from git", file=path, line=error.lineno
        ) from None
    if not isinstance(data, dict):
        raise BadInput(f"the {what} must hold a JSON object", file=path, line=1)
    return data


def dumps(data: Any) -> str:
    """Sorted keys and stable indentation, so that git diffs of state and ledger stay small."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    """Write through a temporary file in the same folder and rename it over the target, so a crash
    leaves either the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(temporary, mode)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any, mode: int = 0o644) -> None:
    write_atomic(path, dumps(data), mode)
