"""A platform is one registry entry, its rule and its adapter: a new one added here appears in the
config checks, `--platform`, `skip:`, plan, publish and the report with no other edit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_runner import CliRunner, Result

from conftest import NOW, write_post
from postion_publish.cli import main
from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.checks import is_str
from postion_publish.core.config import PlatformSettings
from postion_publish.core.registry import PlatformSpec, registered
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import BuildContext, Intent, Journal, Outgoing, PartRef, Resolution, SafeToResend

RULE = LengthRule("fake", 100, len, can_thread=False)
SENT: list[tuple[str, str]] = []  # (room, text) of every message the fake platform received


class FakeAdapter:
    name = "fake"

    def __init__(self, room: str, token: str) -> None:
        self.room = room
        self.token = token

    async def publish(
        self, outgoing: Outgoing, *, done: list[PartRef], resend: Intent | None, journal: Journal
    ) -> list[PartRef]:
        await journal.before(0, {})
        SENT.append((self.room, outgoing.parts[0].text))
        ref = PartRef(str(len(SENT)), f"https://fake.example/{self.room}/{len(SENT)}")
        await journal.after(0, ref)
        return [ref]

    async def resolve(self, outgoing: Outgoing, intent: Intent) -> Resolution:
        return SafeToResend()

    async def character_limit(self) -> int | None:
        return None


def build(platform: PlatformSettings, context: BuildContext, client: DeadlineClient) -> FakeAdapter:
    return FakeAdapter(str(platform.options["room"]), context.secrets["POSTION_FAKE_TOKEN"])


FAKE = PlatformSpec(
    "fake",
    "Fake Social",
    rule="test_platform_registry:RULE",
    keys={"room": is_str},
    required=("room",),
    credentials=(("POSTION_FAKE_TOKEN",),),
    adapter="test_platform_registry:build",
)


@pytest.fixture
def fake_blog(tmp_path: Path) -> Iterator[Path]:
    SENT.clear()
    (tmp_path / "postion.yml").write_text(
        "site_url: https://blog.example.com\nsource: {type: content, path: posts}\n"
        "platforms:\n  fake: {room: general}\n  bluesky: {handle: me.example.com}\n"
    )
    write_post(tmp_path, "hello.md", "title: Hello\ndate: 2026-03-01")
    write_post(tmp_path, "quiet.md", "title: Quiet\ndate: 2026-03-02\npostion: {skip: [fake]}")
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    with registered(FAKE):
        yield tmp_path


def cli(blog: Path, *args: str, **env: str) -> Result:
    return CliRunner().invoke(main, [*args, "-c", str(blog / "postion.yml"), "--now", NOW], env=env)


def test_a_new_platform_is_checked_in_the_config(fake_blog: Path) -> None:
    config = fake_blog / "postion.yml"
    config.write_text(config.read_text().replace("{room: general}", "{rooom: general}"))
    result = cli(fake_blog, "plan")
    assert result.exit_code == 2 and "did you mean 'room'?" in result.output


def test_a_new_platform_is_planned_with_its_own_rule_and_skip(fake_blog: Path) -> None:
    plan = json.loads(cli(fake_blog, "plan", "--json").output)
    fake: list[dict[str, Any]] = [job for job in plan["jobs"] if job["platform"] == "fake"]
    assert [job["post_id"] for job in fake] == ["hello"]  # `skip: [fake]` is honoured
    assert fake[0]["messages"][0]["limit"] == 100
    assert "Fake Social" in cli(fake_blog, "plan").output


def test_a_new_platform_publishes_and_is_reported(fake_blog: Path) -> None:
    missing = cli(fake_blog, "publish", "--platform", "fake")
    assert missing.exit_code == 1 and "POSTION_FAKE_TOKEN" in missing.output
    result = cli(fake_blog, "publish", "--platform", "fake", POSTION_FAKE_TOKEN="t0ken")
    assert result.exit_code == 0, result.output
    assert "✓ Fake Social Hello  https://fake.example/general/1" in result.output
    assert SENT and SENT[0][0] == "general" and "New post: Hello" in SENT[0][1]
    history = json.loads(CliRunner().invoke(main, ["history", "--json", "-c", str(fake_blog / "postion.yml")]).output)
    assert history[0]["platform"] == "fake" and history[0]["status"] == "published"


def test_an_unknown_platform_is_refused_by_the_cli(fake_blog: Path) -> None:
    result = cli(fake_blog, "publish", "--platform", "nope")
    assert result.exit_code == 2 and "'nope' is not a platform" in result.output and "fake" in result.output
