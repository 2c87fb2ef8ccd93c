"""Exactly once through every command: `retry` in every order after publish, failed, unknown and
`--posted`; an answer that cannot be read after a send is an unknown outcome on that very run."""

from __future__ import annotations

import json
from pathlib import Path

from postion_publish.sandbox import Sandbox
from publish_support import cli

FIRST = "https://blog.example.com/first/"


def history(sandbox: Sandbox, blog: Path) -> list[dict[str, object]]:
    result = cli(sandbox, blog, "history", "--json")
    assert result.exit_code == 0, result.output
    attempts: list[dict[str, object]] = json.loads(result.stdout)
    return attempts


def unknown_discord_attempt(sandbox: Sandbox, blog: Path) -> str:
    sandbox.fail("discord", "500")  # refused, but a 5xx could have posted: unknown
    cli(sandbox, blog, "publish", "--platform", "discord", "--post", FIRST)
    [unknown] = [a for a in history(sandbox, blog) if a["error_kind"] == "unknown"]
    return str(unknown["id"])


def test_retry_after_posted_never_sends_again(sandbox: Sandbox, live_blog: Path) -> None:
    attempt = unknown_discord_attempt(sandbox, live_blog)
    live = f"{sandbox.base_url}/discord/channels/1/messages/42"
    settled = cli(sandbox, live_blog, "retry", attempt, "--posted", live)
    assert settled.exit_code == 0, settled.output
    again = cli(sandbox, live_blog, "retry", attempt)
    assert again.exit_code == 0, again.output
    assert "already announced" in again.output and live in again.output and "--again" in again.output
    assert sandbox.store["discord"].get("messages", {}) == {}  # nothing went out, ever
    assert json.loads(cli(sandbox, live_blog, "quota", "--json").stdout)["used"] == 1
    # --posted a second time, same URL: nothing to do; another URL: refused, naming the one recorded
    same = cli(sandbox, live_blog, "retry", attempt, "--posted", live)
    assert same.exit_code == 0 and "already announced" in same.output
    other = cli(sandbox, live_blog, "retry", attempt, "--posted", live + "0")
    assert other.exit_code == 2 and live in other.output
    assert json.loads(cli(sandbox, live_blog, "quota", "--json").stdout)["used"] == 1


def test_retry_of_an_old_failure_that_publish_since_posted(sandbox: Sandbox, live_blog: Path) -> None:
    cli(sandbox, live_blog, "publish", "--platform", "mastodon", env={"POSTION_MASTODON_TOKEN": "revoked"})
    failed = [a["id"] for a in history(sandbox, live_blog) if a["status"] == "failed"]
    assert len(failed) == 2
    assert cli(sandbox, live_blog, "publish", "--platform", "mastodon").exit_code == 0
    assert len(sandbox.store["mastodon"]["statuses"]) == 2
    result = cli(sandbox, live_blog, "retry", *map(str, failed))
    assert result.exit_code == 0, result.output
    assert result.output.count("already announced") == 2
    assert len(sandbox.store["mastodon"]["statuses"]) == 2
    published = [a for a in history(sandbox, live_blog) if a["status"] == "published"]
    assert len(published) == 2  # one line per real send
    assert json.loads(cli(sandbox, live_blog, "quota", "--json").stdout)["used"] == 2


def test_retry_again_is_a_deliberate_repost_counted_once(sandbox: Sandbox, live_blog: Path) -> None:
    cli(sandbox, live_blog, "publish", "--platform", "mastodon", "--post", FIRST)
    [done] = [a for a in history(sandbox, live_blog) if a["status"] == "published"]
    result = cli(sandbox, live_blog, "retry", str(done["id"]), "--again")
    assert result.exit_code == 0, result.output
    assert len(sandbox.store["mastodon"]["statuses"]) == 2
    newest = history(sandbox, live_blog)[0]
    assert newest["status"] == "published" and newest["error_kind"] == "again"
    assert json.loads(cli(sandbox, live_blog, "quota", "--json").stdout)["used"] == 2
    # and plain retry of either attempt afterwards sends nothing
    assert "already announced" in cli(sandbox, live_blog, "retry", str(newest["id"])).output
    assert len(sandbox.store["mastodon"]["statuses"]) == 2


def test_one_job_named_twice_is_sent_once(sandbox: Sandbox, live_blog: Path) -> None:
    """On Discord, which has no idempotency key to save a second send (Mastodon's would)."""
    for _ in range(2):  # two failed attempts of the same (post, platform): the webhook refused
        sandbox.fail("discord", "auth")
        cli(sandbox, live_blog, "publish", "--platform", "discord", "--post", FIRST)
    failed = [str(a["id"]) for a in history(sandbox, live_blog) if a["status"] == "failed"]
    assert len(failed) == 2
    result = cli(sandbox, live_blog, "retry", *failed, failed[0])
    assert result.exit_code == 0, result.output
    assert len(sandbox.store["discord"]["messages"]) == 1
    published = [a for a in history(sandbox, live_blog) if a["status"] == "published"]
    assert len(published) == 1  # history and quota count the one real send once
    assert json.loads(cli(sandbox, live_blog, "quota", "--json").stdout)["used"] == 1


def test_an_unreadable_answer_after_a_send_is_unknown_on_that_run(sandbox: Sandbox, live_blog: Path) -> None:
    sandbox.fail("mastodon", "garbled")
    result = cli(sandbox, live_blog, "publish", "--json", "--platform", "mastodon", "--post", FIRST)
    [mastodon] = json.loads(result.stdout)["results"]
    assert mastodon["status"] == "unknown", mastodon
    assert "may have gone out" in mastodon["error"]
    assert result.exit_code == 1
    assert len(sandbox.store["mastodon"]["statuses"]) == 1  # it did go out
    # the next run asks Mastodon (same Idempotency-Key) instead of posting again
    second = cli(sandbox, live_blog, "publish", "--json", "--platform", "mastodon", "--post", FIRST)
    [again] = json.loads(second.stdout)["results"]
    assert again["status"] == "published" and len(sandbox.store["mastodon"]["statuses"]) == 1


def test_an_unreadable_answer_on_a_platform_that_cannot_tell(sandbox: Sandbox, live_blog: Path) -> None:
    sandbox.fail("discord", "garbled")
    result = cli(sandbox, live_blog, "publish", "--json", "--platform", "discord", "--post", FIRST)
    [discord] = json.loads(result.stdout)["results"]
    assert discord["status"] == "unknown" and result.exit_code == 1
    [attempt] = history(sandbox, live_blog)
    assert attempt["status"] == "unknown"
    # never sent again on its own, by publish or a plain retry
    assert "Nothing new" in cli(sandbox, live_blog, "retry").output
    cli(sandbox, live_blog, "publish", "--platform", "discord", "--post", FIRST)
    assert len(sandbox.store["discord"]["messages"]) == 1
