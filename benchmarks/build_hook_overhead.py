"""What the build hooks cost in a build with nothing new: a MkDocs (Material blog) and a Pelican site
of 500 posts, every one already announced, built with and without postion's plugin.

Printed for each generator: the time inside the hooks (and the plugin's import, taken after the
generator's own modules that every build loads first: what the plugin adds), which is stable,
as a share of the build (issue 12's target: ≤ 2 %), and the whole build with and without the plugin
(medians of --runs, interleaved), which is noisy; for Pelican, also how long its articles take to
give their URLs (Pelican's work, which the hook asks for). Asserts nothing.
With --baseline DIR (another checkout's folder, e.g. a `git worktree` of an older commit) its plugin
builds the same site too, interleaved, and the ratio of the hooks' times is printed.
Run: python benchmarks/build_hook_overhead.py [--posts N] [--runs N] [--only mkdocs|pelican] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from core_python import installed_environment

POSTION = """\
site_url: https://blog.example.com
source: {{type: {kind}, path: {output}}}
platforms:
  bluesky: {{handle: me.example.com}}
  mastodon: {{instance: https://mastodon.example}}
"""
MKDOCS = """\
site_name: Benchmark blog
site_url: https://blog.example.com/
theme: {{name: material}}
plugins:
  - blog
{plugin}"""
PELICAN = """\
AUTHOR = "Ada"
SITENAME = "Benchmark blog"
SITEURL = "https://blog.example.com"
PATH = "content"
TIMEZONE = "UTC"
{plugin}"""
BODY = "More text in the body of the post. " * 30

# Runs one build in this process with the hooks timed: the plugin's import, then every call into it.
DRIVER = r"""
import functools, json, sys, time
started = time.perf_counter()
generator, with_plugin = sys.argv[1], sys.argv[2] == "1"
hooks = 0.0

def timed(function):
    @functools.wraps(function)  # keeps MkDocs' event priority
    def wrapper(*args, **kwargs):
        global hooks
        begun = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            hooks += time.perf_counter() - begun
    return wrapper

if generator == "mkdocs":  # the generator's own modules, which every build loads before its plugins
    from mkdocs.__main__ import cli
    from mkdocs import plugins
    from mkdocs.config import defaults  # the config schema (jinja2, markdown, the theme machinery)
    from mkdocs.structure import pages
else:
    from pelican import main, signals
if with_plugin:
    begun = time.perf_counter()
    if generator == "mkdocs":
        from mkdocs_postion import plugin as module
        for name in ("on_startup", "on_config", "on_page_context", "on_post_build"):
            setattr(module.PostionPlugin, name, timed(getattr(module.PostionPlugin, name)))
    else:
        from pelican.plugins import postion as module
        for name in ("_reset", "_collect", "_finish"):
            setattr(module, name, timed(getattr(module, name)))
    hooks = imported = time.perf_counter() - begun
if generator == "mkdocs":
    cli(["build", "-q"], standalone_mode=False)
else:
    main(["content", "-o", "output", "-s", "pelicanconf.py", "-q"])
figures = {"build": time.perf_counter() - started, "hooks": hooks}
if with_plugin:
    figures["import"] = imported
if with_plugin and generator == "pelican":  # Pelican's own work in the hook: each article's URL
    begun = time.perf_counter()
    [article.url for article in module._articles]
    figures["urls"] = time.perf_counter() - begun
print(json.dumps(figures))
"""


def write_posts(folder: Path, posts: int, text: Callable[[int, str], str]) -> None:
    """`posts` files, one a day from 2020-01-01; `text(index, day)` writes each."""
    start = dt.date(2020, 1, 1)
    for index in range(posts):
        (folder / f"post-{index}.md").write_text(text(index, (start + dt.timedelta(days=index)).isoformat()))


def make_mkdocs(folder: Path, posts: int, with_plugin: bool) -> None:
    drafts = folder / "docs" / "blog" / "posts"
    drafts.mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Home\n")
    (folder / "docs" / "blog" / "index.md").write_text("# Blog\n")
    write_posts(
        drafts,
        posts,
        lambda index, day: (
            f"---\ndate: {day}\ncategories: [Topic {index % 5}]\n---\n\n# Post {index}\n\n"
            f"The excerpt of post {index}, a sentence or two long.\n\n<!-- more -->\n\n{BODY}\n"
        ),
    )
    plugin = "  - postion: {config: postion.yml}\n" if with_plugin else ""
    (folder / "mkdocs.yml").write_text(MKDOCS.format(plugin=plugin))
    (folder / "postion.yml").write_text(POSTION.format(kind="mkdocs", output="site"))


def make_pelican(folder: Path, posts: int, with_plugin: bool) -> None:
    content = folder / "content"
    content.mkdir(parents=True)
    write_posts(
        content,
        posts,
        lambda index, day: (
            f"Title: Post {index}\nDate: {day}\nCategory: Topic {index % 5}\n"
            f"Summary: The excerpt of post {index}, a sentence or two long.\n\n{BODY}\n"
        ),
    )
    plugin = 'PLUGINS = ["postion"]\nPOSTION_CONFIG = "postion.yml"\n'
    (folder / "pelicanconf.py").write_text(PELICAN.format(plugin=plugin if with_plugin else ""))
    (folder / "postion.yml").write_text(POSTION.format(kind="pelican", output="output"))


def build(folder: Path, generator: str, with_plugin: bool, source: Path | None = None) -> dict[str, float]:
    """`source`: the plugin of that checkout instead of this one's."""
    env = installed_environment(NO_MKDOCS_2_WARNING="1")
    if source is not None:  # the blog's folder is the working one: not this checkout
        # Its MkDocs plugin too (found before the editable install of this one). Pelican's lives in
        # the installed `pelican.plugins` namespace: the baseline side runs this checkout's there.
        env["PYTHONPATH"] = os.pathsep.join([str(source), str(source / "integrations" / "mkdocs")])
    command = [sys.executable, "-c", DRIVER, generator, "1" if with_plugin else "0"]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{generator} build failed:\n{done.stdout}\n{done.stderr}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def announce_everything(folder: Path) -> None:
    """Nothing new: a first build writes the manifest, `postion init --baseline` marks it all announced."""
    subprocess.run(
        [sys.executable, "-m", "postion_publish", "init", "--baseline", "-c", str(folder / "postion.yml")],
        capture_output=True,
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("mkdocs", "pelican"), help="one generator (default: both)")
    parser.add_argument("--baseline", type=Path, help="another checkout's plugin, run side by side")
    args = parser.parse_args()
    for generator, make in (("mkdocs", make_mkdocs), ("pelican", make_pelican)):
        if args.only not in (None, generator):
            continue
        with tempfile.TemporaryDirectory() as temporary:
            plain, hooked = Path(temporary) / "without", Path(temporary) / "with"
            make(plain, args.posts, False)
            make(hooked, args.posts, True)
            build(hooked, generator, True)
            announce_everything(hooked)
            build(plain, generator, False)  # warm-up: compiled modules, disk caches
            without, with_plugin, baseline = [], [], []
            for _ in range(args.runs):
                without.append(build(plain, generator, False))
                with_plugin.append(build(hooked, generator, True))
                if args.baseline is not None:
                    baseline.append(build(hooked, generator, True, args.baseline))
        hooks = statistics.median(run["hooks"] for run in with_plugin)
        build_time = statistics.median(run["build"] for run in with_plugin)
        base = statistics.median(run["build"] for run in without)
        imported = statistics.median(run["import"] for run in with_plugin)
        print(
            f"{generator:8} {args.posts} posts, nothing new: hooks {hooks * 1000:.0f} ms = {hooks / build_time:.1%} "
            f"of the build (target ≤ 2 %), the plugin's import {imported * 1000:.0f} ms of it; build "
            f"{base:.2f} s without the plugin, {build_time:.2f} s with ({build_time / base - 1:+.1%}, noisy); "
            f"medians of {args.runs}"
        )
        if baseline:
            old = statistics.median(run["hooks"] for run in baseline)
            old_build = statistics.median(run["build"] for run in baseline)
            print(
                f"{'':8} baseline: hooks {old * 1000:.0f} ms = {old / old_build:.1%} of the build; this checkout's "
                f"hooks take {hooks / old:.2f}× the baseline's"
            )
        if generator == "pelican":
            urls = statistics.median(run["urls"] for run in with_plugin)
            print(
                f"{'':8} of the hooks, Pelican's own `article.url` (the manifest needs every post's): "
                f"{urls * 1000:.0f} ms = {urls / build_time:.1%} of the build"
            )


if __name__ == "__main__":
    main()
