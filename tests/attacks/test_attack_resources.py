"""Attack corpus, resources: what a fork's preview could make the runner spend. Each attack runs
`postion plan` in a subprocess under a memory limit (RLIMIT_AS) and a timeout: the bound is shown
by the limits holding, not by trusting that the code is fast."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, write_post

pytestmark = pytest.mark.slow  # kills, attacks and real generators: `-m "not slow"` skips them

MEMORY = 1024 * 1024 * 1024  # 1 GiB of address space: the bombs below asked for 3.4 and 5.9 GB
TIMEOUT = 60  # seconds; the attacks ran past 45-300 s


def plan_limited(blog: Path, *args: str, seconds: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """`postion plan` under the memory limit; a run past `seconds` fails the test (TimeoutExpired)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run(
        [sys.executable, "-m", "postion_publish", "plan", *args, "-c", str(blog / "postion.yml"), "--now", NOW],
        capture_output=True,
        text=True,
        timeout=seconds,
        preexec_fn=limit,
        env={**os.environ, "PYTHONFAULTHANDLER": "0"},
        check=False,
    )


def assert_refused(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


LAUGHS = "\n".join(
    ["lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
)


# --- 6. YAML bombs -------------------------------------------------------------------------------


def test_a_billion_laughs_in_front_matter_is_refused(blog_with_state: Path) -> None:
    write_post(blog_with_state, "bomb.md", f"title: Bomb\ndate: 2026-03-03\n{LAUGHS}\npostion: {{x: '{{{{ meta }}}}'}}")
    assert_refused(plan_limited(blog_with_state), "bomb.md", "aliases")


def test_a_billion_laughs_in_the_configuration_is_refused(blog_with_state: Path) -> None:
    config = blog_with_state / "postion.yml"
    config.write_text(config.read_text() + "\n" + LAUGHS.replace("lol", "x_lol") + "\n")
    assert_refused(plan_limited(blog_with_state, seconds=20), "postion.yml", "aliases")


def test_a_billion_laughs_in_a_caption_file_is_refused(blog_with_state: Path) -> None:
    """A pull request can add a caption file; `str()` of its post_id filled memory (MemoryError)."""
    captions = blog_with_state / ".postion" / "captions"
    captions.mkdir()
    (captions / "hello.yml").write_text(f"{LAUGHS}\npost_id: *a9\ncaptions: {{discord: hi}}\n")
    assert_refused(plan_limited(blog_with_state), "hello.yml", "aliases")


def test_front_matter_has_a_size_limit_and_a_depth_limit(blog_with_state: Path) -> None:
    write_post(blog_with_state, "big.md", f"title: Big\ndate: 2026-03-03\ndescription: '{'x' * 70_000}'")
    assert_refused(plan_limited(blog_with_state), "big.md", "larger than 64 KB")
    (blog_with_state / "posts" / "big.md").unlink()
    write_post(blog_with_state, "deep.md", "title: Deep\ndate: 2026-03-03\nx: " + "[" * 20_000 + "]" * 20_000)
    assert_refused(plan_limited(blog_with_state), "deep.md", "nest")  # libyaml or ours says how deep


# --- 7. templates --------------------------------------------------------------------------------

TEMPLATE_ATTACKS = {
    "repeat": "{{ 'a' * 3000000000 }}",
    "nested-ranges": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "nested-loops": "{% for i in range(10000) %}{% for j in range(10000) %}{{ '' }}{% endfor %}{% endfor %}",
    "doubling": "{% set a = 'x' * 90000 %}" + "".join("{% set a = a ~ a %}" for _ in range(20)) + "{{ a|length }}",
    "center": "{{ 'x'|center(3000000000) }}",
    "format-width": "{{ '%0999999999d' % 1 }}",
    "power": "{{ 10 ** 100000000 }}",
    "recursion": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "output": "{% for i in range(10000) %}{{ 'y' * 90000 }}{% endfor %}",
}


@pytest.mark.parametrize("template", TEMPLATE_ATTACKS.values(), ids=TEMPLATE_ATTACKS.keys())
def test_a_costly_template_is_stopped_within_its_bounds(blog_with_state: Path, template: str) -> None:
    write_post(blog_with_state, "t.md", f"title: T\ndate: 2026-03-03\npostion:\n  template: {json.dumps(template)}")
    assert_refused(plan_limited(blog_with_state, seconds=20), "t.md", "template error")


# --- 8. long unbroken text -----------------------------------------------------------------------

LONG_TEXTS = {  # before: minutes, minutes, 13 s, 9 s on this machine
    "dotted-description": ("description", "a." * 30_000),
    "dotted-title": ("title", "ab." * 20_000),
    "cjk-description": ("description", "中" * 40_000),
    "emoji-description": ("description", "🙂" * 30_000),
}
EVERY_PLATFORM = """
platforms:
  x: {}
  bluesky: {handle: me.example.com}
  mastodon: {instance: https://mastodon.example}
  linkedin: {author: "urn:li:person:1"}
  discord: {}
  threads: {}
"""


@pytest.mark.parametrize(("key", "text"), LONG_TEXTS.values(), ids=LONG_TEXTS.keys())
def test_long_unbroken_text_is_counted_in_linear_time(blog_with_state: Path, key: str, text: str) -> None:
    config = blog_with_state / "postion.yml"
    config.write_text(config.read_text().split("platforms:")[0] + EVERY_PLATFORM)
    front = f"date: 2026-03-03\n{key}: '{text}'" + ("\ntitle: Long" if key != "title" else "")
    write_post(blog_with_state, "long.md", front)
    result = plan_limited(blog_with_state, "--json", seconds=8)  # about 0.5 s now
    assert result.returncode == 0, result.stderr
    jobs = [job for job in json.loads(result.stdout)["jobs"] if job["post_id"] == "long"]
    assert len(jobs) == 6
    assert all(message["length"] > 0 for job in jobs for message in job["messages"])


SIMPLE_READER_INPUTS = {  # inputs that are quadratic for a naive reader of front matter or paragraphs
    "spaces-in-a-value": ("title: x" + " " * 60_000 + "y", "Text."),
    "colons": ("title: " + "x:" * 30_000, "Text."),
    "a-long-list": ("title: T\ntags: [" + "x, " * 20_000 + "]", "Text."),
    "brackets": ("title: T", "A " + "[a](b" * 30_000 + "\n\n<!-- more -->"),
    "stars": ("title: T", "A " + "*a " * 30_000 + "\n\n<!-- more -->"),
    "backticks-and-lines": ("title: T", "A `" + "b\n" * 30_000 + "\n<!-- more -->"),
}


@pytest.mark.parametrize(("front", "body"), SIMPLE_READER_INPUTS.values(), ids=SIMPLE_READER_INPUTS.keys())
def test_front_matter_and_paragraphs_are_read_in_linear_time(blog_with_state: Path, front: str, body: str) -> None:
    write_post(blog_with_state, "odd.md", f"date: 2026-03-03\n{front}", body)
    result = plan_limited(blog_with_state, "--json", seconds=5)  # well under a second each (quadratic: 10 s)
    assert result.returncode in (0, 2), result.stderr
    assert "Traceback" not in result.stderr


def test_html_left_open_is_read_in_linear_time_and_without_failing(tmp_path: Path) -> None:
    """A built site (`type: site`, e.g. committed output): Python's HTML parser rescans to the end
    from each `<` it cannot close. These four feed summaries took 2.4 s each, and the page 30 s (a
    2 MB one, an hour); about 10 ms each now."""
    public = tmp_path / "public"
    (public / "posts" / "open").mkdir(parents=True)
    items = "".join(
        f"<item><title>Open {n}</title><link>https://blog.example.com/open{n}/</link>"
        f"<pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate><description>{'&lt;a' * 25_000}</description></item>"
        for n in range(4)
    )
    items += (  # and a marked section Python's parser (3.11) failed on: AssertionError, a traceback
        "<item><title>Marked</title><link>https://blog.example.com/marked/</link>"
        "<pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate><description>&lt;![foo[ a summary</description></item>"
    )
    (public / "index.xml").write_text(f"<rss version='2.0'><channel><title>S</title>{items}</channel></rss>")
    meta = '<meta property="article:published_time" content="2026-03-02T08:00:00Z">'
    (public / "posts" / "open" / "index.html").write_text(f"<html><head>{meta}</head><body>" + "<a" * 100_000)
    (tmp_path / "postion.yml").write_text(
        "site_url: https://blog.example.com\nsource: {type: site, path: public, feed: index.xml}\n"
        "platforms: {discord: {}}\n"
    )
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    result = plan_limited(tmp_path, "--json", seconds=5)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["jobs"]) == 6


def test_a_fifty_megabyte_post_is_planned_from_its_first_kilobytes(blog_with_state: Path) -> None:
    body = "ab." * 17_000_000 + "\n\n<!-- more -->\n"
    write_post(blog_with_state, "huge.md", "title: Huge\ndate: 2026-03-03", body)
    result = plan_limited(blog_with_state, "--json", seconds=45)
    assert result.returncode == 0, result.stderr
    assert [job["post_id"] for job in json.loads(result.stdout)["jobs"]].count("huge") == 2


@pytest.fixture
def blog_with_state(blog: Path) -> Path:
    (blog / ".postion").mkdir()
    (blog / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}')
    return blog
