"""AI captions reviewed in the pull request: on a pull request from this repository, the Action
writes the missing captions and commits them to the pull request's branch, so that the reviewer
sees them as a diff, edits them there, and the merge posts exactly them.

The checkout of a pull request is a merge commit; the captions are committed on the branch's own
head instead (a temporary worktree), never on the merge, and pushed with the job's token. A run
with nothing missing commits nothing. From a fork (no key, a read-only token) nothing is written:
the comment says which posts lack reviewed captions and how to get them.
"""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from postion_publish.ai.adapt import adapt, needing_captions
from postion_publish.core.config import Settings
from postion_publish.core.inert import code_span
from postion_publish.core.plan import Plan
from postion_publish.store.captions import caption_path, load_captions

COMMIT_MESSAGE = "postion: captions for review"
BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")


def is_fork(payload: Mapping[str, Any], environ: Mapping[str, str]) -> bool:
    """Whether the pull request's code comes from elsewhere than this repository. Only a head
    repository that is this one says no: a fork deleted since (`head.repo` null), a payload
    without it or a runner that does not name its repository are forks."""
    head = (payload.get("pull_request") or {}).get("head") or {}
    repository = (head.get("repo") or {}).get("full_name")
    return not repository or not environ.get("GITHUB_REPOSITORY") or repository != environ["GITHUB_REPOSITORY"]


def fork_note(post_ids: list[str]) -> str:
    listed = ", ".join(code_span(post_id) for post_id in post_ids)  # ids come from the pull request: inert
    return (
        f"**AI captions** are not written for a pull request from a fork (no key, no write access): {listed}. "
        "Once merged they get the template caption, unless a maintainer runs `postion adapt` on a branch of this "
        "repository to have them reviewed first."
    )


def write_and_commit(
    settings: Settings, plan: Plan, payload: Mapping[str, Any], environ: Mapping[str, str], config: Path
) -> str:
    """Write the missing captions here, commit them on the pull request's branch, push. Returns
    what happened, for the log."""
    post_ids = needing_captions(plan, load_captions(settings.root))
    if not post_ids:
        return "captions: all stored and up to date"
    lines = adapt(config, environ, dt.datetime.now(dt.UTC), post_ids)
    head = str(((payload.get("pull_request") or {}).get("head") or {}).get("ref") or "")
    if not head:
        return "captions written, not committed: the event names no branch; " + "; ".join(lines)
    return _commit_on_branch(settings, post_ids, head, environ) + "; " + "; ".join(lines)


def _git(cwd: Path, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    identity = ["-c", f"user.name={BOT[0]}", "-c", f"user.email={BOT[1]}"]
    if token:  # as actions/checkout does; the pull request's checkout keeps no credentials
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        identity += ["-c", f"http.extraheader=AUTHORIZATION: basic {basic}"]
    return subprocess.run(["git", *identity, *args], cwd=cwd, capture_output=True, text=True, check=False)


def _commit_on_branch(settings: Settings, post_ids: list[str], branch: str, environ: Mapping[str, str]) -> str:
    top = Path(_git(settings.root, "rev-parse", "--show-toplevel").stdout.strip() or settings.root)
    token = environ.get("GITHUB_TOKEN") or None
    fetched = _git(top, "fetch", "--quiet", "origin", f"refs/heads/{branch}", token=token)  # never an option
    if fetched.returncode != 0:
        return f"captions written, not committed: the branch {branch} could not be fetched"
    worktree = Path(tempfile.mkdtemp(prefix="postion-captions-"))
    try:
        if _git(top, "worktree", "add", "--quiet", "--detach", str(worktree), "FETCH_HEAD").returncode != 0:
            return "captions written, not committed: no worktree of the branch"
        relative_root = settings.root.resolve().relative_to(top.resolve())
        for post_id in post_ids:
            source = caption_path(settings.root, post_id)
            target = worktree / relative_root / source.relative_to(settings.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            _git(worktree, "add", str(target.relative_to(worktree)))
        if _git(worktree, "diff", "--cached", "--quiet").returncode == 0:
            return "captions: the branch has them already"
        _git(worktree, "commit", "--quiet", "-m", COMMIT_MESSAGE)
        pushed = _git(worktree, "push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", token=token)
        if pushed.returncode != 0:
            return f"captions written, not pushed to {branch} (it moved on, or the token may not push): next run"
        return f"captions committed to {branch} for review"
    finally:
        _git(top, "worktree", "remove", "--force", str(worktree))
        shutil.rmtree(worktree, ignore_errors=True)
