"""Commit `.postion/` back to the branch, and survive a push race without losing an entry.

Facts (docs.github.com, "Triggering a workflow from a workflow", "Skipping workflow runs"): pushes
made with GITHUB_TOKEN trigger no new runs and `[skip ci]` skips the rest. A rejected push is never
text-rebased: the remote's state and ledger are read, united with this run's (keyed by post,
platform and attempt), written, committed and pushed again, with jitter, a bounded number of times."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from postion_publish.core.config import Settings
from postion_publish.core.errors import PostionError
from postion_publish.core.repofiles import read_repo_file
from postion_publish.store.backfeed import backfeed_path
from postion_publish.store.captions import MAX_CAPTION_FILE, captions_dir
from postion_publish.store.ledger import Ledger, ledger_path, load_ledger, parse_ledger, save_ledger
from postion_publish.store.state import PlatformStatus, State, load_state, parse_state, save_state, state_path

COMMIT_MESSAGE = "postion: record announced posts [skip ci]"
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")
RANK: dict[str, int] = {PlatformStatus.ANNOUNCED: 3, PlatformStatus.UNKNOWN: 2, PlatformStatus.PENDING: 1}


def merge_states(ours: State, theirs: State) -> State:
    """Every post and platform of both; where both hold one, the furthest along wins
    (announced > unknown > pending), then the one with more posted parts."""
    posts: dict[str, Any] = {key: dict(value) for key, value in theirs.posts.items()}
    for key, entry in ours.posts.items():
        if key not in posts:
            posts[key] = dict(entry)
            continue
        merged = {**posts[key], **{k: v for k, v in entry.items() if k != "platforms"}}
        platforms = dict(posts[key].get("platforms", {}))
        for platform, record in entry.get("platforms", {}).items():
            other = platforms.get(platform)
            if other is None or _progress(record) >= _progress(other):
                platforms[platform] = record
        merged["platforms"] = platforms
        posts[key] = merged
    return State(posts)


def _progress(record: dict[str, Any]) -> tuple[int, int]:
    return RANK.get(str(record.get("status")), 0), len(record.get("parts", []))


def merge_ledgers(ours: Ledger, theirs: Ledger) -> Ledger:
    """Every attempt of both (by id), in time order; token dates of both."""
    records = {record["id"]: record for record in (*theirs.records, *ours.records)}
    ordered = tuple(sorted(records.values(), key=lambda record: (record["time"], record["id"])))
    return Ledger(ordered, {**theirs.tokens, **ours.tokens})


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    identity = ["-c", f"user.name={BOT[0]}", "-c", f"user.email={BOT[1]}"]
    result = subprocess.run(["git", *identity, *args], cwd=repo, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise PostionError(f"git {args[0]} failed: {result.stderr.strip().splitlines()[-1:]}")
    return result


def repository_root(folder: Path) -> Path:
    return Path(_git(folder, "rev-parse", "--show-toplevel").stdout.strip())


def _remote_file(repo: Path, relative: str) -> str | None:
    shown = _git(repo, "show", f"FETCH_HEAD:{relative}", check=False)
    return shown.stdout if shown.returncode == 0 else None


def commit_and_push(
    settings: Settings,
    branch: str,
    *,
    attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Commit state and ledger and push them to `branch`. Returns what happened, for the summary."""
    root = settings.root.resolve()
    repo = repository_root(root)
    state_file, ledger_file = (str(path.relative_to(repo)) for path in (state_path(root), ledger_path(root)))
    files = [name for name in (state_file, ledger_file) if (repo / name).exists()]
    # Captions generated at publish time (`ai.unreviewed: generate`) are kept with the records, and
    # so is what `postion backfeed` read: on a race, ours are written over theirs.
    captions = {
        path: read_repo_file(path, what="caption file", limit=MAX_CAPTION_FILE)
        for path in sorted(captions_dir(root).glob("*.yml"))
    }
    if backfeed_path(root).exists():
        captions[backfeed_path(root)] = read_repo_file(backfeed_path(root), what="backfeed file")
    _git(repo, "add", "--", *files, *(str(path.relative_to(repo)) for path in captions))
    if _git(repo, "diff", "--cached", "--quiet", check=False).returncode == 0:
        return "nothing to commit"
    _git(repo, "commit", "--quiet", "-m", COMMIT_MESSAGE)
    for attempt in range(1, attempts + 1):
        if _git(repo, "push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", check=False).returncode == 0:
            return f"pushed to {branch}" + (f" after {attempt - 1} race(s)" if attempt > 1 else "")
        # Someone pushed first: take their branch, unite their records with ours, try again.
        ours_state, ours_ledger = load_state(root), load_ledger(root)
        _git(repo, "fetch", "--quiet", "origin", branch)
        theirs_state, theirs_ledger = _remote_file(repo, state_file), _remote_file(repo, ledger_file)
        _git(repo, "reset", "--quiet", "--hard", "FETCH_HEAD")
        if theirs_state is not None:
            ours_state = merge_states(ours_state, parse_state(json.loads(theirs_state), repo / state_file))
        if theirs_ledger is not None:
            ours_ledger = merge_ledgers(ours_ledger, parse_ledger(json.loads(theirs_ledger), repo / ledger_file))
        save_state(root, ours_state)
        save_ledger(root, ours_ledger, settings.quota, dt.datetime.now(dt.UTC))
        for path, data in captions.items():  # ours, over theirs: the ones this run posted
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _git(repo, "add", "--", state_file, ledger_file, *(str(path.relative_to(repo)) for path in captions))
        if _git(repo, "diff", "--cached", "--quiet", check=False).returncode != 0:
            _git(repo, "commit", "--quiet", "-m", COMMIT_MESSAGE)
        sleep(random.uniform(0.5, 2.0) * attempt)
    raise PostionError(
        f"could not push .postion/ to {branch} after {attempts} attempts; its records are in this job's workspace only"
    )
