"""JSON files in the user's repo: read with clear errors, written atomically and diff-friendly."""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import orjson

from postion_publish.core.errors import BadInput
from postion_publish.core.repofiles import read_repo_file


def read_json_object(path: Path, *, what: str) -> dict[str, Any]:
    """Load a JSON object. A missing, empty or corrupt file is a BadInput naming it: never a reset."""
    return parse_json_object(read_json_bytes(path, what=what), path, what=what)


def read_json_bytes(path: Path, *, what: str) -> bytes:
    """The bytes of a JSON file, for `parse_json_object` (and a digest of them: see `checked`): a
    file of the repository, so neither a link nor beyond a bound (see `repofiles`)."""
    try:
        return read_repo_file(path, what=what)
    except FileNotFoundError:
        raise BadInput(f"the {what} does not exist", file=path) from None
    except OSError as error:
        raise BadInput(f"the {what} cannot be read ({error.__class__.__name__})", file=path) from None


def file_identity(path: Path) -> str | None:
    """What tells this version of a file from any other without reading it: device, inode, size,
    and the times of its last change. The kernel sets the change time at every write, and no
    program can set it back. None: the file cannot be looked at, or the system has no such time
    (Windows gives the creation time in its place)."""
    if os.name != "posix":
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    return f"{found.st_dev}:{found.st_ino}:{found.st_size}:{found.st_mtime_ns}:{found.st_ctime_ns}"


def read_identified(path: Path, *, what: str) -> tuple[bytes, str | None]:
    """`read_json_bytes`, and the file's identity if it did not change while it was read. Otherwise
    the identity is None, so that an identity never stands for bytes other than those read."""
    before = file_identity(path)
    raw = read_json_bytes(path, what=what)
    return raw, (before if file_identity(path) == before else None)


def parse_json_object(raw: bytes, path: Path, *, what: str) -> dict[str, Any]:
    if not raw or raw.isspace():  # a test, not `strip()`: that copied megabytes to look at the first byte
        raise BadInput(f"the {what} is empty; restore it from git (git checkout -- {path})", file=path)
    try:
        data = orjson.loads(raw)  # 2 to 3 times json's speed on a large state or ledger
    except orjson.JSONDecodeError:
        try:  # json names the line
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise BadInput(f"the {what} cannot be read ({error.__class__.__name__})", file=path) from None
        except json.JSONDecodeError as error:
            raise BadInput(
                f"the {what} is not valid JSON ({error.msg}); restore it from git", file=path, line=error.lineno
            ) from None
        except RecursionError:  # orjson stops at 1,024 levels; json at Python's recursion limit
            raise BadInput(
                f"the {what} nests too deeply to be one postion wrote; restore it from git", file=path
            ) from None
    if not isinstance(data, dict):
        raise BadInput(f"the {what} must hold a JSON object", file=path, line=1)
    return data


def encoded(data: Any, *, sort_keys: bool = True) -> bytes:
    """UTF-8 JSON with sorted keys and stable indentation, so that git diffs of state and ledger
    stay small (`sort_keys=False`: keys in the order given, for what a command prints: as bytes, a
    plan of 20,000 messages is never held as a string of 4-byte characters). orjson
    writes the same text as `json.dumps(indent=2, ensure_ascii=False)`, 10 to 25 times faster
    (json's indented output is written in Python); json writes what orjson cannot (an integer
    beyond 64 bits, a lone surrogate, shown as "?")."""
    try:
        # The newline by orjson: `+ b"\n"` copied the whole text (3 MB for a state of 10,000 posts).
        options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | (orjson.OPT_SORT_KEYS if sort_keys else 0)
        return orjson.dumps(data, option=options)
    except TypeError:
        text = json.dumps(data, indent=2, sort_keys=sort_keys, ensure_ascii=False) + "\n"
        return text.encode("utf-8", "replace")


def encoded_lists(lists: Sequence[tuple[str, Iterable[Any]]]) -> Iterator[bytes]:
    """An object of lists, `{"jobs": [...], ...}`, as `encoded(..., sort_keys=False)` writes it,
    an item at a time: a plan of 20,000 messages is never held as one document too (at 10,000
    new posts, 40 MB less at the peak)."""
    if not lists:
        yield b"{}\n"
        return
    yield b"{"
    for number, (name, items) in enumerate(lists):
        yield (b",\n  " if number else b"\n  ") + encoded(name).rstrip() + b": "
        empty = True
        for item in items:
            text = encoded(item, sort_keys=False).rstrip().replace(b"\n", b"\n    ")  # two levels in
            yield (b"[\n    " if empty else b",\n    ") + text
            empty = False
        yield b"[]" if empty else b"\n  ]"
    yield b"\n}\n"


Pieces = Sequence[bytes | memoryview]  # a file's text, not joined: megabytes are not copied once more


def write_atomic(path: Path, text: str | bytes | Pieces, mode: int = 0o644, *, durable: bool = True) -> None:
    """Write through a temporary file in the same folder and rename it over the target, so a crash
    leaves either the old file or the new one, never half of one. A folder that cannot be written
    (read-only, a full disk) is a BadInput naming the file; the old file is left as it was.
    `durable=False`: no fsync, for what the next build writes again anyway (the post manifest)."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # here: a run that only reads (`plan`) does without it

        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as stream:
            if isinstance(text, str | bytes):
                stream.write(text.encode("utf-8") if isinstance(text, str) else text)
            else:
                stream.writelines(text)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        reason = error.strerror or error.__class__.__name__
        raise BadInput(f"cannot write ({reason}); is the folder read-only or the disk full?", file=path) from None
    except BaseException:
        _remove(temporary)
        raise


def _remove(temporary: str | None) -> None:
    if temporary is not None:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def write_json_atomic(path: Path, data: Any, mode: int = 0o644, *, durable: bool = True) -> bytes:
    """Returns the bytes written."""
    raw = encoded(data)
    write_atomic(path, raw, mode, durable=durable)
    return raw


# --- checking what a file holds: valid JSON can still hold values no run could have written ------

# What a value must be (for the message), the test of one value, and the same test of a list of
# values at once (None in it: absent), done in C as far as can be: a ledger holds 10,000 attempts,
# and its file is read at every run.
Expectation = tuple[str, Callable[[Any], bool], Callable[[list[Any]], bool]]
_NONE = type(None)


def _is_time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.datetime.fromisoformat(value)  # Python 3.11 reads a "Z" as UTC
    except ValueError:
        return False
    return True


def _all_times(values: list[Any]) -> bool:
    present = [value for value in values if value is not None]
    if not _ONLY_TEXT.issuperset(map(type, present)):
        return False
    try:
        collections.deque(map(dt.datetime.fromisoformat, present), maxlen=0)
    except ValueError:
        return False
    return True


def _all_counts(values: list[Any]) -> bool:
    present = [value for value in values if value is not None]
    return _ONLY_INT.issuperset(map(type, present)) and (not present or min(present) >= 0)


def _all_of(kind: type) -> Callable[[list[Any]], bool]:
    accepted = frozenset((kind, _NONE))
    return lambda values: accepted.issuperset(map(type, values))


_ONLY_TEXT = frozenset((str,))
_ONLY_INT = frozenset((int,))
_ONLY_DICT = frozenset((dict,))
TEXT: Expectation = ("text", lambda value: isinstance(value, str), _all_of(str))
COUNT: Expectation = ("a whole number from 0", lambda value: type(value) is int and value >= 0, _all_counts)
TIME: Expectation = ("a time like 2026-01-31T09:30:00Z", _is_time, _all_times)
OBJECT: Expectation = ("an object", lambda value: isinstance(value, dict), _all_of(dict))
LIST: Expectation = ("a list", lambda value: isinstance(value, list), _all_of(list))
FLAG: Expectation = ("true or false", lambda value: isinstance(value, bool), _all_of(bool))


def all_objects(values: Sequence[Any]) -> bool:
    return _ONLY_DICT.issuperset(map(type, values))


def all_among(allowed: frozenset[Any], values: list[Any]) -> bool:
    """Whether every value is one of `allowed` (an unhashable one, a list or an object, is not)."""
    try:
        return allowed.issuperset(values)
    except TypeError:
        return False


def field_values(objects: Sequence[dict[str, Any]], name: str, default: Any = None) -> list[Any]:
    """`name` of every object (`default` where absent), without a Python loop."""
    return list(map(dict.get, objects, itertools.repeat(name), itertools.repeat(default)))


def check_fields(
    data: Mapping[str, Any],
    fields: Mapping[str, Expectation],
    *,
    file: Path,
    key: str,
    required: tuple[str, ...] = (),
) -> None:
    """Each known field has the expected kind (null is accepted for fields not required). A
    BadInput names the file and the key path, e.g. `posts.hello.platforms.x.intent.index`."""
    for name in required:
        if name not in data:
            raise BadInput(f"'{name}' is missing", file=file, key=key)
    for name, value in data.items():  # a ledger holds thousands of attempts: one pass over each
        expected = fields.get(name)
        if expected is None or (value is None and name not in required) or expected[1](value):
            continue
        shown = json.dumps(value, ensure_ascii=False)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        raise BadInput(f"must be {expected[0]}, not {shown}; restore the file from git", file=file, key=f"{key}.{name}")


def check_many(
    objects: Sequence[dict[str, Any]],
    keys: Callable[[], Sequence[str]],
    fields: Mapping[str, Expectation],
    *,
    file: Path,
    required: tuple[str, ...] = (),
) -> None:
    """`check_fields` on many objects, e.g. a ledger's 10,000 attempts: field by field across all of
    them at once (a tenth of the time); then, only where a field holds a wrong value somewhere,
    object by object, with `keys()` (each object's key path, made only then) to name it."""
    for name, (_, _, all_pass) in fields.items():
        values = field_values(objects, name)
        if (name in required and None in values) or not all_pass(values):
            break
    else:
        return
    for key, data in zip(keys(), objects, strict=True):
        check_fields(data, fields, file=file, key=key, required=required)
