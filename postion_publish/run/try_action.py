"""`postion try-action EVENT`: the GitHub Action's own logic, run on this machine for a push, a
pull request or a schedule, as the tests run it, against the sandbox. The repository is never
touched: its files as they are now (committed or not, ignored ones left out) are copied into a
clone of a bare "GitHub" in a temporary folder, the configuration there is pointed at a sandbox,
and `postion action` runs in it with the environment a runner gives. What the job would print,
its summary, its outputs and what it committed back are shown."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from postion_publish.core import registry
from postion_publish.core.errors import BadInput
from postion_publish.run.demo import sandbox_environment
from postion_publish.sandbox import Sandbox
from postion_publish.store.jsonfile import write_atomic

EVENTS = ("push", "pull_request", "schedule")
PAYLOADS: dict[str, dict[str, Any]] = {
    "push": {"repository": {"default_branch": "main"}},
    "pull_request": {"number": 1, "pull_request": {"number": 1, "base": {"ref": "main"}}},
    "schedule": {"schedule": "17 * * * *"},
}


@dataclass
class Tried:
    folder: Path  # the temporary clone, kept for a look
    status: int
    output: str  # what the job printed
    summary: str  # the job summary ($GITHUB_STEP_SUMMARY)
    outputs: str  # the step's outputs ($GITHUB_OUTPUT)
    pushed: str  # the commit the run pushed back, if any


def try_action(
    event: str, config: Path, sandbox: Sandbox, build_command: str | None = None, say: Callable[[str], None] = print
) -> Tried:
    if event not in EVENTS:
        raise BadInput(f"try-action runs {', '.join(EVENTS)}; not {event!r}")
    root = _repository_of(config)
    folder = Path(tempfile.mkdtemp(prefix="postion-try-"))
    origin, work = folder / "origin.git", folder / "work"
    _git(folder, "init", "--quiet", "--bare", "-b", "main", str(origin))
    _git(folder, "clone", "--quiet", str(origin), str(work))
    relative = config.resolve().relative_to(root)
    if event == "pull_request":  # main as it is committed; the pull request holds what is not
        _commit_and_push(work, "main", only_committed=root)
        _git(work, "checkout", "--quiet", "-b", "try-pull-request")
        _copy_tree(root, work)
        _point_at_sandbox(work / relative, sandbox)
    else:
        _copy_tree(root, work)
        _point_at_sandbox(work / relative, sandbox)
        _commit_and_push(work, "main")
    say(f"Trying the Action's `{event}` in {work} (a copy: your repository is not touched)")
    if build_command:
        subprocess.run(["bash", "-c", build_command], cwd=work, check=True)
    event_file, summary, outputs = folder / "event.json", folder / "summary.md", folder / "outputs.txt"
    event_file.write_text(json.dumps(PAYLOADS[event]), encoding="utf-8")
    before = _git(work, "rev-parse", "HEAD").strip()
    # None of this machine's credentials or GitHub settings: only the sandbox's, for every account.
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(("POSTION_", "GITHUB_"))}
    env = {
        **inherited,
        **_sandbox_credentials(sandbox, folder, work / relative),
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(event_file),
        "GITHUB_REF_NAME": "main",
        "GITHUB_REPOSITORY": "you/your-blog",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "POSTION_INPUT_CONFIG": str(relative),
    }
    done = subprocess.run(
        [sys.executable, "-m", "postion_publish", "action"], cwd=work, env=env, capture_output=True, text=True
    )
    after = _git(work, "rev-parse", "HEAD").strip()
    pushed = _git(work, "log", "-1", "--format=%h %s", "origin/main") if after != before else ""
    return Tried(
        folder,
        done.returncode,
        done.stdout + done.stderr,
        summary.read_text(encoding="utf-8") if summary.exists() else "",
        outputs.read_text(encoding="utf-8") if outputs.exists() else "",
        pushed.strip(),
    )


def _repository_of(config: Path) -> Path:
    if not config.is_file():
        raise BadInput(f"{config} was not found: try-action runs the Action on this repository's postion.yml")
    found = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=config.resolve().parent, capture_output=True, text=True
    )
    if found.returncode != 0:
        raise BadInput(f"{config} is not in a git repository: the Action runs on a repository's checkout")
    return Path(found.stdout.strip()).resolve()


def _copy_tree(root: Path, work: Path) -> None:
    """The repository's files as they are now: tracked and untracked, not ignored ones."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in listed)):
        source = root / name
        if source.is_file() and not source.is_symlink():
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def _commit_and_push(work: Path, branch: str, only_committed: Path | None = None) -> None:
    if only_committed is not None:  # the repository's HEAD, not its working tree
        if subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=only_committed).returncode:
            raise BadInput(f"{only_committed} has no commit yet: a pull request is tried against the last commit")
        for entry in work.iterdir():
            if entry.name != ".git":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=only_committed, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(work)], input=archive.stdout, check=True)
    _git(work, "add", "--all")
    _git(work, "commit", "--quiet", "--allow-empty", "-m", "The repository, as try-action found it")
    _git(work, "push", "--quiet", "origin", f"HEAD:{branch}")


def _point_at_sandbox(config: Path, sandbox: Sandbox) -> None:
    """The configuration with each platform's requests sent to the sandbox; nothing else changes."""
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    for name, options in (settings.get("platforms") or {}).items():
        spec = registry.find(name)
        if spec is None or name not in registry.in_sandbox():
            continue
        given = dict(options or {})
        pointed = spec.sandbox_module().settings(sandbox)
        if isinstance(given.get("accounts"), dict):  # each account is pointed there, with its own keys
            given["accounts"] = {account: {**(own or {}), **pointed} for account, own in given["accounts"].items()}
        else:
            given.update(pointed)
        settings["platforms"][name] = given
    header = "# Pointed at the sandbox by `postion try-action`.\n"
    write_atomic(config, header + yaml.safe_dump(settings, sort_keys=False, allow_unicode=True))


def _sandbox_credentials(sandbox: Sandbox, folder: Path, config: Path) -> dict[str, str]:
    """The sandbox's credentials, under each configured account's names too (`…_PROJECT`)."""
    found = sandbox_environment(sandbox, folder)
    platforms = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("platforms") or {}
    for name, options in platforms.items():
        accounts = (options or {}).get("accounts") if isinstance(options, dict) else None
        spec = registry.find(name)
        given = [variable for names in spec.credentials for variable in names if variable in found] if spec else []
        for account in accounts or {}:
            found |= {registry.variable(variable, f"{name}/{account}"): found[variable] for variable in given}
    return found


def _git(folder: Path, *args: str) -> str:
    identity = ["-c", "user.name=postion try-action", "-c", "user.email=try-action@postion.invalid"]
    done = subprocess.run(["git", *identity, *args], cwd=folder, capture_output=True, text=True)
    if done.returncode != 0:
        raise BadInput(f"git {args[0]} failed in {folder}: {done.stderr.strip()}")
    return done.stdout
