"""The docs' screenshots, made by headless Chromium (Debian's `chromium` package) from the real
thing: the sandbox's timeline after the example blog is published to it, the pull request's
preview comment for the example blog, and `postion plan` as a terminal shows it. Run before
`mkdocs build`; tests/docs/test_docs_site.py runs it and checks the pictures.

Run: python docs/screenshots.py [--out docs/assets/screenshots] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

HERE = Path(__file__).resolve().parent
FLAGS = [  # as this machine's closed network needs: no background requests, no GPU, no sandbox as root
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; padding: 24px; font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
  background: {background}; color: {color}; }}
pre {{ white-space: pre-wrap; font: 14px/1.45 "DejaVu Sans Mono", Menlo, monospace; margin: 0; }}
.comment {{ border: 1px solid #d0d7de; border-radius: 6px; max-width: 860px; }}
.comment header {{ background: #f6f8fa; border-bottom: 1px solid #d0d7de; padding: 8px 16px; }}
.comment section {{ padding: 8px 16px; }}
.comment pre {{ background: #f6f8fa; padding: 8px; border-radius: 6px; }}
code {{ background: #eff1f3; padding: 1px 4px; border-radius: 4px; }}
</style></head><body>{body}</body></html>"""


def shoot(chromium: str, url: str, out: Path, size: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        command = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}", f"--screenshot={out}", url]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    if not out.is_file() or out.stat().st_size < 1000:
        raise SystemExit(f"chromium made no picture of {url}")


def page(out: Path, body: str, background: str = "#ffffff", color: str = "#1f2328") -> str:
    out.write_text(PAGE.format(body=body, background=background, color=color), encoding="utf-8")
    return out.as_uri()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=HERE / "assets" / "screenshots")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args()
    if not args.chromium:
        print("chromium is needed: apt-get install chromium", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    from postion_publish.run import demo, report
    from postion_publish.run.workspace import RunOptions, load_plan, publish

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "demo"
        demo.prepare(folder)
        sandbox = demo.start_sandbox(folder, port=0)
        try:
            config = demo.write_config(folder, sandbox)
            now = dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC)
            plan, _ = load_plan(config, now)
            terminal = html.escape(f"$ postion plan\n{report.plan_table(plan)}")
            url = page(Path(temporary) / "plan.html", f"<pre>{terminal}</pre>", "#1e1e2e", "#cdd6f4")
            shoot(args.chromium, url, args.out / "plan.png", "1100,760")
            comment = MarkdownIt("commonmark").enable("table").render(report.plan_markdown(plan))
            header = "<header><b>github-actions</b> bot commented</header>"
            body = f'<div class="comment">{header}<section>{comment}</section></div>'
            shoot(args.chromium, page(Path(temporary) / "comment.html", body), args.out / "pull-request.png", "940,900")
            environ = {**os.environ, **demo.sandbox_environment(sandbox, folder)}
            publish(config, RunOptions(environ=environ, clock=lambda: now))
            shoot(args.chromium, f"{sandbox.base_url}/", args.out / "sandbox.png", "1200,800")
        finally:
            sandbox.stop()
    print(f"screenshots in {args.out}: plan.png, pull-request.png, sandbox.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
