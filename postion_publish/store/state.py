"""`.postion/state.json`: which posts were seen and, per platform, announced.

A post is matched by its stable id first and by its URL second, so that a changed slug (same id)
or a renamed file (same URL) is never announced again.

Per post and platform the state holds a status:
- `announced`: done (with the live id, url and time);
- `pending`: planned but not yet posted (a failed or skipped attempt): planned again next time;
- `unknown`: a send whose outcome is not known: never sent again blindly, the user decides.
A post that is in the state without a platform is *not* new for it: adding a platform to the
config announces posts from then on, not the whole archive.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from postion_publish.core.errors import BadInput
from postion_publish.core.repofiles import refuse_linked_folder
from postion_publish.store.journal import STATE_EVENT, journal_path, read_events
from postion_publish.store.jsonfile import (
    COUNT,
    LIST,
    OBJECT,
    TEXT,
    TIME,
    Expectation,
    Pieces,
    all_among,
    all_objects,
    check_fields,
    check_many,
    encoded,
    field_values,
    parse_json_object,
    read_identified,
    write_atomic,
)
from postion_publish.store.names import STATE_DIR as STATE_DIR
from postion_publish.store.names import STATE_FILE as STATE_FILE
from postion_publish.store.written_posts import WrittenPosts

if TYPE_CHECKING:
    from postion_publish.core.posts import Post
    from postion_publish.store.checked import CheckedFiles

VERSION = 1


class PlatformStatus(StrEnum):
    """Where a (post, platform) stands; see the module's docstring."""

    ANNOUNCED = "announced"
    PENDING = "pending"
    UNKNOWN = "unknown"


STATUSES = tuple(PlatformStatus)
_STATUS_SET = frozenset(STATUSES)


def state_path(root: Path) -> Path:
    return root / STATE_DIR / STATE_FILE


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class State:
    """An immutable view of the state file; changes return a new State."""

    posts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def url_index(self, urls: Iterable[str] = ()) -> dict[str, str]:
        """URL -> the id of the (last) post recorded with it. Of a file a run wrote, only `urls`
        are looked for (see `written_posts`): those of the posts whose id is not recorded. Of any
        other file, every URL is in, and `urls` (a generator, best) is not even looked at."""
        if isinstance(self.posts, WrittenPosts):
            return self.posts.url_index(urls)
        return {entry["url"]: post_id for post_id, entry in self.posts.items() if "url" in entry}

    def any_unknown(self) -> bool:
        """Whether the outcome of any (post, platform) is unknown; looked for without a Python loop
        (a state may hold 10,000 posts), in a file a run wrote without parsing it."""
        posts = self.posts
        if isinstance(posts, WrittenPosts) and not posts.file.holds(b'"status": "unknown"'):
            posts = posts.changes
        entries: list[Any] = list(posts.values())
        platforms = field_values(entries, "platforms", {})
        records = itertools.chain.from_iterable(map(dict.values, platforms))
        return PlatformStatus.UNKNOWN.value in map(dict.get, records, itertools.repeat("status"))

    def entry_id(self, post: Post, by_url: Mapping[str, str] | None = None) -> str | None:
        """The key under which this post is recorded: its id, else the id recorded for its URL."""
        if post.id in self.posts:
            return post.id
        return (by_url if by_url is not None else self.url_index([post.url])).get(post.url)

    def platforms_due(self, post: Post, platforms: Iterable[str], by_url: Mapping[str, str] | None = None) -> list[str]:
        """The platforms this post still has to be announced on."""
        key = self.entry_id(post, by_url)
        if key is None:
            return list(platforms)
        recorded = self.posts[key].get("platforms", {})
        return [name for name in platforms if recorded.get(name, {}).get("status") == PlatformStatus.PENDING]

    def is_settled(self, post_id: str) -> bool:
        """Recorded, with nothing left to do on any platform."""
        entry = self.posts.get(post_id)
        if entry is None:
            return False
        return all(record.get("status") != PlatformStatus.PENDING for record in entry.get("platforms", {}).values())

    def settles_all(self, posts: Iterable[tuple[str, str]]) -> bool:
        """Every post, given as (id, url), recorded with nothing left to do: no plan, whatever the
        config, has a job for any of them (a platform added since is not due for recorded posts)."""
        pairs, by_url = list(posts), None
        for post_id, url in pairs:
            key: str | None = post_id
            if post_id not in self.posts:
                if by_url is None:
                    by_url = self.url_index(other_url for other_id, other_url in pairs if other_id not in self.posts)
                key = by_url.get(url)  # None: a new post (never an entry that happens to be named "")
            if key is None or not self.is_settled(key):
                return False
        return True

    def status(self, post_id: str, platform: str) -> str | None:
        status = self.posts.get(post_id, {}).get("platforms", {}).get(platform, {}).get("status")
        return str(status) if status is not None else None

    def with_baseline(self, posts: Iterable[Post], now: dt.datetime) -> tuple[State, int]:
        """Every post not yet in the state, marked as already announced. Returns (state, count added)."""
        posts = list(posts)
        updated = editable_posts(self.posts)
        by_url = self.url_index(post.url for post in posts if post.id not in self.posts)
        added = 0
        for post in posts:
            if self.entry_id(post, by_url) is None and post.id not in updated:
                updated[post.id] = {"url": post.url, "baseline": utc_text(now), "platforms": {}}
                added += 1
        return State(updated), added

    def record(self, post: Post, platform: str) -> dict[str, Any]:
        """A copy of what is recorded for (post, platform); {} when nothing is."""
        key = self.entry_id(post)
        if key is None:
            return {}
        return dict(self.posts[key].get("platforms", {}).get(platform, {}))

    def with_record(self, post: Post, platform: str, record: Mapping[str, Any]) -> State:
        """Record one (post, platform), creating the post's entry when needed."""
        return self.with_entry_record(self.entry_id(post) or post.id, post.url, platform, record)

    def with_entry_record(self, key: str, url: str, platform: str, record: Mapping[str, Any]) -> State:
        """Record one platform of the entry `key` (the post's id, or the one first recorded for its URL)."""
        updated = editable_posts(self.posts)
        put_record(updated, key, url, platform, record)
        return State(updated)

    def with_platform_status(
        self, post: Post, platform: str, status: str, details: Mapping[str, Any] | None = None
    ) -> State:
        return self.with_record(post, platform, {"status": status, **(details or {})})

    def with_pending(
        self, pairs: Iterable[tuple[Post, str]], seen: str | None = None
    ) -> tuple[State, list[tuple[str, str, str]]]:
        """Mark (post, platform) pairs pending unless already recorded: before a run sends anything,
        so that a post first seen now keeps every platform it is due on, even those this run skips.
        Returns the new state and what it marked: (entry key, post URL, platform)."""
        updated, marked = editable_posts(self.posts), []  # copied once: the state may hold thousands of posts
        state, pairs = State(updated), list(pairs)
        by_url = self.url_index(post.url for post, _ in pairs if post.id not in self.posts)
        for post, platform in pairs:
            key = state.entry_id(post, by_url) or post.id
            if not updated.get(key, {}).get("platforms", {}).get(platform):
                record = {"status": PlatformStatus.PENDING, **({"seen": seen} if seen else {})}
                put_record(updated, key, post.url, platform, record)
                by_url[post.url] = key
                marked.append((key, post.url, platform))
        return state, marked

    def to_json(self) -> dict[str, Any]:
        posts = self.posts
        if not isinstance(posts, dict):
            posts = posts.as_dict() if isinstance(posts, WrittenPosts) else dict(posts)
        return {"version": VERSION, "posts": posts}


def state_text(state: State) -> bytes | Pieces:
    """The state file's text; of a file a run wrote, in pieces: the posts changed written into it."""
    if isinstance(state.posts, WrittenPosts):
        return state.posts.pieces()
    return encoded(state.to_json())


def editable_posts(posts: Mapping[str, Mapping[str, Any]]) -> MutableMapping[str, Mapping[str, Any]]:
    """A copy of a state's posts to change: of a file's posts, only the changes are copied."""
    return posts.copy() if isinstance(posts, WrittenPosts) else dict(posts)


def put_record(posts: MutableMapping[str, Any], key: str, url: str, platform: str, record: Mapping[str, Any]) -> None:
    """`State.with_entry_record` in place, on a copy of a state's posts that its owner changes."""
    entry = dict(posts.get(key, {}))
    entry["url"] = url
    platforms = dict(entry.get("platforms", {}))
    platforms[platform] = dict(record)
    entry["platforms"] = platforms
    posts[key] = entry


def load_state(root: Path, checked: CheckedFiles | None = None) -> State:
    """Read the state file, with what a run still sending, or killed, recorded in the journal
    since. Missing is a BadInput that explains `init --baseline`. `checked`: where the digests
    of files already checked are kept (see `checked`)."""
    path = state_path(root)
    refuse_linked_folder(path.parent, f"folder {STATE_DIR}")
    if not path.exists():
        raise BadInput(
            "no state file yet, so every post on the site would look new. Run `postion init --baseline` "
            "once to mark the posts already published as announced (nothing is posted), commit "
            f"{STATE_DIR}/, and from then on only new posts are announced",
            file=path,
        )
    raw, identity = read_identified(path, what="state file")
    if checked is not None and checked.vouches(STATE_FILE, raw, identity):
        written = WrittenPosts.of(raw) if checked.wrote(STATE_FILE) else None
        if written is not None:
            return with_journal(State(written), root)
        return with_journal(State(parse_json_object(raw, path, what="state file")["posts"]), root)
    return with_journal(parse_state(parse_json_object(raw, path, what="state file"), path), root)


JOURNAL_EVENT_FIELDS: dict[str, Expectation] = {"post": TEXT, "url": TEXT, "platform": TEXT, "record": OBJECT}


def with_journal(state: State, root: Path) -> State:
    """The state with the journal's records applied, in order (see `journal`)."""
    folder = root / STATE_DIR
    path = journal_path(folder)
    for event, line in read_events(folder, STATE_EVENT):
        try:
            check_fields(event, JOURNAL_EVENT_FIELDS, file=path, key="state", required=tuple(JOURNAL_EVENT_FIELDS))
            _check_record(event["record"], path, "state.record")
        except BadInput as error:
            raise BadInput(error.reason, file=path, line=line, key=error.key) from None
        state = state.with_entry_record(event["post"], event["url"], event["platform"], event["record"])
    return state


ENTRY_FIELDS: dict[str, Expectation] = {"url": TEXT, "baseline": TIME, "platforms": OBJECT}
RECORD_FIELDS: dict[str, Expectation] = {
    "id": TEXT,
    "url": TEXT,
    "time": TIME,
    "reason": TEXT,
    "intent": OBJECT,
    "parts": LIST,
    "rejected": TEXT,  # digest of a too-long message that failed: skipped until it changes
    "seen": TIME,  # when a publish run first found it due: `delay` counts from here
}
INTENT_FIELDS: dict[str, Expectation] = {"index": COUNT, "started": TIME, "data": OBJECT}
PART_FIELDS: dict[str, Expectation] = {"id": TEXT, "url": TEXT, "extra": OBJECT}


def parse_state(data: Mapping[str, Any], path: Path) -> State:
    """Check every value a run reads, so that a hand-edited or damaged file stops the run here
    (exit 2, naming the key) and never half-way through sending."""
    if data.get("version") != VERSION:
        raise BadInput(f"not a postion state file of version {VERSION}", file=path, key="version")
    posts = data.get("posts")
    if not isinstance(posts, dict):
        raise BadInput("'posts' must be an object", file=path, key="posts")
    ids, entries = list(posts), list(posts.values())
    platforms = field_values(entries, "platforms", {}) if all_objects(entries) else []
    if len(platforms) != len(entries) or not all_objects(platforms):
        for post_id, entry in posts.items():
            if not isinstance(entry, dict) or not isinstance(entry.get("platforms", {}), dict):
                raise BadInput("each post must be an object with 'platforms'", file=path, key=f"posts.{post_id}")
    check_many(entries, lambda: [f"posts.{post_id}" for post_id in ids], ENTRY_FIELDS, file=path)
    records = list(itertools.chain.from_iterable(map(dict.values, platforms)))

    def record_keys() -> list[str]:
        return [
            f"posts.{post_id}.platforms.{name}" for post_id, names in zip(ids, platforms, strict=True) for name in names
        ]

    if not all_objects(records) or not all_among(_STATUS_SET, field_values(records, "status")):
        for key, record in zip(record_keys(), records, strict=True):
            if not isinstance(record, dict) or record.get("status") not in STATUSES:
                raise BadInput(f"status must be one of {', '.join(STATUSES)}", file=path, key=key)
    check_many(records, record_keys, RECORD_FIELDS, file=path)
    if any(map(operator.contains, records, itertools.repeat("intent"))) or any(
        map(operator.contains, records, itertools.repeat("parts"))
    ):  # a run's own marks: few
        for key, record in zip(record_keys(), records, strict=True):
            if "intent" in record or "parts" in record:
                _check_marks(record, path, key)
    return State(posts)


def _check_record(record: Any, path: Path, key: str) -> None:
    if not isinstance(record, dict) or record.get("status") not in STATUSES:
        raise BadInput(f"status must be one of {', '.join(STATUSES)}", file=path, key=key)
    check_fields(record, RECORD_FIELDS, file=path, key=key)
    _check_marks(record, path, key)


def _check_marks(record: Mapping[str, Any], path: Path, key: str) -> None:
    if record.get("intent") is not None:
        check_fields(record["intent"], INTENT_FIELDS, file=path, key=f"{key}.intent", required=("index", "started"))
    for index, part in enumerate(record.get("parts") or []):
        if not isinstance(part, dict):
            raise BadInput("each part must be an object with id and url", file=path, key=f"{key}.parts.{index}")
        check_fields(part, PART_FIELDS, file=path, key=f"{key}.parts.{index}", required=("id", "url"))


def save_state(root: Path, state: State) -> None:
    write_atomic(state_path(root), state_text(state))
