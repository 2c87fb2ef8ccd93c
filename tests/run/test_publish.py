"""Publishing for real, against the sandbox: results, retries, state, ledger, quota, lock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import sandbox_env, write_post
from postion_publish.core.errors import BadInput, Locked
from postion_publish.run.execute import RetryPolicy
from postion_publish.run.workspace import RunOptions, RunOutcome, publish
from postion_publish.sandbox import Sandbox
from postion_publish.store.lock import publishing_lock
from scripted_server import Answer, Script, ScriptedServer

FAST = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, max_wait=5)


def options(sandbox: Sandbox, blog: Path, **changes: Any) -> RunOptions:
    environ = {**sandbox_env(sandbox, blog), **changes.pop("environ", {})}
    return RunOptions(environ=environ, policy=changes.pop("policy", FAST), **changes)


def run_publish(sandbox: Sandbox, blog: Path, **changes: Any) -> RunOutcome:
    return publish(blog / "postion.yml", options(sandbox, blog, **changes))


def with_mastodon_at(sandbox: Sandbox, blog: Path, script: Script) -> RunOutcome:
    """Publish with Mastodon's instance replaced by a scripted server (the other platforms: the sandbox)."""
    server = ScriptedServer(script)
    try:
        config = (blog / "postion.yml").read_text()
        (blog / "postion.yml").write_text(config.replace(f"{sandbox.base_url}/mastodon", server.url))
        return run_publish(sandbox, blog)
    finally:
        server.stop()


def summary(outcome: RunOutcome) -> list[tuple[str, str, str]]:
    return sorted((r.job.post.id, r.job.platform, r.status) for r in outcome.results)


def state(blog: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((blog / ".postion" / "state.json").read_text())
    return data


def counts(sandbox: Sandbox) -> tuple[int, int, int]:
    store = sandbox.store
    return (
        len(store["bluesky"].get("records", {})),
        len(store["mastodon"].get("statuses", {})),
        len(store["discord"].get("messages", {})),
    )


def test_publish_posts_every_new_post_everywhere_then_nothing(sandbox: Sandbox, live_blog: Path) -> None:
    outcome = run_publish(sandbox, live_blog)
    assert {status for *_, status in summary(outcome)} == {"published"} and len(outcome.results) == 6
    assert counts(sandbox) == (2, 2, 2)
    first = state(live_blog)["posts"]["first"]["platforms"]["bluesky"]
    assert first["status"] == "announced" and first["url"].startswith(sandbox.base_url)
    assert not outcome.failed and outcome.quota.used == 6
    assert run_publish(sandbox, live_blog).results == [] and counts(sandbox) == (2, 2, 2)


def test_the_ledger_records_every_attempt(sandbox: Sandbox, live_blog: Path) -> None:
    run_publish(sandbox, live_blog)
    ledger = json.loads((live_blog / ".postion" / "ledger.json").read_text())
    assert len(ledger["attempts"]) == 6 and ledger["quota"]["used"] == 6
    attempt = ledger["attempts"][0]
    assert set(attempt) >= {"id", "time", "post", "platform", "status", "url", "error", "attempts"}


def test_a_rate_limit_is_waited_out_and_retried(sandbox: Sandbox, live_blog: Path) -> None:
    sandbox.fail("bluesky", "429", retry_after=0, path_contains="createRecord")
    outcome = run_publish(sandbox, live_blog)
    [first] = [r for r in outcome.results if r.job.platform == "bluesky" and r.job.post.id == "first"]
    assert (first.status, first.attempts) == ("published", 2)


def test_a_transient_failure_is_retried_after_checking_it_did_not_post(sandbox: Sandbox, live_blog: Path) -> None:
    sandbox.fail("mastodon", "500")  # refused before storing; a 5xx might have posted, so check first
    outcome = run_publish(sandbox, live_blog)
    first = next(r for r in outcome.results if r.job.platform == "mastodon" and r.job.post.id == "first")
    assert (first.status, first.attempts) == ("published", 2)
    assert counts(sandbox)[1] == 2


def test_a_wait_beyond_the_bound_fails_with_the_time_to_try_again(sandbox: Sandbox, live_blog: Path) -> None:
    sandbox.fail("mastodon", "429", retry_after=3600, count=5)
    outcome = run_publish(sandbox, live_blog)
    failed = [r for r in outcome.results if r.status == "failed"]
    assert failed and all("asks to wait until" in (r.error or "") for r in failed)
    assert failed[0].attempts == 1


def test_auth_errors_are_not_retried_and_other_platforms_still_publish(sandbox: Sandbox, live_blog: Path) -> None:
    outcome = run_publish(sandbox, live_blog, environ={"POSTION_MASTODON_TOKEN": "revoked"})
    mastodon = [r for r in outcome.results if r.job.platform == "mastodon"]
    assert [(r.status, r.error_kind, r.attempts) for r in mastodon] == [("failed", "auth_expired", 1)] * 2
    assert counts(sandbox) == (2, 0, 2) and outcome.failed
    assert state(live_blog)["posts"]["first"]["platforms"]["mastodon"]["status"] == "pending"
    again = run_publish(sandbox, live_blog)  # with the right token: only what failed
    assert summary(again) == [("first", "mastodon", "published"), ("second", "mastodon", "published")]


def test_a_missing_credential_names_the_variable(sandbox: Sandbox, live_blog: Path) -> None:
    outcome = run_publish(sandbox, live_blog, environ={"POSTION_DISCORD_WEBHOOK_URL": ""})
    errors = {(r.error, r.error_kind) for r in outcome.results if r.job.platform == "discord"}
    said = (
        "discord: no credential: set the environment variable POSTION_DISCORD_WEBHOOK_URL (a CI secret), "
        "or `postion connect discord`"
    )
    assert errors == {(said, "not_connected")}  # never set is not "auth expired"


def test_content_rejections_are_not_retried(sandbox: Sandbox, live_blog: Path) -> None:
    write_post(
        live_blog,
        "third.md",
        "title: Third\ndate: 2026-03-03\npostion:\n  skip: [bluesky, discord]\n  mastodon: '" + "word " * 120 + "'",
    )
    config = (live_blog / "postion.yml").read_text().replace("thread: true}\n  discord", "}\n  discord")
    (live_blog / "postion.yml").write_text(config)
    (live_blog / "postion.yml").write_text(config.replace("instance: ", "max_characters: 1000, instance: "))
    outcome = run_publish(sandbox, live_blog, policy=FAST)
    [third] = [r for r in outcome.results if r.job.post.id == "third"]
    assert (third.status, third.error_kind, third.attempts) == ("failed", "content_rejected", 1)
    assert "character limit of 500" in (third.error or "")


def test_a_thread_that_fails_half_way_resumes_after_the_last_part(sandbox: Sandbox, live_blog: Path) -> None:
    write_post(
        live_blog,
        "long.md",
        "title: Long\ndate: 2026-03-04\npostion:\n  skip: [mastodon, discord]",
        " ".join(["word"] * 150),
    )
    sandbox.fail("bluesky", "429", retry_after=3600, path_contains="createRecord", after=3)  # part 2 of the thread
    first_run = run_publish(sandbox, live_blog)
    [long] = [r for r in first_run.results if r.job.post.id == "long"]
    assert long.status == "failed"
    recorded = state(live_blog)["posts"]["long"]["platforms"]["bluesky"]
    assert len(recorded["parts"]) == 1
    second_run = run_publish(sandbox, live_blog)
    assert summary(second_run) == [("long", "bluesky", "published")]
    thread = [r for r in sandbox.store["bluesky"]["records"].values() if r["value"]["text"].startswith(("word", "New"))]
    roots = [r for r in thread if "reply" not in r["value"]]
    assert len(thread) == 2 + len(long.job.messages) and len(roots) == 2 + 1


def test_quota_skips_what_does_not_fit_and_says_so(sandbox: Sandbox, live_blog: Path) -> None:
    config = (live_blog / "postion.yml").read_text() + "quota: {monthly_units: 4, billing_day: 1}\n"
    (live_blog / "postion.yml").write_text(config)
    outcome = run_publish(sandbox, live_blog)
    statuses = [r.status for r in outcome.results]
    assert statuses.count("published") == 4 and statuses.count("skipped") == 2
    skipped = next(r for r in outcome.results if r.status == "skipped")
    assert skipped.error and skipped.error.startswith("quota exhausted: all 4 units of this cycle are spent")
    assert outcome.failed and outcome.quota.used == 4


def test_dry_run_sends_and_writes_nothing(sandbox: Sandbox, live_blog: Path) -> None:
    before = (live_blog / ".postion" / "state.json").read_bytes()
    outcome = run_publish(sandbox, live_blog, dry_run=True)
    assert {r.status for r in outcome.results} == {"dry-run"}
    assert counts(sandbox) == (0, 0, 0) and (live_blog / ".postion" / "state.json").read_bytes() == before
    assert not (live_blog / ".postion" / "ledger.json").exists()


def test_a_second_run_while_one_holds_the_lock_is_refused(sandbox: Sandbox, live_blog: Path) -> None:
    with publishing_lock(live_blog), pytest.raises(Locked, match="another postion run holds"):
        run_publish(sandbox, live_blog)
    assert counts(sandbox) == (0, 0, 0)


def test_one_platform_only_keeps_the_others_due(sandbox: Sandbox, live_blog: Path) -> None:
    publish(live_blog / "postion.yml", options(sandbox, live_blog), platforms=["discord"])
    assert counts(sandbox) == (0, 0, 2)
    assert summary(run_publish(sandbox, live_blog)) == [
        ("first", "bluesky", "published"),
        ("first", "mastodon", "published"),
        ("second", "bluesky", "published"),
        ("second", "mastodon", "published"),
    ]


def test_an_unknown_platform_filter_is_bad_input(sandbox: Sandbox, live_blog: Path) -> None:
    with pytest.raises(BadInput, match="not in the configuration"):
        publish(live_blog / "postion.yml", options(sandbox, live_blog), platforms=["x"])


def test_a_corrupt_ledger_is_an_error_not_a_reset(sandbox: Sandbox, live_blog: Path) -> None:
    (live_blog / ".postion" / "ledger.json").write_text('{"version": 1, "attempts": [{"broken": true}]}')
    with pytest.raises(BadInput, match=r"ledger\.json"):
        run_publish(sandbox, live_blog)
    assert counts(sandbox) == (0, 0, 0)
    assert (live_blog / ".postion" / "ledger.json").read_text() == '{"version": 1, "attempts": [{"broken": true}]}'


def test_a_5xx_after_storing_is_resolved_not_reposted(sandbox: Sandbox, live_blog: Path) -> None:
    sandbox.fail("bluesky", "500-after", path_contains="createRecord")
    sandbox.fail("mastodon", "500-after")
    sandbox.fail("discord", "500-after")
    outcome = run_publish(sandbox, live_blog)
    assert counts(sandbox) == (2, 2, 2)  # nothing twice
    discord = next(r for r in outcome.results if r.job.platform == "discord" and r.error_kind == "unknown")
    assert "outcome unknown" in (discord.error or "")
    assert run_publish(sandbox, live_blog).results == []  # the unknown one is not sent blindly
    assert counts(sandbox) == (2, 2, 2)


def test_wait_live_announces_only_posts_whose_page_is_served(sandbox: Sandbox, live_blog: Path) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: dict[str, int] = {}

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits[self.path] = hits.get(self.path, 0) + 1
            live = self.path == "/first/" and hits[self.path] >= 2  # deployed a moment later
            self.send_response(200 if live else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{site.server_address[1]}"
        config = (live_blog / "postion.yml").read_text().replace("https://blog.example.com", base)
        (live_blog / "postion.yml").write_text(config)
        outcome = run_publish(sandbox, live_blog, wait_live=0.5, wait_interval=0.05)
    finally:
        site.shutdown()
    assert {(r.job.post.id, r.status) for r in outcome.results} == {("first", "published"), ("second", "skipped")}
    second = next(r for r in outcome.results if r.job.post.id == "second")
    assert second.error and "did not answer 200 within 0.5 s" in second.error and outcome.failed
    assert state(live_blog)["posts"]["second"]["platforms"]["discord"]["status"] == "pending"


def test_a_webhook_url_of_the_wrong_shape_is_refused_without_echoing_it(sandbox: Sandbox, live_blog: Path) -> None:
    outcome = run_publish(sandbox, live_blog, environ={"POSTION_DISCORD_WEBHOOK_URL": "not-a-url-but-secret-ish"})
    errors = {r.error for r in outcome.results if r.job.platform == "discord"}
    assert errors == {"discord: POSTION_DISCORD_WEBHOOK_URL is not a webhook URL (…/api/webhooks/ID/TOKEN)"}


def test_an_unexpected_answer_is_an_unknown_outcome_and_keeps_its_intent(sandbox: Sandbox, live_blog: Path) -> None:
    outcome = with_mastodon_at(
        sandbox, live_blog, lambda method, path: Answer(200, b"not json") if method == "POST" else Answer(404)
    )
    mastodon = [r for r in outcome.results if r.job.platform == "mastodon"]
    said = (
        "mastodon: its answer could not be read (JSONDecodeError); it may have gone out: the next run asks "
        "Mastodon before sending it again"
    )
    assert [(r.status, r.error) for r in mastodon] == [("unknown", said)] * 2  # never "failed": it may be out
    assert {r.status for r in outcome.results if r.job.platform != "mastodon"} == {"published"}
    record = state(live_blog)["posts"]["first"]["platforms"]["mastodon"]
    assert record["status"] == "pending" and record["intent"]["index"] == 0  # resolved before any resend


def test_a_caption_cut_at_the_default_limit_is_refitted_to_the_instances_in_plan_order(
    sandbox: Sandbox, live_blog: Path
) -> None:
    long = "A sentence that goes on. " * 40  # 1,000 characters: cut at Mastodon's default 500
    write_post(live_blog, "first.md", f"title: First post\ndate: 2026-03-01\ndescription: {long.strip()}")

    def mastodon(method: str, path: str) -> Answer:
        if path == "/api/v2/instance":  # a higher limit than the default: the cut caption is refitted
            return Answer(body=json.dumps({"configuration": {"statuses": {"max_characters": 5000}}}).encode())
        return Answer(body=json.dumps({"id": path, "url": "https://mastodon.example/@me/1"}).encode())

    outcome = with_mastodon_at(sandbox, live_blog, mastodon)
    order = [(r.job.post.id, r.job.platform) for r in outcome.results]
    platforms = ["bluesky", "mastodon", "discord"]
    assert order == [(post, name) for post in ("first", "second") for name in platforms]
    limits = {r.job.post.id: r.job.messages[0] for r in outcome.results if r.job.platform == "mastodon"}
    assert limits["first"].limit == 5000 and long.strip() in limits["first"].text  # whole, not cut
    assert limits["second"].limit == 500  # it fitted whole: sent as planned, without waiting for the limit


def test_the_instance_limit_never_delays_a_post_and_is_asked_once_a_day(sandbox: Sandbox, live_blog: Path) -> None:
    import threading

    long = "A sentence that goes on. " * 40  # cut at Mastodon's default 500: the instance's limit matters
    write_post(live_blog, "second.md", f"title: Second post\ndate: 2026-03-02\ndescription: {long.strip()}")
    posted = threading.Event()
    lookups: list[bool] = []

    def mastodon(method: str, path: str) -> Answer:
        if path == "/api/v2/instance":
            lookups.append(posted.wait(5))  # answers only after a status is posted: a post waiting for it would hang
            return Answer(body=json.dumps({"configuration": {"statuses": {"max_characters": 500}}}).encode())
        posted.set()
        return Answer(body=json.dumps({"id": path, "url": "https://mastodon.example/@me/1"}).encode())

    server = ScriptedServer(mastodon)
    try:
        config = (live_blog / "postion.yml").read_text()
        (live_blog / "postion.yml").write_text(config.replace(f"{sandbox.base_url}/mastodon", server.url))
        first = run_publish(sandbox, live_blog)
        write_post(live_blog, "third.md", f"title: Third post\ndate: 2026-03-03\ndescription: {long.strip()}")
        second = run_publish(sandbox, live_blog)
    finally:
        server.stop()
    assert lookups == [True]  # asked alongside the first post, then read from the cache folder
    statuses = [path for method, path in server.requests if method == "POST"]
    sent = [r for r in (*first.results, *second.results) if r.job.platform == "mastodon"]
    assert len(statuses) == sum(len(r.job.messages) for r in sent) and not first.failed and not second.failed
    assert [len(r.job.messages) > 1 for r in sent] == [False, True, True]  # the long ones: threads


def test_the_instance_limit_is_not_asked_when_every_caption_fits_whole(sandbox: Sandbox, live_blog: Path) -> None:
    requests: list[tuple[str, str]] = []

    def mastodon(method: str, path: str) -> Answer:
        requests.append((method, path))
        return Answer(body=json.dumps({"id": path, "url": "https://mastodon.example/@me/1"}).encode())

    assert not with_mastodon_at(sandbox, live_blog, mastodon).failed
    assert requests == [("POST", "/api/v1/statuses")] * 2  # one request a post: no limit changes a whole caption


def test_a_webhooks_guild_is_asked_once_then_kept(sandbox: Sandbox, live_blog: Path) -> None:
    def discord(method: str, path: str) -> Answer:
        if method == "GET":
            return Answer(body=json.dumps({"name": "hook", "channel_id": "7", "guild_id": "42"}).encode())
        return Answer(body=json.dumps({"id": f"m{len(server.requests)}", "channel_id": "7"}).encode())

    server = ScriptedServer(discord)
    try:
        webhook = {"POSTION_DISCORD_WEBHOOK_URL": f"{server.url}/api/webhooks/1/token-part"}
        first = run_publish(sandbox, live_blog, environ=webhook)
        write_post(live_blog, "third.md", "title: Third post\ndate: 2026-03-03", "The third one.")
        second = run_publish(sandbox, live_blog, environ=webhook)
    finally:
        server.stop()
    urls = [r.url for r in (*first.results, *second.results) if r.job.platform == "discord"]
    assert len(urls) == 3 and all(url and "/channels/42/7/" in url for url in urls)
    assert [method for method, _ in server.requests].count("GET") == 1  # the next runs read it from the cache
