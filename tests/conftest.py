from __future__ import annotations

import random
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cli_runner import CliRunner, Result
from github_fake import FakeGitHub
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_BLOG = REPO / "examples" / "blog"
NOW = "2026-11-29T12:00:00+00:00"

MINIMAL_CONFIG = """\
site_url: https://blog.example.com
source:
  type: content
  path: posts
template: |
  New post: {{ title }}
  {{ excerpt }}
  {{ url }}
platforms:
  x: {}
  bluesky: {handle: me.example.com}
"""


def answered_alike(
    generate: Callable[[random.Random], str], fast: Callable[[str], object], alike: Callable[[str, object], bool]
) -> int:
    """A fast path checked against the reference on 20,000 generated inputs: wherever `fast` answers
    (not None), `alike(text, answer)` must hold. Returns how often it answered."""
    chance = random.Random(2026)
    answered = 0
    for _ in range(20_000):
        text = generate(chance)
        answer = fast(text)
        if answer is not None:
            answered += 1
            assert alike(text, answer), repr(text)
    return answered


def write_post(folder: Path, name: str, front: str, body: str = "Some text.") -> Path:
    path = folder / "posts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{textwrap.dedent(front).strip()}\n---\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    """A small blog: a config and one published post, not yet baselined."""
    (tmp_path / "postion.yml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    write_post(tmp_path, "hello.md", "title: Hello\ndate: 2026-03-01")
    return tmp_path


@pytest.fixture
def example_blog(tmp_path: Path) -> Path:
    target = tmp_path / "blog"
    shutil.copytree(EXAMPLE_BLOG, target)
    return target


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    emulator = Sandbox()
    emulator.start(0)
    yield emulator
    emulator.stop()


def sandbox_config(emulator: Sandbox, *, platforms: str | None = None) -> str:
    """A config whose platforms all point at the sandbox."""
    base = emulator.base_url
    handle = emulator.credentials.bluesky_handle
    return f"""\
site_url: https://blog.example.com
source: {{type: content, path: posts}}
platforms:
  bluesky: {{handle: {handle}, appview: {base}/bluesky,
            service: {base}/bluesky, web_base: {base}/bluesky, thread: true}}
  mastodon: {{instance: {base}/mastodon, thread: true}}
  discord: {{web_base: {base}/discord}}
{platforms or ""}"""


def sandbox_env(emulator: Sandbox, folder: Path) -> dict[str, str]:
    """The sandbox's credentials as environment variables; sessions cached under `folder`."""
    from postion_publish.run.demo import sandbox_environment

    return sandbox_environment(emulator, folder)


@pytest.fixture
def live_blog(tmp_path: Path, sandbox: Sandbox) -> Path:
    """A blog pointed at the sandbox, with two new posts and an empty state and ledger."""
    folder = tmp_path / "live"
    folder.mkdir()
    (folder / "postion.yml").write_text(sandbox_config(sandbox), encoding="utf-8")
    write_post(folder, "first.md", "title: First post\ndate: 2026-03-01\ntags: [python]", "The first one.")
    write_post(folder, "second.md", "title: Second post\ndate: 2026-03-02", "The second one.")
    (folder / ".postion").mkdir()
    (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
    return folder


@pytest.fixture
def run() -> Callable[..., Result]:
    def invoke(folder: Path, *args: str) -> Result:
        return CliRunner().invoke(main, [*args, "--config", str(folder / "postion.yml"), "--now", NOW])

    return invoke


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    """A fake GitHub API on 127.0.0.1 (issue comments), for the Action's tests."""
    fake = FakeGitHub()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def repo(tmp_path: Path, sandbox: Sandbox) -> Path:
    """A clone of a bare 'GitHub' repository whose main holds a blog: one post announced, one new."""
    from action_support import make_repo

    return make_repo(tmp_path, sandbox)


@pytest.fixture(scope="session", autouse=True)
def no_credential_in_any_file_the_suite_wrote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """After the whole suite: no file any test left (states, ledgers, summaries, outputs, comments
    saved, commits' working trees) holds a sandbox credential, even where the fakes echoed them."""
    yield

    from github_fake import SECRETS_PAT
    from postion_publish.sandbox.server import Credentials
    from secret_scan import files_with_leaks

    # The sandbox's password, tokens and app secrets (rotated tokens contain their seed), and the PAT.
    secrets = [value for value in Credentials().values() if value and "-" in value] + [SECRETS_PAT]
    assert files_with_leaks(tmp_path_factory.getbasetemp(), secrets) == {}
