"""AI captions: written per platform by `postion adapt` (a model behind OpenAI's or Anthropic's API,
faked on 127.0.0.1 with the real shapes, or the deterministic adaptation), stored for review,
shown by `plan`, posted byte for byte."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from action_support import PUSH, git, pull_request, run_action
from ai_fake import FakeModelAPI, Reply, serving
from ai_support import ai_block, blog, cli
from cli_runner import CliRunner
from conftest import write_post
from github_fake import FakeGitHub
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

CAPTION = "<caption>A fresh look at {URL} — read it #python</caption>"


@pytest.fixture(params=["openai", "anthropic"])
def model_api(request: pytest.FixtureRequest) -> Iterator[FakeModelAPI]:
    with serving(FakeModelAPI(request.param)) as fake:
        yield fake


def stored(folder: Path) -> dict[str, Any]:
    [path] = (folder / ".postion" / "captions").glob("*.yml")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_adapt_stores_a_caption_per_platform_that_plan_shows_and_publish_posts_byte_for_byte(
    tmp_path: Path, sandbox: Sandbox, model_api: FakeModelAPI
) -> None:
    folder = blog(tmp_path / "blog", sandbox, ai_block(model_api))
    model_api.replies = [Reply(CAPTION) for _ in range(3)]
    adapted = cli(folder, sandbox, "adapt")
    assert adapted.exit_code == 0, adapted.output
    captions = stored(folder)["captions"]
    assert set(captions) == {"bluesky", "mastodon", "discord"}
    expected = "A fresh look at https://blog.example.com/first/ — read it #python"
    assert all(text == expected for text in captions.values())
    # The requests had the provider's own shape.
    call = model_api.calls[0]
    if model_api.provider == "openai":
        assert call["path"] == "/v1/chat/completions" and call["headers"]["authorization"] == "Bearer sk-test-key-123"
        assert [m["role"] for m in call["body"]["messages"]] == ["system", "user"]
    else:
        assert call["path"] == "/v1/messages" and call["headers"]["x-api-key"] == "sk-test-key-123"
        assert call["headers"]["anthropic-version"] == "2023-06-01" and call["body"]["max_tokens"] > 0
        assert call["body"]["messages"][0]["role"] == "user" and "system" in call["body"]
    assert call["body"]["model"] == "test-model" and "First post" in json.dumps(call["body"])

    # Edited by hand after review: that is what is posted.
    path = next((folder / ".postion" / "captions").glob("*.yml"))
    path.write_text(path.read_text().replace("read it", "edited by hand {{ not a template }}"), encoding="utf-8")
    plan = json.loads(cli(folder, sandbox, "plan", "--json").stdout)
    reviewed = expected.replace("read it", "edited by hand {{ not a template }}")
    assert {job["messages"][0]["text"] for job in plan["jobs"]} == {reviewed}
    calls = len(model_api.calls)
    published = cli(folder, sandbox, "publish")
    assert published.exit_code == 0, published.output
    texts = [record["value"]["text"] for record in sandbox.store["bluesky"]["records"].values()]
    texts += [status["text"] for status in sandbox.store["mastodon"]["statuses"].values()]
    texts += [message["content"] for message in sandbox.store["discord"]["messages"].values()]
    assert texts == [reviewed] * 3
    write_post(folder, "second.md", "title: Second\ndate: 2026-03-02")
    assert cli(folder, sandbox, "publish").exit_code == 0
    assert len(model_api.calls) == calls  # publishing never asks the model


def test_the_model_is_never_trusted_with_the_link(tmp_path: Path, sandbox: Sandbox) -> None:
    with serving(FakeModelAPI("openai", [Reply("<caption>Go to https://evil.example/x now</caption>")] * 3)) as fake:
        folder = blog(tmp_path / "blog", sandbox, ai_block(fake))
        assert cli(folder, sandbox, "adapt", "--platform", "mastodon").exit_code == 0
    assert stored(folder)["captions"]["mastodon"] == "Go to now\nhttps://blog.example.com/first/"


def test_a_caption_too_long_is_asked_again_then_replaced_by_the_deterministic_one(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    too_long = Reply("<caption>" + "word " * 500 + "{URL}</caption>")  # Discord (no threads) takes 2000
    with serving(FakeModelAPI("openai", [too_long, too_long])) as fake:
        folder = blog(tmp_path / "blog", sandbox, ai_block(fake))
        result = cli(folder, sandbox, "adapt", "--platform", "discord")
        assert "Your last caption was too long" in fake.calls[1]["body"]["messages"][1]["content"]
    assert result.exit_code == 0 and "stayed too long" in result.output
    caption = stored(folder)["captions"]["discord"]
    assert caption.startswith("First post\n\nThe first one.") and "https://blog.example.com/first/" in caption


@pytest.mark.parametrize(
    ("replies", "message"),
    [
        ([Reply("")], "the answer was empty"),
        ([Reply("Sure! Here is a caption for your post about Python.")], "no <caption>"),
        ([Reply(status=401, raw={"error": {"message": "Incorrect API key provided"}})], "the key was refused"),
        ([Reply(status=429, headers={"retry-after": "3600"})], "rate limited (it asks to wait 3600 s)"),
        ([Reply(status=500, raw={"error": {"message": "overloaded"}})], "answered 500 (overloaded)"),
        ([Reply(CAPTION, delay=3)], "timeout"),
        # A provider that echoes the request: the key is cut from the message.
        ([Reply(status=400, raw={"error": {"message": "bad request with sk-test-key-123"}})], "[redacted]"),
    ],
)
def test_a_failing_model_is_a_clear_error_and_no_caption_file(
    tmp_path: Path, sandbox: Sandbox, replies: list[Reply], message: str
) -> None:
    with serving(FakeModelAPI("openai", replies)) as fake:
        folder = blog(tmp_path / "blog", sandbox, ai_block(fake, timeout=1))
        result = cli(folder, sandbox, "adapt", "--platform", "mastodon")
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert not (folder / ".postion" / "captions").exists()
    assert "sk-test-key-123" not in result.output


def test_a_short_rate_limit_is_waited_for(tmp_path: Path, sandbox: Sandbox) -> None:
    with serving(FakeModelAPI("anthropic", [Reply(status=429, headers={"retry-after": "0"}), Reply(CAPTION)])) as fake:
        folder = blog(tmp_path / "blog", sandbox, ai_block(fake))
        result = cli(folder, sandbox, "adapt", "--platform", "mastodon")
        assert result.exit_code == 0 and len(fake.calls) == 2


def test_without_a_model_the_adaptation_is_deterministic_and_a_changed_post_makes_it_stale(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    folder = blog(tmp_path / "blog", sandbox)
    result = cli(folder, sandbox, "adapt")
    assert result.exit_code == 0 and "deterministic" in result.output
    data = stored(folder)
    assert data["written_by"] == "deterministic"
    assert data["captions"]["mastodon"] == "First post\n\nThe first one.\n\nhttps://blog.example.com/first/\n#python"
    assert "#python" not in data["captions"]["discord"]
    assert cli(folder, sandbox, "adapt").output.strip() == "first: up to date"
    write_post(folder, "first.md", "title: First post, renamed\ndate: 2026-03-01\ntags: [python]", "The first one.")
    plan = json.loads(cli(folder, sandbox, "plan", "--json").stdout)
    job = next(job for job in plan["jobs"] if job["platform"] == "mastodon")
    assert "earlier version of this post" in job["warnings"][0]
    assert job["messages"][0]["text"].startswith("New post: First post, renamed")  # the template, not the stale one
    again = cli(folder, sandbox, "adapt", "--force", "first")
    assert again.exit_code == 0 and stored(folder)["captions"]["mastodon"].startswith("First post, renamed")


# --- the pull request review --------------------------------------------------------------------


def with_ai_on_main(repo: Path, fake: FakeModelAPI) -> None:
    config = repo / "postion.yml"
    config.write_text(config.read_text() + ai_block(fake), encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "AI captions")
    git(repo, "push", "--quiet", "origin", "main")


def open_pull_request(repo: Path, fork: bool = False) -> dict[str, Any]:
    payload = pull_request(repo)
    git(repo, "push", "--quiet", "origin", "new-post")
    head = "someone/r" if fork else "o/r"
    payload["pull_request"]["head"]["repo"] = {"full_name": head}
    return payload


def test_a_same_repository_pull_request_gets_its_captions_committed_once_and_merged_they_are_posted(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    with serving(FakeModelAPI("openai", [Reply(CAPTION) for _ in range(6)])) as fake:
        with_ai_on_main(repo, fake)
        payload = open_pull_request(repo)  # two new posts: one on main already, one in the pull request
        first = run_action(repo, sandbox, github, "pull_request", payload, POSTION_AI_API_KEY="sk-test-key-123")
        assert first.returncode == 0, first.stdout + first.stderr
        assert len(fake.calls) == 6 and "captions committed to new-post for review" in first.stdout
        git(repo, "fetch", "--quiet", "origin", "new-post")
        log = git(repo, "log", "--format=%s", "FETCH_HEAD")
        assert log.splitlines()[0] == "postion: captions for review"
        files = git(repo, "show", "--name-only", "--format=", "FETCH_HEAD").split()
        assert sorted(name.split("-")[0] for name in files) == [".postion/captions/second", ".postion/captions/third"]
        caption = "A fresh look at https://blog.example.com/third/ — read it #python"
        assert caption in github.comments[-1]["body"]

        # The next run checks out the branch with its captions: nothing to write, nothing committed.
        git(repo, "clean", "--quiet", "-fd", ".postion/captions")  # a fresh checkout, as on a new runner
        git(repo, "pull", "--quiet", "origin", "new-post")
        second = run_action(repo, sandbox, github, "pull_request", payload, POSTION_AI_API_KEY="sk-test-key-123")
        assert second.returncode == 0 and len(fake.calls) == 6
        git(repo, "fetch", "--quiet", "origin", "new-post")
        assert git(repo, "log", "--format=%s", "FETCH_HEAD").splitlines()[0] == "postion: captions for review"
        assert (
            git(repo, "rev-list", "--count", "FETCH_HEAD").strip() == git(repo, "rev-list", "--count", "HEAD").strip()
        )

        # Merged: the push publishes the reviewed captions, and asks the model nothing.
        git(repo, "checkout", "--quiet", "main")
        git(repo, "merge", "--quiet", "--no-edit", "new-post")
        git(repo, "push", "--quiet", "origin", "main")
        pushed = run_action(repo, sandbox, github, "push", PUSH, POSTION_AI_API_KEY="sk-test-key-123")
        assert pushed.returncode == 0, pushed.stdout + pushed.stderr
        assert len(fake.calls) == 6
    texts = [status["text"] for status in sandbox.store["mastodon"]["statuses"].values()]
    assert caption in texts


def test_a_pull_request_from_a_fork_writes_nothing_and_says_so(
    repo: Path, sandbox: Sandbox, github: FakeGitHub
) -> None:
    with serving(FakeModelAPI("openai")) as fake:
        with_ai_on_main(repo, fake)
        payload = open_pull_request(repo, fork=True)
        result = run_action(repo, sandbox, github, "pull_request", payload)
        assert result.returncode == 0 and fake.calls == []
    assert "not written for a pull request from a fork" in github.comments[-1]["body"]
    git(repo, "fetch", "--quiet", "origin", "new-post")
    assert git(repo, "log", "--format=%s", "-1", "FETCH_HEAD").strip() == "A new post"


# --- unreviewed captions, one post by hand, the post's own say ----------------------------------


def test_unreviewed_generate_writes_captions_at_publish_time_and_the_history_says_so(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    with serving(FakeModelAPI("openai", [Reply(CAPTION) for _ in range(3)])) as fake:
        folder = blog(
            tmp_path / "blog", sandbox, ai_block(fake).replace("model: test-model", "model: m, unreviewed: generate")
        )
        published = cli(folder, sandbox, "publish")
        assert published.exit_code == 0, published.output
        assert len(fake.calls) == 3
        data = stored(folder)
        assert data["reviewed"] is False and data["written_by"] == "openai:m"
        history = json.loads(CliRunner().invoke(main, ["history", "--json", "-c", str(folder / "postion.yml")]).stdout)
        assert {attempt["unreviewed"] for attempt in history} == {True}
        write_post(folder, "second.md", "title: Second\ndate: 2026-03-02", "Another.")
        fake.replies = [Reply(CAPTION) for _ in range(3)]
        assert cli(folder, sandbox, "publish").exit_code == 0
        assert len(fake.calls) == 6  # the second post's; the first's are never generated again
    texts = [status["text"] for status in sandbox.store["mastodon"]["statuses"].values()]
    assert "A fresh look at https://blog.example.com/first/ — read it #python" in texts


def test_the_post_decides_whether_the_model_writes_its_captions(tmp_path: Path, sandbox: Sandbox) -> None:
    with serving(FakeModelAPI("openai", [Reply(CAPTION)])) as fake:
        block = ai_block(fake).replace("model: test-model", "model: m, enabled: false")
        folder = blog(tmp_path / "blog", sandbox, block)
        write_post(folder, "first.md", "title: First post\ndate: 2026-03-01\npostion: {ai: true}", "The first one.")
        write_post(folder, "second.md", "title: Second\ndate: 2026-03-02", "Not for the model.")
        result = cli(folder, sandbox, "adapt", "--platform", "mastodon")
        assert result.exit_code == 0 and len(fake.calls) == 1, result.output
    assert "first: wrote" in result.output and "openai:m" in result.output
    assert "second: wrote" in result.output and "deterministic" in result.output


def test_post_with_ai_adapts_then_posts_the_stored_captions(tmp_path: Path, sandbox: Sandbox) -> None:
    with serving(FakeModelAPI("anthropic", [Reply(CAPTION)])) as fake:
        folder = blog(tmp_path / "blog", sandbox, ai_block(fake))
        url = "https://blog.example.com/first/"
        done = cli(folder, sandbox, "post", url, "--ai", "--platform", "mastodon")
        assert done.exit_code == 0, done.output
        assert len(fake.calls) == 1
    texts = [status["text"] for status in sandbox.store["mastodon"]["statuses"].values()]
    assert texts == [f"A fresh look at {url} — read it #python"]


def test_the_example_blog_adapted_by_each_api_is_posted_byte_for_byte_on_all_six(
    example_blog: Path, sandbox: Sandbox, model_api: FakeModelAPI
) -> None:
    from postion_publish.core import registry
    from postion_publish.run.demo import write_config

    config = write_config(example_blog, sandbox)  # the example's postion.yml, pointed at the sandbox
    config.write_text(config.read_text() + ai_block(model_api), encoding="utf-8")
    (example_blog / ".postion").mkdir(exist_ok=True)
    (example_blog / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    model_api.replies = [Reply(CAPTION) for _ in range(40)]
    adapted = cli(example_blog, sandbox, "adapt")
    assert adapted.exit_code == 0, adapted.output
    files = sorted((example_blog / ".postion" / "captions").glob("*.yml"))
    assert len(files) == 4  # the four posts the plan announces
    calls = len(model_api.calls)
    assert calls == 4 * 6 - 1  # the POSSE post's X caption is written by hand in its front matter
    published = cli(example_blog, sandbox, "publish")
    assert published.exit_code == 0, published.output
    on_platforms = {name: registry.spec(name).sandbox_module().texts(sandbox.store) for name in registry.in_sandbox()}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for platform, caption in data["captions"].items():
            assert caption in on_platforms[platform], (path.name, platform)
    assert len(model_api.calls) == calls  # publishing asked the model nothing


def test_adapt_after_adding_ai_writes_with_the_model_and_keeps_hand_edits(
    tmp_path: Path, sandbox: Sandbox, model_api: FakeModelAPI
) -> None:
    """Issue 27: captions made without a model were "up to date" once `ai:` was added, until --force."""
    folder = blog(tmp_path / "blog", sandbox)
    assert cli(folder, sandbox, "adapt").exit_code == 0
    path = next((folder / ".postion" / "captions").glob("*.yml"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["captions"]["mastodon"] = data["captions"]["mastodon"].replace("The first one.", "Edited by me.")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")  # one caption, edited after review
    edited = {"mastodon"}
    config = folder / "postion.yml"
    config.write_text(config.read_text() + ai_block(model_api), encoding="utf-8")
    model_api.replies = [Reply(CAPTION) for _ in range(3)]
    result = cli(folder, sandbox, "adapt")
    assert result.exit_code == 0, result.output
    captions = stored(folder)["captions"]
    expected = "A fresh look at https://blog.example.com/first/ — read it #python"
    for name, text in captions.items():
        assert ("Edited by me." in text) if name in edited else text == expected, (name, text)
