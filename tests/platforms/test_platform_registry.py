"""A platform is one folder: its spec, rule, adapter, connect flow and sandbox. The fake one added
here (this module plays its folder) appears in the config checks, `--platform`, `skip:`, plan,
publish, history, connect, `tokens status` and `refresh`, disconnect, the sandbox's page and the
demo, with no other edit."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cli_runner import CliRunner, Result
from conftest import NOW, write_post
from postion_publish.cli import main
from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.checks import is_str
from postion_publish.core.config import PlatformSettings
from postion_publish.core.errors import AuthExpired
from postion_publish.core.registry import PlatformSpec, registered
from postion_publish.net.client import DeadlineClient
from postion_publish.platforms.base import (
    BuildContext,
    Intent,
    Journal,
    Outgoing,
    PartRef,
    Resolution,
    SafeToResend,
    TokenInfo,
)
from postion_publish.sandbox.exchange import Request, Response
from postion_publish.sandbox.server import Sandbox
from postion_publish.tokens.connect import Connected, FlowInput, Prompter, api_client

# --- the fake platform's folder: rule, adapter, connect, sandbox ------------------------------------

RULE = LengthRule("fake", 500, len, can_thread=False)


class FakeAdapter:
    """Posts `{"text": …}` to `/messages` with a bearer token; refreshes it at `/refresh`."""

    name = "fake"

    def __init__(self, client: DeadlineClient, room: str, context: BuildContext) -> None:
        self.client, self.room, self.context = client, room, context

    async def publish(
        self, outgoing: Outgoing, *, done: list[PartRef], resend: Intent | None, journal: Journal
    ) -> list[PartRef]:
        await journal.before(0, {})
        answer = await self.client.post(
            "/messages", json={"room": self.room, "text": outgoing.parts[0].text}, headers=self._auth()
        )
        if answer.status_code == 401:
            raise AuthExpired("fake", "the token was refused")
        ref = PartRef(str(answer.json()["id"]), str(answer.json()["url"]))
        await journal.after(0, ref)
        return [ref]

    async def resolve(self, outgoing: Outgoing, intent: Intent) -> Resolution:
        return SafeToResend()

    async def character_limit(self) -> int | None:
        return None

    async def refresh(self) -> TokenInfo | None:
        answer = await self.client.post("/refresh", headers=self._auth())
        new = str(answer.json()["token"])
        assert self.context.tokens is not None
        self.context.tokens.put("POSTION_FAKE_TOKEN", new)
        return TokenInfo(expires=self.context.clock() + dt.timedelta(days=7))

    def _auth(self) -> dict[str, str]:
        token = (
            self.context.tokens.get("POSTION_FAKE_TOKEN") if self.context.tokens else None
        ) or self.context.secrets["POSTION_FAKE_TOKEN"]
        return {"Authorization": f"Bearer {token}"}


def build(platform: PlatformSettings, context: BuildContext, client: DeadlineClient) -> FakeAdapter:
    return FakeAdapter(client, str(platform.options["room"]), context)


def connect(given: FlowInput, prompter: Prompter) -> Connected:
    token = prompter.ask_secret("The fake token").strip()
    with api_client(given.api_base) as client:
        me = client.get("/me", headers={"Authorization": f"Bearer {token}"})
    return Connected({"POSTION_FAKE_TOKEN": token}, f"@{me.json()['name']}", method="token")


def revoke(options: PlatformSettings | None, held: Mapping[str, list[str]], by_hand: str) -> list[str]:
    REVOKED.extend(held.get("POSTION_FAKE_TOKEN", []))
    return [f"Fake Social: revoked {len(REVOKED)} token(s)"]


REVOKED: list[str] = []


@dataclass(frozen=True)
class Identity:
    fake_token: str = "fake-sandbox-token"


def handle(sandbox: Sandbox, request: Request) -> Response:
    store = sandbox.store.setdefault("fake", {})
    tokens = store.setdefault("tokens", [sandbox.credentials.fake_token])
    if request.bearer() not in tokens:
        return Response(401, {"error": "unauthorized"})
    if request.method == "GET" and request.path == "/me":
        return Response(200, {"name": "fakeuser"})
    if request.method == "POST" and request.path == "/refresh":
        tokens.append(f"{sandbox.credentials.fake_token}-{len(tokens)}")
        return Response(200, {"token": tokens[-1]})
    if request.method == "POST" and request.path == "/messages":
        number = sandbox.next_id()
        store.setdefault("messages", {})[str(number)] = request.json()
        return Response(200, {"id": number, "url": f"{sandbox.platform_url('fake')}/m/{number}"})
    return Response(404, {"error": "not found"})


def settings(sandbox: Sandbox) -> dict[str, Any]:
    return {"room": "general", "api_base": sandbox.platform_url("fake")}


def environment(sandbox: Sandbox) -> dict[str, str]:
    return {"POSTION_FAKE_TOKEN": sandbox.credentials.fake_token}


def texts(store: dict[str, Any]) -> list[str]:
    return [message["text"] for message in store.get("fake", {}).get("messages", {}).values()]


def articles(sandbox: Sandbox) -> list[str]:
    return [f"<article class=fake>{text}</article>" for text in texts(sandbox.store)]


FAKE = PlatformSpec(
    "fake",
    "Fake Social",
    rule=f"{__name__}:RULE",
    keys={"room": is_str},
    required=("room",),
    credentials=(("POSTION_FAKE_TOKEN",),),
    adapter=f"{__name__}:build",
    connect=f"{__name__}:connect",
    revoke=f"{__name__}:revoke",
    sandbox=__name__,
    refreshable=True,
    position=5,
)

# --- the tests ---------------------------------------------------------------------------------------


@pytest.fixture
def fake_blog(tmp_path: Path) -> Iterator[Path]:
    REVOKED.clear()
    with registered(FAKE):
        sandbox = Sandbox()
        base = sandbox.start()
        (tmp_path / "postion.yml").write_text(
            "site_url: https://blog.example.com\nsource: {type: content, path: posts}\n"
            f"platforms:\n  fake: {{room: general, api_base: '{base}/fake'}}\n  bluesky: {{handle: me.example.com}}\n"
        )
        write_post(tmp_path, "hello.md", "title: Hello\ndate: 2026-03-01")
        write_post(tmp_path, "quiet.md", "title: Quiet\ndate: 2026-03-02\npostion: {skip: [fake]}")
        (tmp_path / ".postion").mkdir()
        (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
        try:
            yield tmp_path
        finally:
            sandbox.stop()


def cli(blog: Path, *args: str, input: str | None = None, **env: str) -> Result:
    environ = {"POSTION_TOKEN_FILE": str(blog / "tokens.json"), "GITHUB_REPOSITORY": "", **env}
    return CliRunner().invoke(main, [*args, "-c", str(blog / "postion.yml"), "--now", NOW], env=environ, input=input)


def test_a_new_platform_is_checked_in_the_config(fake_blog: Path) -> None:
    config = fake_blog / "postion.yml"
    config.write_text(config.read_text().replace("{room: general,", "{rooom: general,"))
    result = cli(fake_blog, "plan")
    assert result.exit_code == 2 and "did you mean 'room'?" in result.output


def test_a_new_platform_is_planned_with_its_own_rule_and_skip(fake_blog: Path) -> None:
    plan = json.loads(cli(fake_blog, "plan", "--json").output)
    fake: list[dict[str, Any]] = [job for job in plan["jobs"] if job["platform"] == "fake"]
    assert [job["post_id"] for job in fake] == ["hello"]  # `skip: [fake]` is honoured
    assert fake[0]["messages"][0]["limit"] == 500
    assert "Fake Social" in cli(fake_blog, "plan").output


def test_a_new_platform_publishes_and_is_reported(fake_blog: Path) -> None:
    missing = cli(fake_blog, "publish", "--platform", "fake")
    assert missing.exit_code == 1 and "POSTION_FAKE_TOKEN" in missing.output
    result = cli(fake_blog, "publish", "--platform", "fake", POSTION_FAKE_TOKEN="fake-sandbox-token")
    assert result.exit_code == 0, result.output
    assert re.search(r"✓ Fake Social Hello  http://127\.0\.0\.1:\d+/fake/m/1", result.output), result.output
    history = json.loads(CliRunner().invoke(main, ["history", "--json", "-c", str(fake_blog / "postion.yml")]).output)
    assert history[0]["platform"] == "fake" and history[0]["status"] == "published"


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")  # the token typed without a terminal
def test_a_new_platform_connects_refreshes_and_disconnects(fake_blog: Path) -> None:
    connected = cli(fake_blog, "connect", "fake", "--to", "file", input="fake-sandbox-token\n")
    assert connected.exit_code == 0, connected.output
    assert "@fakeuser" in connected.output
    status = json.loads(cli(fake_blog, "tokens", "status", "--json").output)
    fake = next(entry for entry in status["connections"] if entry["platform"] == "fake")
    assert fake["account"] == "@fakeuser" and fake["status"] == "active"
    refreshed = cli(fake_blog, "tokens", "refresh", "fake")
    assert refreshed.exit_code == 0 and "refreshed" in refreshed.output, refreshed.output
    after = json.loads(cli(fake_blog, "tokens", "status", "--json").output)
    assert next(entry for entry in after["connections"] if entry["platform"] == "fake")["expires"]
    gone = cli(fake_blog, "disconnect", "fake", "--to", "file")
    assert gone.exit_code == 0, gone.output
    assert "Fake Social: revoked 1 token(s)" in gone.output and REVOKED == ["fake-sandbox-token-1"]


def test_a_new_platform_is_on_the_sandbox_page_and_in_the_demo(fake_blog: Path, tmp_path: Path) -> None:
    demo = CliRunner().invoke(main, ["demo", "--no-serve"], env={"POSTION_DEMO_DIR": str(tmp_path / "demo")})
    assert demo.exit_code == 0, demo.output
    assert re.search(r"✓ Fake Social .+ http://127\.0\.0\.1:\d+/fake/m/\d+", demo.output), demo.output
    sandbox = Sandbox()
    sandbox.store["fake"] = {"messages": {"1": {"text": "Hello from the fake platform"}}}
    page = sandbox.dispatch("GET", "/", {}, b"")
    assert "Fake Social (1)" in page.body and "Hello from the fake platform" in page.body


def test_an_unknown_platform_is_refused_by_the_cli(fake_blog: Path) -> None:
    result = cli(fake_blog, "publish", "--platform", "nope")
    assert result.exit_code == 2 and "'nope' is not a platform" in result.output and "fake" in result.output
