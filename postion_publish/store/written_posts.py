"""The posts of a state file a run wrote, kept as its bytes: looked up, never parsed whole.

A run that publishes a few posts to a blog of 10,000 reads a 3 MB state and writes it back. Parsing
it whole and encoding it again cost about 20 ms, most of what such a state added to a run. A file
a run of this code wrote (see `checked.CheckedFiles.wrote`) has the layout `jsonfile.encoded` gives:
- each post starts on a line of its own, `\\n    "<id>": {`, and no other line starts with four
  spaces and a quote (deeper lines are indented further; strings escape their line ends);
- the posts are sorted by id, each ends on the line `\\n    }`, and a post's own `url` is the
  only field on a line that starts with six spaces and `"url": ` (deeper ones are indented further).
So a post is found by bisecting the bytes (a few short searches), a URL by one search for the
URLs asked about, and the posts a run changes are written into the bytes where they belong
(`pieces`): the same text `encoded` gives the whole state, the other posts copied as they were.
A run that asks about many posts has the file parsed once, whole. Any other file (a hand edit,
another layout) was never vouched for, and is parsed and checked whole (`state.load_state`).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import ItemsView, Iterable, Iterator, Mapping, MutableMapping, ValuesView
from typing import Any

import orjson

from postion_publish.store.jsonfile import encoded

_STRING = rb'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # a JSON string on one line
_POST_START = b'\n    "'
_POST_END = b"\n    }"
_HEAD = b'{\n  "posts": {'
_TAIL = b'\n  },\n  "version": 1\n}\n'
_URL_FIELD = b'\n      "url": '  # a post's own url (a record's is indented further)
_MANY = 64  # posts or URLs looked up one by one before the whole file is parsed once


@functools.cache
def _post_line() -> re.Pattern[bytes]:
    """A post's first line, with its id (compiled when first needed: `plan` never needs it)."""
    return re.compile(rb"\n    (" + _STRING + rb"): \{")


class WrittenFile:
    """A state file's bytes in that layout, and what was looked up in them."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.end = len(raw) - len(_TAIL)  # where the last post's line `\n    }` is followed by the tail
        self.found: dict[str, Mapping[str, Any] | None] = {}  # id -> post (None: not in the file)
        self.by_url: dict[str, str | None] = {}  # URL -> id of the last post with it (None: no post)

    @classmethod
    def of(cls, raw: bytes) -> WrittenFile | None:
        if raw.startswith(_HEAD + _POST_START) and raw.endswith(_POST_END + _TAIL):
            return cls(raw)
        return None  # no post yet (`"posts": {}`), or another layout

    @functools.cached_property
    def whole(self) -> dict[str, Mapping[str, Any]]:
        posts: dict[str, Mapping[str, Any]] = orjson.loads(self.raw)["posts"]
        return posts

    @functools.cached_property
    def whole_url_index(self) -> dict[str, str]:
        return {entry["url"]: post_id for post_id, entry in self.whole.items() if "url" in entry}

    def _asked_many(self) -> bool:
        """Whether so many posts or URLs were asked about that the file is better parsed whole (once, in C)."""
        return "whole" in self.__dict__ or len(self.found) + len(self.by_url) >= _MANY

    def _line_id(self, start: int) -> tuple[str, int]:
        """The id of the post whose line starts at `start`, and where its value starts."""
        line = _post_line().match(self.raw, start)
        if line is None:
            raise ValueError(f"not a post's line at byte {start}")  # cannot happen in this layout
        post_id: str = orjson.loads(line[1])
        return post_id, line.end() - 1

    def _next_line(self, start: int, stop: int) -> int:
        found = self.raw.find(_POST_START, start, stop)
        return found if found >= 0 else stop

    def first_at_least(self, post_id: str) -> int:
        """Where the first post whose id is not below `post_id` starts (`end`: after the last).
        Every post starting before `low` is below it; `high` starts a post that is not, or is `end`."""
        low, high = len(_HEAD), self.end
        while (first := self._next_line(low, high)) < high:
            middle = self._next_line((low + high) // 2, high)
            probe = middle if middle < high else first  # no post starts in the second half
            if self._line_id(probe)[0] >= post_id:
                high = probe
            else:
                low = probe + 1
        return high

    def post(self, post_id: str) -> Mapping[str, Any] | None:
        if post_id not in self.found:
            if self._asked_many():
                return self.whole.get(post_id)
            self.found[post_id] = self._parse(post_id)
        return self.found[post_id]

    def _parse(self, post_id: str) -> Mapping[str, Any] | None:
        start = self.first_at_least(post_id)
        if start == self.end:
            return None
        found, value = self._line_id(start)
        if found != post_id:
            return None
        entry: Mapping[str, Any] = orjson.loads(self.raw[value : self.raw.index(_POST_END, value) + len(_POST_END)])
        return entry

    def url_ids(self, urls: Iterable[str]) -> dict[str, str]:
        """URL -> id of the last post (in the file's order) with that url, for those of `urls` any has."""
        wanted = {url for url in urls if url not in self.by_url}
        if wanted and not self._asked_many() and len(wanted) + len(self.by_url) <= _MANY:
            self._search_urls(wanted)
        elif wanted:
            self.by_url.update((url, self.whole_url_index.get(url)) for url in wanted)
        return {url: post_id for url, post_id in self.by_url.items() if post_id is not None}

    def _search_urls(self, wanted: set[str]) -> None:
        self.by_url.update(dict.fromkeys(wanted))
        needles = []
        for url in sorted(wanted):
            with contextlib.suppress(TypeError):  # a lone surrogate: in no post (orjson writes none)
                needles.append(re.escape(orjson.dumps(url)))
        if not needles:
            return
        pattern = re.compile(re.escape(_URL_FIELD) + b"(" + b"|".join(needles) + b")")  # quoted: whole strings
        for found in pattern.finditer(self.raw):
            start = self.raw.rfind(_POST_START, 0, found.start())
            self.by_url[orjson.loads(found[1])] = self._line_id(start)[0]

    def holds(self, text: bytes) -> bool:
        return text in self.raw

    def pieces(self, changes: Mapping[str, Mapping[str, Any]]) -> list[bytes | memoryview]:
        """The bytes `encoded` gives `{"version": 1, "posts": {**file's posts, **changes}}`, in pieces:
        each changed post written over its old one, each new one inserted where its id sorts."""
        if len(changes) > _MANY:  # a run that changed many posts: encoded whole, at once, in C
            return [encoded({"version": 1, "posts": {**self.whole, **changes}})]
        view, edits = memoryview(self.raw), []
        for post_id in sorted(changes):
            text = encoded({"version": 1, "posts": {post_id: changes[post_id]}})[len(_HEAD) : -len(_TAIL)]
            start = self.first_at_least(post_id)
            if start < self.end and self._line_id(start)[0] == post_id:  # replaced
                edits.append((start, self.raw.index(_POST_END, start) + len(_POST_END), text))
            elif start < self.end:  # before the post that follows it
                edits.append((start, start, text + b","))
            else:  # after the last post
                edits.append((start, start, b"," + text))
        pieces: list[bytes | memoryview] = []
        done = 0
        for start, stop, text in edits:  # in the order of the file: ids sorted, as the posts are
            pieces += (view[done:start], text)
            done = stop
        pieces.append(view[done:])
        return pieces


class WrittenPosts(MutableMapping[str, Mapping[str, Any]]):
    """`State.posts` of a file a run wrote: the file's posts with `changes` (added or replaced
    posts) over them. A copy (`copy`) shares the file and copies only the changes. Posts are
    never removed from a state."""

    def __init__(self, written: WrittenFile, changes: dict[str, Mapping[str, Any]] | None = None) -> None:
        self.file = written
        self.changes = changes if changes is not None else {}

    @classmethod
    def of(cls, raw: bytes) -> WrittenPosts | None:
        """None unless `raw` has the layout `jsonfile.encoded` gives a state of one post or more."""
        written = WrittenFile.of(raw)
        return cls(written) if written is not None else None

    def copy(self) -> WrittenPosts:
        return WrittenPosts(self.file, dict(self.changes))

    def __getitem__(self, post_id: str) -> Mapping[str, Any]:
        found = self.changes.get(post_id)
        if found is None:
            found = self.file.post(post_id)
        if found is None:
            raise KeyError(post_id)
        return found

    def __contains__(self, post_id: object) -> bool:
        return post_id in self.changes or (isinstance(post_id, str) and self.file.post(post_id) is not None)

    def __setitem__(self, post_id: str, entry: Mapping[str, Any]) -> None:
        self.changes[post_id] = entry

    def __delitem__(self, post_id: str) -> None:
        raise TypeError("posts are never removed from a state")

    def __iter__(self) -> Iterator[str]:
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.as_dict())

    def as_dict(self) -> dict[str, Mapping[str, Any]]:
        return {**self.file.whole, **self.changes}

    def items(self) -> ItemsView[str, Mapping[str, Any]]:  # every post: the file parsed once, not one by one
        return self.as_dict().items()

    def values(self) -> ValuesView[Mapping[str, Any]]:
        return self.as_dict().values()

    def url_index(self, urls: Iterable[str]) -> dict[str, str]:
        """What `State.url_index` gives (URL -> id, the last post of a URL winning, in this
        order), for `urls` at least."""
        index = self.file.url_ids(urls)
        for post_id, entry in self.changes.items():
            before = self.file.post(post_id)
            if before is None:  # a new post: after those of the file
                if "url" in entry:
                    index[entry["url"]] = post_id
            elif before.get("url") != entry.get("url"):  # rare: the order of a shared URL's posts matters
                return {entry["url"]: post_id for post_id, entry in self.items() if "url" in entry}
        return index

    def pieces(self) -> list[bytes | memoryview]:
        """The state file's text, `{"version": 1, "posts": self}` as `encoded` gives it, in pieces."""
        return self.file.pieces(self.changes)
