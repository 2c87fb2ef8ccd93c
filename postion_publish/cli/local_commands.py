"""`action` (the GitHub Action's entry) and `try-action` (it, on this machine), `sandbox` and
`demo` (the local emulator)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from postion_publish.cli.output import echo
from postion_publish.core.errors import PostionError

if TYPE_CHECKING:
    pass


def action(config_path: Path | None) -> None:
    """The GitHub Action's entry point: routes by GITHUB_EVENT_NAME (see action.yml)."""

    from postion_publish.action.events import run_action
    from postion_publish.action.workflow import annotation

    def emit(line: str) -> None:
        echo(line)

    environ = dict(os.environ)
    if config_path is not None:
        environ["POSTION_INPUT_CONFIG"] = str(config_path)
    try:
        status = run_action(environ, emit)
    except PostionError as error:
        from postion_publish.core.redact import Redactor

        message = Redactor.from_environment(os.environ).scrub(str(error), limit=None)
        annotation("error", message, emit, file=getattr(error, "file", None), line=getattr(error, "line", None))
        raise
    sys.exit(status)


def try_action(event: str, build_command: str | None, config_path: Path | None) -> None:
    """The Action's logic for EVENT, on a copy of this repository, against a local sandbox."""
    from postion_publish.run.demo import start_sandbox
    from postion_publish.run.try_action import try_action as run_it

    config = config_path or Path("postion.yml")
    import tempfile

    with_sandbox = start_sandbox(Path(tempfile.mkdtemp(prefix="postion-try-sandbox-")), port=0)
    try:
        tried = run_it(event, config, with_sandbox, build_command, say=echo)
        lines = tried.output.rstrip().splitlines()
        shown = [line for line in lines if not line.startswith("::add-mask::")]
        masks = f"\n({len(lines) - len(shown)} ::add-mask:: lines left out)" if len(shown) < len(lines) else ""
        echo("\n--- what the job printed ---\n" + "\n".join(shown) + masks)
        echo("\n--- its summary ($GITHUB_STEP_SUMMARY) ---\n" + (tried.summary.rstrip() or "(empty)"))
        echo("\n--- its outputs ---\n" + (tried.outputs.rstrip() or "(none)"))
        if tried.pushed:
            echo(f"\nIt committed back: {tried.pushed}")
        echo(f"\nThe copy it ran in: {tried.folder}/work; the sandbox's page: {with_sandbox.base_url}/ (now closed)")
    finally:
        with_sandbox.stop()
    sys.exit(tried.status)


def doctor(check: bool, config_path: Path, now: str | None) -> None:
    """Everything a run needs, checked, each problem with its fix: configuration, the generator's
    plugin and site_url, credentials (--check: accepted by each platform), token health, state and
    ledger, and the workflow's triggers and secrets. Exit 1 if anything must be fixed."""
    from postion_publish.cli.output import parse_now
    from postion_publish.core.inert import one_line
    from postion_publish.run.doctor import diagnose

    found = diagnose(config_path, os.environ, parse_now(now), check=check)
    for finding in found:
        mark = "!" if finding.warning else "✗" if finding.problem else "✓"
        echo(f"{mark} {finding.area:<11} {one_line(finding.what)}")
        if finding.fix:
            echo(f"  {'':<11} fix: {one_line(finding.fix)}")
    problems, warnings = sum(f.problem for f in found), sum(f.warning for f in found)
    if problems:
        echo(
            f"\n{problems} to fix" + (f", {warnings} to know" if warnings else "") + ": then run `postion doctor` again"
        )
        sys.exit(1)
    echo("\nAll set" + (f" ({warnings} to know)" if warnings else "") + ".")


# --- sandbox and demo ------------------------------------------------------------------------


def _serve(sandbox_url: str) -> None:
    import time

    echo(f"Serving the sandbox at {sandbox_url}/ — press Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        echo("Stopped.")


def sandbox(port: int, config_path: Path | None) -> None:
    """A local emulator of the platform APIs, with a page showing what was posted."""
    from postion_publish.core import registry as platforms
    from postion_publish.sandbox import Sandbox

    wanted = platforms.in_sandbox()
    if config_path is not None:
        from postion_publish.core.config import load_settings

        configured = load_settings(config_path).platforms
        wanted = tuple(name for name in wanted if name in configured)
    emulator = Sandbox()
    base = emulator.start(port)
    modules = {name: platforms.spec(name).sandbox_module() for name in wanted}
    keys = [f"  {name}: {json.dumps(module.settings(emulator))}" for name, module in modules.items()]
    exports = [f"  export {k}={v}" for module in modules.values() for k, v in module.environment(emulator).items()]
    apps = {
        name: module.connect_environment(emulator)
        for name, module in modules.items()
        if hasattr(module, "connect_environment")
    }
    connecting = [
        "  " + " ".join(f"{k}={v}" for k, v in values.items()) + f" postion connect {name} --to file"
        for name, values in apps.items()
    ]
    connecting += [  # keys the flow asks for at its prompts (X's OAuth 1.0a)
        f"  postion connect {name} --oauth1 --to file   (it asks: "
        + ", ".join(f"{k}={v}" for k, v in module.oauth1_environment(emulator).items())
        + ")"
        for name, module in modules.items()
        if hasattr(module, "oauth1_environment")
    ]
    echo(
        "Point postion.yml's platforms at it:\n"
        + "\n".join(keys)
        + "\nand set (sandbox credentials, not secrets):\n"
        + "\n".join(exports)
        + (
            "\nTo try `postion connect` against it (with -c for the config above), the apps it accepts:\n"
            + "\n".join(connecting)
            if connecting
            else ""
        )
    )
    _serve(base)


def demo(no_serve: bool, config_path: Path | None) -> None:
    """The bundled example blog, published to a local sandbox: no accounts needed."""

    if config_path is not None:
        echo(
            f"(-c {config_path} is not used: the demo publishes its bundled example. To try your own blog, "
            f"`postion sandbox -c {config_path}` shows how to point its platforms at the sandbox.)\n"
        )

    from postion_publish.run import demo as demo_site
    from postion_publish.run import report, workspace

    folder = demo_site.demo_folder(os.environ)
    demo_site.prepare(folder)
    emulator = demo_site.start_sandbox(folder, on_busy=lambda p: echo(f"(port {p} is busy: using another)"))
    config_path = demo_site.write_config(folder, emulator)
    echo(f"The example blog is in {folder}; the sandbox runs at {emulator.base_url}/\n")
    echo(report.plan_table(workspace.load_plan(config_path, dt.datetime.now(dt.UTC))[0]))
    options = workspace.RunOptions(
        environ={**os.environ, **demo_site.sandbox_environment(emulator, folder)},
        on_result=lambda result: echo(report.result_line(result)),
    )
    outcome = workspace.publish(config_path, options)
    if not outcome.results:
        echo("Nothing new to announce: every post of the example is published already, here:")
        echo("\n".join(f"  {link}" for link in demo_site.live_links(folder)))
    echo(report.quota_text(outcome.quota))
    if no_serve:
        echo(f"\nThe sandbox stops now (--no-serve): `postion demo` serves these links again from {folder}.")
    else:
        echo(f"\nEvery platform's timeline: {emulator.base_url}/")
        _serve(emulator.base_url)
    emulator.stop()
    if outcome.failed:
        sys.exit(1)


# --- the command line -------------------------------------------------------------------------
