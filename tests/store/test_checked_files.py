"""A run does not check again the state and ledger a run left (their digests are kept in the cache
folder), and checks everything as soon as a byte of them changed."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from cli_runner import CliRunner, Result
from conftest import sandbox_env, write_post
from crash_support import stored
from postion_publish.cli import main
from postion_publish.core.config import QuotaSettings
from postion_publish.core.results import Status
from postion_publish.run import workspace
from postion_publish.sandbox import Sandbox
from postion_publish.store import checked as checked_module
from postion_publish.store import ledger as ledger_module
from postion_publish.store import state as state_module
from postion_publish.store import written_posts
from postion_publish.store.checked import CheckedFiles, _checking_code, digest_of
from postion_publish.store.jsonfile import encoded
from postion_publish.store.ledger import Attempt, Ledger, load_ledger, write_ledger


def publish(blog: Path, env: dict[str, str]) -> Result:
    return CliRunner().invoke(main, ["publish", "-c", str(blog / "postion.yml"), "--platform", "mastodon"], env=env)


def read(blog: Path, name: str) -> Any:
    return json.loads((blog / ".postion" / name).read_text(encoding="utf-8"))


def write(blog: Path, name: str, data: Any) -> None:
    (blog / ".postion" / name).write_text(json.dumps(data), encoding="utf-8")


def first_record(state: Any) -> Any:
    return next(iter(state["posts"].values()))["platforms"]["mastodon"]


def forbid_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    def unexpected(*_: Any) -> Any:
        raise AssertionError("checked again")

    monkeypatch.setattr(state_module, "parse_state", unexpected)
    monkeypatch.setattr(ledger_module, "parse_ledger", unexpected)
    monkeypatch.setattr(workspace, "with_missing_history", unexpected)


def test_the_files_a_run_wrote_are_not_checked_again(sandbox: Sandbox, live_blog: Path, monkeypatch: Any) -> None:
    env = sandbox_env(sandbox, live_blog)
    assert publish(live_blog, env).exit_code == 0
    write_post(live_blog, "third.md", "title: Third post\ndate: 2026-03-03", "The third one.")
    forbid_checks(monkeypatch)
    second = publish(live_blog, env)
    assert second.exit_code == 0, second.output
    assert stored(sandbox, "mastodon") == 3
    third = publish(live_blog, env)  # nothing new; the files the second run wrote are vouched for too
    assert third.exit_code == 0, third.output


def test_a_state_a_run_wrote_is_not_parsed_whole_by_the_next_run(
    sandbox: Sandbox, live_blog: Path, monkeypatch: Any
) -> None:
    """The next run looks its posts up in the bytes and writes the new ones into them (see
    `written_posts`): the file is the one encoding the whole state gives."""
    env = sandbox_env(sandbox, live_blog)
    assert publish(live_blog, env).exit_code == 0
    write_post(live_blog, "third.md", "title: Third post\ndate: 2026-03-03", "The third one.")
    write_post(live_blog, "0-first.md", "title: Before the others\ndate: 2026-03-04", "Its id sorts first.")

    def unexpected(*_: Any) -> Any:
        raise AssertionError("parsed whole")

    monkeypatch.setattr(written_posts.WrittenFile, "whole", property(unexpected))
    monkeypatch.setattr(state_module, "parse_json_object", unexpected)
    second = publish(live_blog, env)
    assert second.exit_code == 0, second.output
    assert stored(sandbox, "mastodon") == 4
    raw = (live_blog / ".postion" / "state.json").read_bytes()
    state = json.loads(raw)
    assert raw == encoded(state) and len(state["posts"]) == 4
    assert all(entry["platforms"]["mastodon"]["status"] == "announced" for entry in state["posts"].values())


def test_files_found_sound_are_not_checked_again(sandbox: Sandbox, live_blog: Path, monkeypatch: Any) -> None:
    env = sandbox_env(sandbox, live_blog)
    assert publish(live_blog, env).exit_code == 0
    write(live_blog, "state.json", read(live_blog, "state.json"))  # another writer: other bytes, same values
    assert publish(live_blog, env).exit_code == 0  # checked (nothing new: nothing written), and remembered
    forbid_checks(monkeypatch)
    assert publish(live_blog, env).exit_code == 0


def test_files_a_run_left_are_not_even_hashed_again(sandbox: Sandbox, live_blog: Path, monkeypatch: Any) -> None:
    env = sandbox_env(sandbox, live_blog)
    assert publish(live_blog, env).exit_code == 0
    forbid_checks(monkeypatch)

    def no_hashing(raw: bytes) -> str:
        raise AssertionError("hashed again")

    monkeypatch.setattr(checked_module, "digest_of", no_hashing)
    again = publish(live_blog, env)  # nothing new: nothing written, so nothing to hash either
    assert again.exit_code == 0, again.output


def test_a_file_changed_in_place_to_the_same_size_is_hashed_and_checked_again(
    sandbox: Sandbox, live_blog: Path
) -> None:
    """Same inode, same size: only the change time tells (see the module `checked`)."""
    env = sandbox_env(sandbox, live_blog)
    assert publish(live_blog, env).exit_code == 0
    path = live_blog / ".postion" / "state.json"
    raw = path.read_bytes()
    changed = raw.replace(b'"announced"', b'"announcee"', 1)
    assert len(changed) == len(raw) and changed != raw
    time.sleep(0.05)  # past the clock tick of the run's own write
    with path.open("r+b") as stream:  # in place, as some editors save
        stream.write(changed)
    refused = publish(live_blog, env)
    assert refused.exit_code == 2 and "status must be one of" in refused.output


@pytest.mark.parametrize(
    ("name", "change", "key"),
    [
        (
            "state.json",
            lambda data: next(iter(data["posts"].values()))["platforms"]["mastodon"].update(time="later"),
            "time",
        ),
        ("ledger.json", lambda data: data["attempts"][0].update(attempts=-1), "attempts.0.attempts"),
    ],
)
def test_a_file_changed_since_is_checked_again(
    sandbox: Sandbox, live_blog: Path, name: str, change: Any, key: str
) -> None:
    env = sandbox_env(sandbox, live_blog)
    assert publish(live_blog, env).exit_code == 0
    data = read(live_blog, name)
    change(data)
    write(live_blog, name, data)
    refused = publish(live_blog, env)
    assert refused.exit_code == 2 and key in refused.output and name in refused.output


def test_an_attempt_missing_from_a_changed_history_is_found(sandbox: Sandbox, live_blog: Path) -> None:
    env = sandbox_env(sandbox, live_blog)
    assert publish(live_blog, env).exit_code == 0
    ledger = read(live_blog, "ledger.json")
    write(live_blog, "ledger.json", {**ledger, "attempts": ledger["attempts"][1:]})  # say, a bad merge
    assert publish(live_blog, env).exit_code == 0
    attempts = read(live_blog, "ledger.json")["attempts"]
    assert len(attempts) == 2 and attempts[-1]["error_kind"] == "reconciled"
    assert stored(sandbox, "mastodon") == 2  # nothing sent again


def test_a_record_made_by_other_code_vouches_for_nothing(sandbox: Sandbox, live_blog: Path) -> None:
    env = sandbox_env(sandbox, live_blog)
    assert publish(live_blog, env).exit_code == 0
    state = read(live_blog, "state.json")
    first_record(state)["status"] = "done"
    write(live_blog, "state.json", state)
    raw = (live_blog / ".postion" / "state.json").read_bytes()
    record = CheckedFiles.of(live_blog, env).path
    assert record is not None
    ledger = (live_blog / ".postion" / "ledger.json").read_bytes()
    vouched = {"state.json": digest_of(raw), "ledger.json": digest_of(ledger)}
    record.write_text(json.dumps({"code": "an older version's", "checked": vouched}), encoding="utf-8")
    refused = publish(live_blog, env)
    assert refused.exit_code == 2 and "status must be one of" in refused.output
    assert _checking_code() != "an older version's"


def test_a_cache_folder_that_cannot_be_written_costs_only_the_checks(sandbox: Sandbox, live_blog: Path) -> None:
    (live_blog / "not-a-folder").write_text("", encoding="utf-8")
    env = {**sandbox_env(sandbox, live_blog), "POSTION_CACHE_DIR": str(live_blog / "not-a-folder")}
    first = publish(live_blog, env)
    assert first.exit_code == 0, first.output
    assert stored(sandbox, "mastodon") == 2


def random_attempt(chance: random.Random, number: int) -> Attempt:
    odd = ["é", "😀", "日本", '"', "\\", "\n", "\u2028", "\t", "a\u0301", "<b>", "{}", "],"]
    text = "".join(chance.choice([*odd, "x", " "]) for _ in range(chance.randint(0, 12)))
    day = chance.choice(["2026-10-31", "2026-11-01", "2026-11-15", "2026-12-01"])
    return Attempt(
        id=f"{number:010x}",
        time=f"{day}T0{chance.randint(0, 9)}:00:00Z",
        post=f"https://blog.example.com/{text}/",
        post_id=text or "p",
        platform=chance.choice(["x", "bluesky", "mastodon"]),
        status=chance.choice([Status.PUBLISHED, Status.FAILED]),
        url=chance.choice([None, f"https://x.example/{number}"]),
        error=chance.choice([None, text]),
        attempts=chance.randint(1, 3),
        parts=chance.randint(0, 3),
        unreviewed=chance.random() < 0.2,
    )


def test_a_ledger_a_run_wrote_is_written_again_as_a_whole_write_would(tmp_path: Path) -> None:
    """The attempts of a file a run wrote are kept as bytes and the new ones spliced in: the file is
    byte for byte what encoding the whole would give, and its quota is the one counted."""
    chance = random.Random(12)
    settings = QuotaSettings(monthly_units=300, billing_day=1)
    for case in range(60):
        earlier = [random_attempt(chance, number) for number in range(chance.randint(0, 30))]
        tokens = chance.choice([{}, {"x": {"expires": "2027-01-01T00:00:00Z", "note": "é😀"}}])
        now = dt.datetime(2026, 11, chance.randint(1, 30), tzinfo=dt.UTC)
        ledger = Ledger(tuple(attempt.to_json() for attempt in earlier), tokens)
        raw = write_ledger(tmp_path, ledger, ledger.quota(settings, now))
        checked = CheckedFiles(tmp_path / "checked.json")
        checked.remember_written(tmp_path, [digest_of(b""), digest_of(raw)])
        loaded = load_ledger(tmp_path, checked)
        assert (loaded.written is not None) == bool(earlier), case  # an empty history is parsed
        later = now + dt.timedelta(days=chance.choice([0, 3, 40]))  # the same cycle, or the next
        for number in range(chance.randint(0, 4)):
            attempt = random_attempt(chance, 1000 + number)
            ledger, loaded = ledger.with_attempt(attempt), loaded.with_attempt(attempt)
        if chance.random() < 0.3:
            ledger, loaded = (
                replace(ledger, tokens={"new": "token record"}),
                replace(loaded, tokens={"new": "token record"}),
            )
        quota = ledger.quota(settings, later)
        assert loaded.quota(settings, later) == quota, case
        assert write_ledger(tmp_path, loaded, quota) == encoded(ledger.to_json(quota)), case
        assert loaded.records == ledger.records, case


def test_without_a_cache_folder_to_find_everything_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    checked = CheckedFiles.of(Path("."), {})
    assert checked.path is None and not checked.vouches("state.json", b"{}")


ODD_TEXT = ["é", "😀", "\uffff", "日本", '"', "\\", "\n", "\u2028", "\t", "a\u0301", '": {', "\n    }", "],", "x", " "]


def random_text(chance: random.Random, longest: int = 8) -> str:
    return "".join(chance.choice(ODD_TEXT) for _ in range(chance.randint(0, longest)))


def random_record(chance: random.Random) -> dict[str, Any]:
    status = chance.choice(["announced", "announced", "pending", "unknown"])
    record: dict[str, Any] = {"status": status, "time": "2026-11-02T00:00:00Z"}
    if chance.random() < 0.5:
        record["parts"] = [{"id": random_text(chance), "url": f"https://x.test/{random_text(chance)}"}]
    if chance.random() < 0.2:
        record["intent"] = {"index": 0, "started": "2026-11-02T00:00:00Z", "data": {"status": "unknown"}}
    return record


def test_a_state_a_run_wrote_is_read_post_by_post_and_written_as_a_whole_write_would(tmp_path: Path) -> None:
    """The posts of a file a run wrote are kept as bytes (`written_posts`): every question a run asks
    of them has the answer the parsed file gives, and the changed posts spliced in give the bytes
    that encoding the whole state gives."""
    chance = random.Random(7)
    for case in range(150):
        ids = {random_text(chance) + str(number) for number in range(chance.choice([chance.randint(1, 25), 90]))}
        urls = [f"https://blog.test/{random_text(chance, 3)}" for _ in range(4)]  # shared, at times
        posts: dict[str, Any] = {
            post_id: {
                "url": chance.choice(urls),
                "platforms": {name: random_record(chance) for name in chance.sample(["x", "bluesky", "y"], 2)},
            }
            for post_id in ids
        }
        if chance.random() < 0.1:  # a post without a url (hand-written once)
            next(iter(posts.values())).pop("url")
        if chance.random() < 0.3:  # a field of someone else's, kept: after the url (its own, here)
            next(iter(posts.values())).update(url="https://blog.test/its-own", zzz={"url": "https://blog.test/"})
        raw = encoded({"version": 1, "posts": posts})
        whole = state_module.State(json.loads(raw)["posts"])  # as a run reads the file whole: in its order
        written = state_module.WrittenPosts.of(raw)
        assert written is not None, case
        lazy = state_module.State(written)
        for _ in range(chance.choice([chance.randint(0, 6), 70])):  # a few posts changed, or many
            key = chance.choice([*ids, random_text(chance), "\U0010ffff", ""])  # a new post: anywhere in the order
            url = chance.choice([*urls, posts.get(key, {}).get("url", urls[0])])
            platform, record = chance.choice(["x", "z"]), random_record(chance)
            whole = whole.with_entry_record(key, url, platform, record)
            lazy = lazy.with_entry_record(key, url, platform, record)
        # First what a run asks (before anything parses the file whole), then everything.
        asked = {*urls, "https://blog.test/none", *(entry.get("url", "") for entry in posts.values())}
        found, everything = lazy.url_index(asked), whole.url_index()
        assert {url: found[url] for url in asked if url in found} == {
            url: everything[url] for url in asked if url in everything
        }, case
        for key in (*ids, random_text(chance), "\U0010ffff"):
            assert (key in lazy.posts) == (key in whole.posts), case
        assert lazy.any_unknown() == whole.any_unknown(), case
        assert b"".join(state_module.state_text(lazy)) == encoded(whole.to_json()), case
        assert list(lazy.posts) == list(whole.posts) and len(lazy.posts) == len(whole.posts), case
        assert all(lazy.posts[post_id] == entry for post_id, entry in whole.posts.items()), case
