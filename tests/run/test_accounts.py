"""Issue 33, item 2: several accounts per platform. Two Mastodon and two Bluesky accounts in one
config (each account on its own sandbox, so each one's posts can be counted): each post goes to
the accounts it names (`postion: {accounts: […]}`, default all), exactly once each, also when runs
are killed between a send's intent and its result, with per-account history, quota and
credentials (`POSTION_MASTODON_TOKEN_PROJECT`). A single unnamed account is untouched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_runner import CliRunner
from conftest import sandbox_env, write_post
from crash_support import publish, stored
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

pytestmark = pytest.mark.slow  # processes killed on purpose


@pytest.fixture
def second() -> Iterator[Sandbox]:
    other = Sandbox()
    other.start(0)
    yield other
    other.stop()


def blog(folder: Path, project: Sandbox, personal: Sandbox) -> dict[str, str]:
    folder.mkdir()

    def bluesky(sandbox: Sandbox) -> str:
        base = sandbox.platform_url("bluesky")
        handle = sandbox.credentials.bluesky_handle
        return f"{{handle: {handle}, service: '{base}', web_base: '{base}', appview: '{base}'}}"

    (folder / "postion.yml").write_text(
        f"""\
site_url: https://blog.example.com
source: {{type: content, path: posts}}
platforms:
  mastodon:
    thread: true
    accounts:
      project: {{instance: '{project.platform_url("mastodon")}'}}
      personal: {{instance: '{personal.platform_url("mastodon")}'}}
  bluesky:
    accounts:
      project: {bluesky(project)}
      personal: {bluesky(personal)}
""",
        encoding="utf-8",
    )
    write_post(folder, "everywhere.md", "title: Everywhere\ndate: 2026-03-01")
    write_post(
        folder,
        "chosen.md",
        "title: Chosen\ndate: 2026-03-02\npostion: {accounts: [mastodon/project, bluesky/personal]}",
    )
    write_post(folder, "toots.md", "title: Toots only\ndate: 2026-03-03\npostion: {accounts: [mastodon]}")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    env = {"POSTION_CACHE_DIR": str(folder / ".cache"), "POSTION_TOKEN_FILE": str(folder / ".cache" / "t.json")}
    for account, sandbox in (("PROJECT", project), ("PERSONAL", personal)):
        given = sandbox_env(sandbox, folder)
        env[f"POSTION_MASTODON_TOKEN_{account}"] = given["POSTION_MASTODON_TOKEN"]
        env[f"POSTION_BLUESKY_APP_PASSWORD_{account}"] = given["POSTION_BLUESKY_APP_PASSWORD"]
    return env


def test_each_post_goes_to_the_accounts_it_names_exactly_once_under_kills(
    tmp_path: Path, sandbox: Sandbox, second: Sandbox
) -> None:
    folder = tmp_path / "blog"
    env = blog(folder, sandbox, second)
    plan = CliRunner().invoke(main, ["plan", "--json", "-c", str(folder / "postion.yml")], env=env)
    jobs = sorted((job["post_id"], job["platform"]) for job in json.loads(plan.stdout)["jobs"])
    assert jobs == [
        ("chosen", "bluesky/personal"),
        ("chosen", "mastodon/project"),
        ("everywhere", "bluesky/personal"),
        ("everywhere", "bluesky/project"),
        ("everywhere", "mastodon/personal"),
        ("everywhere", "mastodon/project"),
        ("toots", "mastodon/personal"),
        ("toots", "mastodon/project"),
    ]

    for point in ("after-intent", "before-result", "before-announced"):  # killed, then killed again
        assert publish(folder, {**env, "POSTION_CRASH_AT": point}).returncode == 99
    done = publish(folder, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert publish(folder, env).returncode == 0  # and once more: nothing twice

    assert (stored(sandbox, "mastodon"), stored(sandbox, "bluesky")) == (3, 1)  # the project's
    assert (stored(second, "mastodon"), stored(second, "bluesky")) == (2, 2)  # the personal ones

    history = json.loads(
        CliRunner().invoke(main, ["history", "--json", "-c", str(folder / "postion.yml")], env=env).stdout
    )
    published = sorted((a["post"].rsplit("/", 2)[-2], a["platform"]) for a in history if a["status"] == "published")
    assert published == jobs  # one published attempt per (post, account)
    quota = json.loads(CliRunner().invoke(main, ["quota", "--json", "-c", str(folder / "postion.yml")], env=env).stdout)
    assert quota["by_platform"] == {
        "bluesky/personal": 2,
        "bluesky/project": 1,
        "mastodon/personal": 2,
        "mastodon/project": 3,
    }
    assert quota["used"] == 8


def test_an_account_without_its_credential_names_its_own_variable(
    tmp_path: Path, sandbox: Sandbox, second: Sandbox
) -> None:
    folder = tmp_path / "blog"
    env = blog(folder, sandbox, second)
    del env["POSTION_MASTODON_TOKEN_PERSONAL"]
    result = publish(folder, env)
    assert result.returncode == 1
    assert "POSTION_MASTODON_TOKEN_PERSONAL" in result.stdout and "`postion connect mastodon/personal`" in result.stdout
    assert stored(sandbox, "mastodon") == 3 and stored(second, "mastodon") == 0  # the others went
