"""The README's commands walked through on each kind of blog (a plain folder of posts, MkDocs,
Pelican, a built site), against the sandbox, as a new user would: baseline, a new post, plan,
publish, publish again; then `retry` in every order after a failed send, an unknown outcome and
`--posted`. No traceback, no silent zero, nothing sent twice."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_runner import CliRunner, Result
from conftest import NOW, REPO, sandbox_config, sandbox_env, write_post
from postion_publish.cli import main
from postion_publish.sandbox import Sandbox

AddPost = Callable[[str, str], str]  # (slug, title) → the new post's URL, the site rebuilt
BUILD_ENV = {"NO_MKDOCS_2_WARNING": "1"}


def platforms_block(sandbox: Sandbox) -> str:
    config = sandbox_config(sandbox)
    return config[config.index("platforms:") :]


def run(command: list[str], cwd: Path) -> None:
    import os

    done = subprocess.run(command, cwd=cwd, env={**os.environ, **BUILD_ENV}, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def content_blog(folder: Path, sandbox: Sandbox) -> AddPost:
    folder.mkdir()
    config = "site_url: https://blog.example.com\nsource: {type: content, path: posts}\n"
    (folder / "postion.yml").write_text(config + platforms_block(sandbox))
    write_post(folder, "old.md", "title: An old post\ndate: 2026-01-10")

    def add(slug: str, title: str) -> str:
        write_post(folder, f"{slug}.md", f"title: {title}\ndate: 2026-11-20")
        return f"https://blog.example.com/{slug}/"

    return add


def mkdocs_blog(folder: Path, sandbox: Sandbox) -> AddPost:
    shutil.copytree(REPO / "examples" / "mkdocs-blog", folder, ignore=shutil.ignore_patterns("site", ".postion"))
    (folder / "postion.yml").write_text("site_url: https://blog.example.com\nsource: {type: mkdocs}\n")
    (folder / "postion.yml").write_text((folder / "postion.yml").read_text() + platforms_block(sandbox))
    run([sys.executable, "-m", "mkdocs", "build", "-q"], folder)

    def add(slug: str, title: str) -> str:
        post = f"---\ndate:\n  created: 2026-11-20\nslug: {slug}\n---\n\n# {title}\n\nIts text.\n"
        (folder / "docs" / "blog" / "posts" / f"{slug}.md").write_text(post)
        run([sys.executable, "-m", "mkdocs", "build", "-q"], folder)
        return f"https://blog.example.com/blog/2026/11/20/{slug}/"

    return add


def pelican_blog(folder: Path, sandbox: Sandbox) -> AddPost:
    shutil.copytree(
        REPO / "examples" / "pelican-blog", folder, ignore=shutil.ignore_patterns("output", ".postion", "__pycache__")
    )
    config = "site_url: https://pelican.example.com\nsource: {type: pelican}\n"
    (folder / "postion.yml").write_text(config + platforms_block(sandbox))
    build = [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", "publishconf.py", "-q"]
    run(build, folder)

    def add(slug: str, title: str) -> str:
        (folder / "content" / f"{slug}.md").write_text(f"Title: {title}\nDate: 2026-11-20 10:00\nSlug: {slug}\n\nText.")
        run(build, folder)
        return f"https://pelican.example.com/{slug}.html"

    return add


def built_site(folder: Path, sandbox: Sandbox) -> AddPost:
    folder.mkdir()
    shutil.copytree(REPO / "tests" / "data" / "sites" / "hugo", folder / "public")
    link = '<link rel="alternate" type="application/rss+xml" href="https://hugo.example.com/index.xml">'
    (folder / "public" / "index.html").write_text(f"<html><head>{link}</head></html>")
    config = "site_url: https://hugo.example.com\nsource: {type: site, path: public}\n"
    (folder / "postion.yml").write_text(config + platforms_block(sandbox))

    def add(slug: str, title: str) -> str:
        url = f"https://hugo.example.com/posts/{slug}/"
        item = (
            f"<item><title>{title}</title><link>{url}</link><pubDate>Fri, 20 Nov 2026 10:00:00 +0000</pubDate>"
            f"<guid>{url}</guid><description>Its text.</description></item>\n    <item>"
        )
        feed = folder / "public" / "index.xml"
        feed.write_text(feed.read_text().replace("<item>", item, 1))
        return url

    return add


KINDS = {"content": content_blog, "mkdocs": mkdocs_blog, "pelican": pelican_blog, "site": built_site}


def postion(blog: Path, sandbox: Sandbox, *args: str, env: dict[str, str] | None = None) -> Result:
    environment = {**sandbox_env(sandbox, blog), **(env or {})}
    clock = [] if args[0] == "history" else ["--now", NOW]  # history reads no clock
    result = CliRunner().invoke(main, [*args, "-c", str(blog / "postion.yml"), *clock], env=environment)
    assert "Traceback" not in result.output, result.output
    return result


def sent(sandbox: Sandbox) -> dict[str, int]:
    store = sandbox.store
    return {
        "bluesky": len(store["bluesky"].get("records", {})),
        "mastodon": len(store["mastodon"].get("statuses", {})),
        "discord": len(store["discord"].get("messages", {})),
    }


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_readme_walk(kind: str, tmp_path: Path, sandbox: Sandbox) -> None:
    blog = tmp_path / kind
    add = KINDS[kind](blog, sandbox)

    baseline = postion(blog, sandbox, "init", "--baseline")
    assert baseline.exit_code == 0 and "Marked" in baseline.output, baseline.output
    assert "Nothing new to announce." in postion(blog, sandbox, "plan").output

    first = add("a-new-post", "A new post")
    plan = json.loads(postion(blog, sandbox, "plan", "--json").stdout)
    assert {(job["post"], job["platform"]) for job in plan["jobs"]} == {
        (first, name) for name in ("bluesky", "mastodon", "discord")
    }  # no silent zero: the new post is planned, on every platform
    published = postion(blog, sandbox, "publish")
    assert published.exit_code == 0 and published.output.count("✓") == 3, published.output
    assert sent(sandbox) == {"bluesky": 1, "mastodon": 1, "discord": 1}
    again = postion(blog, sandbox, "publish")
    assert again.exit_code == 0 and "Nothing new to announce." in again.output
    assert sent(sandbox) == {"bluesky": 1, "mastodon": 1, "discord": 1}

    # A second post: Mastodon refuses the token (failed), Discord answers a 5xx (unknown).
    second = add("another-post", "Another post")
    sandbox.fail("discord", "500")
    troubled = postion(blog, sandbox, "publish", env={"POSTION_MASTODON_TOKEN": "revoked"})
    assert troubled.exit_code == 1 and "? Discord" in troubled.output and "✗ Mastodon" in troubled.output
    history = json.loads(postion(blog, sandbox, "history", "--json").stdout)
    failed = next(a["id"] for a in history if a["platform"] == "mastodon" and a["status"] == "failed")
    unknown = next(a["id"] for a in history if a["platform"] == "discord" and a["status"] == "unknown")
    published_first = next(a["id"] for a in history if a["post"] == first and a["platform"] == "bluesky")
    assert sent(sandbox) == {"bluesky": 2, "mastodon": 1, "discord": 1}

    retried = postion(blog, sandbox, "retry")  # what failed, not the unknown one
    assert retried.exit_code == 0 and "✓ Mastodon" in retried.output
    assert sent(sandbox) == {"bluesky": 2, "mastodon": 2, "discord": 1}
    live = f"{sandbox.base_url}/discord/channels/1/2/3"
    assert postion(blog, sandbox, "retry", unknown, "--posted", live).exit_code == 0
    for attempt in (unknown, failed, published_first, unknown):  # every order: nothing goes out again
        result = postion(blog, sandbox, "retry", attempt)
        assert result.exit_code == 0 and "already announced" in result.output, result.output
    assert postion(blog, sandbox, "retry", unknown, "--posted", live).exit_code == 0  # said twice: the same
    assert "Nothing new to announce." in postion(blog, sandbox, "publish").output
    assert sent(sandbox) == {"bluesky": 2, "mastodon": 2, "discord": 1}
    quota = json.loads(postion(blog, sandbox, "quota", "--json").stdout)
    assert quota["used"] == 6  # each real send once, and the one settled by hand
    statuses = {(a["post"], a["platform"]) for a in json.loads(postion(blog, sandbox, "history", "--json").stdout)}
    assert (second, "discord") in statuses
