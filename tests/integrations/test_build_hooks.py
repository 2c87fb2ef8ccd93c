"""The build hooks, run for real: `mkdocs build`, `mkdocs serve` and `pelican` on the examples."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cli_runner import CliRunner
from conftest import REPO
from postion_publish.cli import main

pytestmark = pytest.mark.slow  # kills, attacks and real generators: `-m "not slow"` skips them

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COLUMNS": "500"}  # Pelican's log lines unwrapped


def copy_example(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(REPO / "examples" / name, target, ignore=shutil.ignore_patterns("site", "output", "__pycache__"))
    return target


def manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "postion-manifest.json").read_text(encoding="utf-8"))
    return data


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {post["id"]: post for post in data["posts"]}


def plan_json(blog: Path) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["plan", "--json", "-c", str(blog / "postion.yml")])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


@pytest.fixture
def mkdocs_blog(tmp_path: Path) -> Path:
    blog = copy_example("mkdocs-blog", tmp_path)
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=blog, env=ENV, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    return blog


def test_mkdocs_build_writes_a_manifest_of_the_posts(mkdocs_blog: Path) -> None:
    data = manifest(mkdocs_blog / "site")
    posts = by_id(data)
    assert (data["generator"], data["preview"]) == ("mkdocs", False)
    assert sorted(posts) == ["blog/posts/a-described-post", "blog/posts/hello-mkdocs"]  # the draft is absent
    hello = posts["blog/posts/hello-mkdocs"]
    assert hello["url"] == "https://blog.example.com/blog/2026/02/01/hello-from-mkdocs/"
    assert hello["title"] == "Hello from MkDocs"
    assert hello["date"] == "2026-02-01T00:00:00+00:00"  # a bare date is midnight UTC
    assert hello["excerpt"] == "Material's blog plugin gives every post a date, a slug and an excerpt: this paragraph."
    assert (hello["author"], hello["tags"]) == ("Ada Lovelace", ["MkDocs", "blogging"])
    described = posts["blog/posts/a-described-post"]
    assert described["url"] == "https://blog.example.com/blog/2026/03/01/described/"  # its slug
    assert described["excerpt"] == "A post whose description is its excerpt."
    assert described["postion"] == {"skip": ["mastodon"], "bluesky": "Hand-written for Bluesky: {{ url }}"}


def test_the_plan_after_mkdocs_build_reads_the_manifest(mkdocs_blog: Path) -> None:
    jobs = {(job["post_id"], job["platform"]): job for job in plan_json(mkdocs_blog)["jobs"]}
    assert sorted(jobs) == [
        ("blog/posts/a-described-post", "bluesky"),
        ("blog/posts/hello-mkdocs", "bluesky"),
        ("blog/posts/hello-mkdocs", "mastodon"),
    ]
    text = jobs[("blog/posts/a-described-post", "bluesky")]["messages"][0]["text"]
    assert text == "Hand-written for Bluesky: https://blog.example.com/blog/2026/03/01/described/"


def test_mkdocs_build_prints_the_plan_summary_and_passes_strict(tmp_path: Path) -> None:
    blog = copy_example("mkdocs-blog", tmp_path)
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=blog, env=ENV, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr
    assert "postion: 2 new posts to announce on bluesky, mastodon" in build.stderr


def test_strict_true_fails_the_build_on_plan_warnings(tmp_path: Path) -> None:
    blog = copy_example("mkdocs-blog", tmp_path)
    config = (blog / "mkdocs.yml").read_text().replace("config: postion.yml", "config: postion.yml\n      strict: true")
    (blog / "mkdocs.yml").write_text(config)
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=blog, env=ENV, capture_output=True, text=True)
    assert build.returncode != 0 and "the image has no alt text" in build.stderr
    assert "Traceback" not in build.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_mkdocs_serve_writes_only_a_preview_that_never_publishes(tmp_path: Path) -> None:
    blog = copy_example("mkdocs-blog", tmp_path)
    port = free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "--no-livereload"],
        cwd=blog,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and serve.stdout is not None:
            line = serve.stdout.readline()
            output.append(line)
            if "Serving on" in line:
                break
    finally:
        serve.terminate()
        serve.wait(10)
    log = "".join(output)
    assert "(a preview build: never published)" in log, log
    assert not (blog / "site").exists()  # serve builds into a temporary folder


def test_a_manifest_from_a_preview_build_is_planned_but_never_published(mkdocs_blog: Path) -> None:
    data = manifest(mkdocs_blog / "site")
    data["preview"] = True
    (mkdocs_blog / "site" / "postion-manifest.json").write_text(json.dumps(data))
    assert plan_json(mkdocs_blog)["jobs"]
    result = CliRunner().invoke(
        main, ["publish", "-c", str(mkdocs_blog / "postion.yml")], env={"POSTION_CACHE_DIR": "x"}
    )
    assert result.exit_code == 2 and "preview build" in result.output


def pelican_build(blog: Path, settings: str, *flags: str) -> subprocess.CompletedProcess[str]:
    plugins = 'PLUGINS=["postion"]'
    command = [sys.executable, "-m", "pelican", "content", "-o", "output", "-s", settings, "-e", plugins, *flags]
    return subprocess.run(command, cwd=blog, env=ENV, capture_output=True, text=True)


def test_pelican_writes_a_manifest_of_published_articles(tmp_path: Path) -> None:
    blog = copy_example("pelican-blog", tmp_path)
    build = pelican_build(blog, "publishconf.py")
    assert build.returncode == 0, build.stdout + build.stderr
    data = manifest(blog / "output")
    posts = by_id(data)
    assert (data["generator"], data["preview"]) == ("pelican", False)
    assert sorted(posts) == ["first-article", "second-article"]  # no draft, no hidden article
    first = posts["first-article"]
    assert first["url"] == "https://pelican.example.com/a-first-pelican-article.html"
    assert first["date"] == "2026-02-10T09:00:00+00:00"  # 10:00 in Europe/Paris
    assert first["excerpt"] == "Pelican articles have a summary, which becomes the excerpt."
    assert (first["tags"], first["image"]) == (["pelican", "python"], "images/first.png")
    assert first["postion"] == {"skip": ["discord"], "mastodon": "Hand-written for Mastodon: {{ url }}"}
    second = posts["second-article"]
    assert second["title"] == "Second article & more"
    assert second["excerpt"].startswith("Without a Summary, Pelican takes the start of the article")
    assert "postion: 2 new posts to announce on discord, mastodon" in build.stdout
    assert "on discord: content/first-article.md" not in build.stdout  # that post skips Discord


def test_a_pelican_development_build_is_a_preview(tmp_path: Path) -> None:
    blog = copy_example("pelican-blog", tmp_path)
    assert pelican_build(blog, "pelicanconf.py").returncode == 0
    assert manifest(blog / "output")["preview"] is True


def test_pelican_without_postion_config_does_nothing(tmp_path: Path) -> None:
    blog = copy_example("pelican-blog", tmp_path)
    conf = (blog / "pelicanconf.py").read_text().replace('POSTION_CONFIG = "postion.yml"', "")
    (blog / "pelicanconf.py").write_text(conf)
    assert pelican_build(blog, "pelicanconf.py").returncode == 0
    assert not (blog / "output" / "postion-manifest.json").exists()


def test_plain_pages_by_glob_and_urls_without_directory_urls(tmp_path: Path) -> None:
    blog = copy_example("mkdocs-blog", tmp_path)
    (blog / "docs" / "articles").mkdir()
    (blog / "docs" / "articles" / "launch.md").write_text(
        "---\ndate: 2026-02-20\ndescription: A plain page that is a post too.\n---\n\n# We launched\n\nText.\n"
    )
    (blog / "docs" / "articles" / "about.md").write_text("# About\n\nNo date: not a post.\n")
    config = (blog / "mkdocs.yml").read_text()
    config = config.replace("config: postion.yml", 'config: postion.yml\n      pages: "articles/*.md"')
    (blog / "mkdocs.yml").write_text(config + "use_directory_urls: false\n")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=blog, env=ENV, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    posts = by_id(manifest(blog / "site"))
    assert sorted(posts) == ["articles/launch", "blog/posts/a-described-post", "blog/posts/hello-mkdocs"]
    launch = posts["articles/launch"]
    assert (launch["url"], launch["title"]) == ("https://blog.example.com/articles/launch.html", "We launched")
    assert posts["blog/posts/hello-mkdocs"]["url"] == "https://blog.example.com/blog/2026/02/01/hello-from-mkdocs.html"


def test_the_pelican_plugin_speaks_through_logging_and_a_quiet_build_stays_quiet(tmp_path: Path) -> None:
    blog = copy_example("pelican-blog", tmp_path)
    quiet = pelican_build(blog, "publishconf.py", "-q")
    assert quiet.returncode == 0 and "postion:" not in quiet.stdout + quiet.stderr
    (blog / "output" / "postion-manifest.json").unlink()
    (blog / "output" / "postion-manifest.json").mkdir()  # the plugin cannot write: the build goes on
    broken = pelican_build(blog, "publishconf.py")
    assert broken.returncode == 0, broken.stdout + broken.stderr
    assert "WARNING" in broken.stdout and "postion: no post manifest was written" in broken.stdout


FINISH = """
import datetime as dt
import sys
from pathlib import Path
from postion_publish.run.build import finish_build
from postion_publish.sources.manifest import manifest_entry

entries = [
    manifest_entry(id=f"post-{n}", url=f"https://blog.example.com/{n}/", title=f"Post {n}",
                   date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), excerpt="", tags=(), author=None, image=None,
                   image_alt=None, source_file=None, options=sys.argv[2] or None, meta={})
    for n in range(int(sys.argv[1]))
]
report = finish_build(entries, output_dir=Path("out"), generator="pelican", site_url="https://blog.example.com",
                      preview=False, config_path=Path("postion.yml"))
loaded = [name for name in ("yaml", "postion_publish.core.config", "postion_publish.core.posts") if name in sys.modules]
print(report.lines[-1], *report.warnings, " ".join(loaded), sep="|")
"""


def test_a_build_with_nothing_new_is_told_so_by_the_state_alone(tmp_path: Path) -> None:
    """Every post of the build recorded and settled: no config, whatever it says, gives a job, so
    neither it (nor PyYAML) nor the Post model is loaded (half a Pelican build's hook). Anything new
    is planned, from the entries as `postion plan` reads them back."""
    state = {"post-0": {"url": "https://blog.example.com/0/", "platforms": {"mastodon": {"status": "announced"}}}}
    (tmp_path / ".postion").mkdir()
    (tmp_path / ".postion" / "state.json").write_text(json.dumps({"version": 1, "posts": state}))
    (tmp_path / "postion.yml").write_text("site_url: [not: a config\n")

    def finish(posts: int, options: str = "") -> list[str]:
        command = [sys.executable, "-c", FINISH, str(posts), options]
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().split("|")

    assert finish(1) == ["nothing new to announce", ""]  # nor the Post model
    _, problem, loaded = finish(2)  # post-1 is new: the config is read, and its error shown
    assert problem.startswith("cannot plan:") and "postion.yml" in problem and "yaml" in loaded
    _, problem, _ = finish(1, "not a mapping")  # a bad block is shown even when nothing is new
    assert problem.startswith("cannot plan:") and "key 'postion': must be a mapping" in problem
    state["post-0"]["platforms"]["mastodon"]["status"] = "pending"  # a retry is a job too
    (tmp_path / ".postion" / "state.json").write_text(json.dumps({"version": 1, "posts": state}))
    assert finish(1)[1].startswith("cannot plan:")
