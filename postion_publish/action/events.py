"""`postion action`: what the Action does for each event.

- push to the default branch, and schedule: publish what is due, write the job summary, commit
  `.postion/` back (retrying a push race without losing an entry);
- pull_request: the plan this PR would publish once merged — its posts against the base branch's
  state — as one sticky comment, or in the job summary where the token cannot comment (forks);
- workflow_dispatch: the manual executor (a post URL, platforms, a caption), else a publish.
Inputs arrive as POSTION_INPUT_* variables (composite actions get no INPUT_*) and are validated
here; no input or event text is ever put into a shell command.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from postion_publish.action.workflow import (
    Emit,
    annotation,
    append_summary,
    commands_stopped,
    mask_secrets,
    set_outputs,
)
from postion_publish.core import registry
from postion_publish.core.config import Settings, load_settings
from postion_publish.core.errors import BadInput, PostionError
from postion_publish.core.inert import code_span, one_line, table_cell
from postion_publish.core.plan import Plan, make_plan
from postion_publish.core.posts import Post
from postion_publish.core.redact import Redactor
from postion_publish.core.results import Status
from postion_publish.net.github import MAX_COMMENT, GitHub, GitHubError
from postion_publish.run import report
from postion_publish.run.retry import post_manually
from postion_publish.run.workspace import RunOptions, RunOutcome, publish
from postion_publish.sources import read_posts
from postion_publish.store.captions import load_captions
from postion_publish.store.state import State, load_state, parse_state, state_path
from postion_publish.store.tokens import RedactingStore, TokenStore

MARKER = "<!-- postion:preview -->"


@dataclass(frozen=True)
class ActionInputs:
    config: Path
    platforms: tuple[str, ...]
    dry_run: bool
    wait_live: float | None
    token_refresh: bool = False
    backfeed: bool = False

    @staticmethod
    def from_environment(environ: Mapping[str, str]) -> ActionInputs:
        def flag(name: str) -> bool:
            value = environ.get(f"POSTION_INPUT_{name}", "false").strip().lower()
            if value not in ("true", "false", ""):
                raise BadInput(f"input {name.lower().replace('_', '-')} must be true or false, not {value!r}")
            return value == "true"

        platforms = tuple(p for p in re.split(r"[\s,]+", environ.get("POSTION_INPUT_PLATFORMS", "")) if p)
        unknown = [p for p in platforms if p not in registry.names()]
        if unknown:
            known = ", ".join(registry.names())
            raise BadInput(f"input platforms: unknown platform {unknown[0]!r}; known: {known}")
        timeout_text = environ.get("POSTION_INPUT_WAIT_TIMEOUT", "600") or "600"
        try:
            timeout = float(timeout_text)
        except ValueError:
            raise BadInput(f"input wait-timeout must be a number of seconds, not {timeout_text!r}") from None
        return ActionInputs(
            config=Path(environ.get("POSTION_INPUT_CONFIG") or "postion.yml"),
            platforms=platforms,
            dry_run=flag("DRY_RUN"),
            wait_live=timeout if flag("WAIT_LIVE") else None,
            token_refresh=flag("TOKEN_REFRESH"),
            backfeed=flag("BACKFEED"),
        )


def _event(environ: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    name = environ.get("GITHUB_EVENT_NAME", "")
    path = environ.get("GITHUB_EVENT_PATH")
    payload: dict[str, Any] = {}
    if path and Path(path).exists():
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    return name, payload


def run_action(environ: Mapping[str, str], emit: Emit) -> int:
    if environ.get("GITHUB_ACTIONS") != "true":
        # Outside a runner nothing would hide the masks: they would print every secret.
        raise BadInput("`postion action` runs inside GitHub Actions only; use `postion publish` or `postion plan`")
    mask_secrets(environ, emit)  # before anything else can print
    inputs = ActionInputs.from_environment(environ)
    event, payload = _event(environ)
    if event == "pull_request_target":
        raise BadInput(
            "the pull_request_target event is refused: it runs with this repository's secrets and a token "
            "that may write, and the preview builds the pull request's code (a MkDocs or Pelican build runs "
            "its hooks and plugins), which could read them. Use `on: pull_request`: the preview needs no secret"
        )
    if event == "pull_request":
        return preview_pull_request(inputs, environ, payload, emit)
    if event == "push":
        branch = environ.get("GITHUB_REF_NAME", "")
        default = str(payload.get("repository", {}).get("default_branch") or "main")
        if branch != default:
            annotation("notice", f"push to {branch}, not {default}: postion publishes from {default} only", emit)
            return 0
        return publish_and_record(inputs, environ, emit, branch)
    if event == "schedule":
        # Posts whose date has now come are due; with `token-refresh`, tokens are refreshed first
        # (a token not used for weeks stays alive) and the reminder issue is kept up to date. With
        # `backfeed`, replies, reposts and likes are read first, committed with the records.
        if inputs.backfeed:
            _backfeed(inputs, emit)
        return publish_and_record(inputs, environ, emit, environ.get("GITHUB_REF_NAME") or "main", scheduled=True)
    if event == "workflow_dispatch":
        return publish_and_record(inputs, environ, emit, environ.get("GITHUB_REF_NAME") or "main", payload)
    raise BadInput(
        f"postion action does not handle the event {event!r} (push, pull_request, schedule, workflow_dispatch)"
    )


# --- publishing --------------------------------------------------------------------------------


def _backfeed(inputs: ActionInputs, emit: Emit) -> None:
    """Read what readers answered (at most hourly: a copy read within the hour is not read again)."""
    from postion_publish.run.backfeed import backfeed

    outcome = backfeed(inputs.config, dt.datetime.now(dt.UTC), say=lambda line: emit(one_line(line)))
    for problem in outcome.problems:
        annotation("warning", f"backfeed: {problem}", emit)


def _options(inputs: ActionInputs, environ: Mapping[str, str], emit: Emit) -> RunOptions:
    return RunOptions(
        environ=environ,
        on_result=lambda result: emit(report.result_line(result)),
        dry_run=inputs.dry_run,
        wait_live=inputs.wait_live,
        on_progress=lambda line: emit(one_line(line)),
    )


def publish_and_record(
    inputs: ActionInputs,
    environ: Mapping[str, str],
    emit: Emit,
    branch: str,
    payload: Mapping[str, Any] | None = None,
    *,
    scheduled: bool = False,
) -> int:
    from postion_publish.action.sync import commit_and_push
    from postion_publish.tokens.github import store_for_run

    notices: list[str] = []
    dispatch = dict((payload or {}).get("inputs") or {})
    tokens = store_for_run(
        environ, load_settings(inputs.config).token_scope
    )  # one store for the refresh and the publish: a rotated token is read back
    with commands_stopped(emit) as commands:  # progress lines carry titles and platforms' answers
        options = replace(
            _options(inputs, environ, emit), on_secret=commands.mask, on_notice=notices.append, tokens=tokens
        )
        if scheduled and inputs.token_refresh and not inputs.dry_run:
            _refresh_tokens(inputs, environ, emit, tokens, commands.mask)
        if dispatch.get("post_url"):
            names = tuple(p for p in re.split(r"[\s,]+", str(dispatch.get("platforms") or "")) if p) or inputs.platforms
            caption = str(dispatch.get("caption") or "")
            captions = {name: caption for name in registry.names()} if caption else {}
            outcome = post_manually(
                inputs.config, str(dispatch["post_url"]), options, platforms=names, captions=captions
            )
        else:
            outcome = publish(inputs.config, options, platforms=inputs.platforms)
    for result in outcome.results:
        for warning in result.job.warnings:
            annotation("warning", warning.message, emit, file=warning.file, line=warning.line)
        if result.status == Status.FAILED:
            annotation("error", f"{result.job.platform}: {result.job.post.url}: {result.error}", emit)
        elif result.status == Status.UNKNOWN:  # may have gone out: the user decides, never a blind resend
            annotation("warning", f"{result.job.platform}: {result.job.post.url}: {result.error}", emit)
    for item in outcome.unsettled:  # every run says it again, until the user settles it
        message = f"{item.platform}: {item.post}: outcome unknown ({item.reason}); {report.settle_advice(item)}"
        annotation("warning", message, emit)
    for notice in notices:  # a rotated token that cannot be kept: loudly, in the log and the summary
        annotation("warning", notice, emit)
    if scheduled and inputs.token_refresh and not inputs.dry_run:
        _remind(inputs, environ, emit)
    pushed = "dry run: nothing recorded"
    if not inputs.dry_run:
        pushed = commit_and_push(load_settings(inputs.config), branch)
    append_summary(environ.get("GITHUB_STEP_SUMMARY"), publish_summary(outcome, pushed, notices))
    published = sum(1 for result in outcome.results if result.status == Status.PUBLISHED)
    failed = sum(1 for result in outcome.results if result.status == Status.FAILED)
    results = json.dumps([report.result_json(result) for result in outcome.results], ensure_ascii=False)
    set_outputs(environ.get("GITHUB_OUTPUT"), {"published": str(published), "failed": str(failed), "results": results})
    return 1 if outcome.failed else 0


def _refresh_tokens(
    inputs: ActionInputs, environ: Mapping[str, str], emit: Emit, tokens: TokenStore, mask: Emit
) -> None:
    from postion_publish.tokens.health import refresh_tokens

    store = RedactingStore(tokens, Redactor.from_environment(environ), mask)
    results, _ = refresh_tokens(
        inputs.config, environ, dt.datetime.now(dt.UTC), store=store, min_age=dt.timedelta(hours=20)
    )
    for result in results:
        emit(f"tokens: {registry.display_name(result.platform)}: {one_line(result.message)}")


def _remind(inputs: ActionInputs, environ: Mapping[str, str], emit: Emit) -> None:
    """The reminder issue: never a reason for the run to fail."""
    from postion_publish.tokens.health import remind

    try:
        done = remind(load_settings(inputs.config), environ, dt.datetime.now(dt.UTC))
    except PostionError as error:
        annotation("warning", f"token reminder not updated: {error}", emit)
        return
    annotation("notice", f"tokens: {done}", emit)


def publish_summary(outcome: RunOutcome, pushed: str, notices: list[str] | None = None) -> str:
    lines = ["## postion-publish", ""]
    if not outcome.results:
        lines.append("Nothing new to announce.")
    else:
        lines += ["| | platform | post | link or error |", "|---|---|---|---|"]
        for result in outcome.results:  # titles, URLs and platforms' errors: shown inertly
            mark = report.STATUS_MARKS.get(result.status, "?")
            outcome_text = result.url if result.status == Status.PUBLISHED else f"{result.status}: {result.error or ''}"
            post = f"{table_cell(result.job.post.title)} {table_cell(result.job.post.url)}"
            name = registry.display_name(result.job.platform)
            lines.append(f"| {mark} | {name} | {post} | {table_cell(outcome_text or '')} |")
    if outcome.unsettled:
        lines += ["", "**Outcome unknown** (not sent again until you decide):", ""]
        for item in outcome.unsettled:
            advice = code_span(report.settle_advice(item))
            lines.append(f"- {item.platform}: {code_span(item.post)} {code_span(item.reason)}: {advice}")
    quota = outcome.quota
    lines += [
        "",
        f"**Quota:** {quota.used} of {quota.limit} units used, {quota.left} left; resets on {quota.resets}.",
        "**Tokens:** "
        + ("; ".join(f"⚠️ {code_span(notice)}" for notice in notices) if notices else "nothing to report."),
        f"**State:** {pushed}.",
    ]
    return "\n".join(lines) + "\n"


# --- pull requests -----------------------------------------------------------------------------


def _base_state(settings: Settings, base_ref: str) -> tuple[State, str]:
    """The base branch's state: what is announced once this PR is merged. The PR's own copy of
    the state file is not trusted for this."""
    path = state_path(settings.root)
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=settings.root, capture_output=True, text=True, check=True
        ).stdout.strip()
        relative = path.resolve().relative_to(Path(top).resolve()).as_posix()
        subprocess.run(
            ["git", "fetch", "--quiet", "--depth=1", "origin", base_ref], cwd=top, capture_output=True, check=True
        )
        shown = subprocess.run(
            ["git", "show", f"FETCH_HEAD:{relative}"], cwd=top, capture_output=True, text=True, check=True
        )
        return parse_state(json.loads(shown.stdout), path), f"the state of {base_ref}"
    except (subprocess.CalledProcessError, ValueError, OSError):
        return load_state(settings.root), "this branch's state (the base branch's could not be read)"


def preview_pull_request(
    inputs: ActionInputs, environ: Mapping[str, str], payload: Mapping[str, Any], emit: Emit
) -> int:
    settings = load_settings(inputs.config)
    pull = payload.get("pull_request") or {}
    base_ref = str(pull.get("base", {}).get("ref") or "main")
    state, source = _base_state(settings, base_ref)
    posts = read_posts(settings)
    plan = _preview_plan(posts, state, settings)
    note = ""
    if settings.ai is not None and settings.ai.enabled:
        note = _review_captions(settings, plan, payload, environ, emit, inputs.config)
        plan = _preview_plan(posts, state, settings)
    for job in plan.jobs:
        for warning in job.warnings:
            annotation("warning", warning.message, emit, file=warning.file, line=warning.line)
    body = preview_body(plan, source, note)
    number = pull.get("number") or payload.get("number")
    summary = environ.get("GITHUB_STEP_SUMMARY")
    token = environ.get("GITHUB_TOKEN", "")
    api, repository = environ.get("GITHUB_API_URL", "https://api.github.com"), environ.get("GITHUB_REPOSITORY", "")
    if not (number and token and repository):
        append_summary(summary, body)
        return 0
    github = GitHub(api, repository, token)
    try:
        done = github.upsert_sticky_comment(int(number), MARKER, body)
        append_summary(summary, f"postion-publish: the preview comment was {done} on #{number}.\n")
    except GitHubError as error:
        if error.status != 403:
            raise
        # A fork's token is read-only ("Resource not accessible by integration"): the preview
        # goes to the job summary instead, and the run does not fail.
        annotation(
            "notice", "this token cannot comment (a pull request from a fork?): the preview is in the job summary", emit
        )
        append_summary(summary, body)
    finally:
        github.close()
    set_outputs(environ.get("GITHUB_OUTPUT"), {"published": "0", "failed": "0", "results": "[]"})
    return 0


def _preview_plan(posts: list[Post], state: State, settings: Settings) -> Plan:
    """What the merge will announce, the posts `delay` will hold back included (they go later)."""
    plan = make_plan(posts, state, settings, dt.datetime.now(dt.UTC), load_captions(settings.root), delays=False)
    delays = {name: settings.delay_for(name) for name in settings.enabled_platforms if settings.delay_for(name)}
    if not delays:
        return plan
    said = ", ".join(f"{registry.display_name(name)} {_duration(delay)}" for name, delay in delays.items())
    return replace(plan, notices=(*plan.notices, f"announced once live for a while (delay): {said}"))


def _duration(delay: dt.timedelta) -> str:
    minutes = int(delay.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def _review_captions(
    settings: Settings, plan: Plan, payload: Mapping[str, Any], environ: Mapping[str, str], emit: Emit, config: Path
) -> str:
    """AI captions for review: written and committed to a same-repository pull request's branch;
    for a fork, a note for the comment. Never a reason for the preview to fail."""
    from postion_publish.action import review

    if review.is_fork(payload, environ):
        from postion_publish.ai.adapt import needing_captions

        missing = needing_captions(plan, load_captions(settings.root))
        return review.fork_note(missing) if missing else ""
    try:
        with commands_stopped(emit):  # the model's captions are user-facing text
            done = review.write_and_commit(settings, plan, payload, environ, config)
            emit(f"postion: {one_line(done)}")
    except PostionError as error:
        annotation("warning", f"captions not written for review: {error}", emit)
    return ""


def preview_body(plan: Plan, source: str, note: str = "") -> str:
    footer = f"Planned against {code_span(source)}. Nothing is posted until this is merged."
    if note:
        footer = f"{note}\n\n{footer}"
    room = MAX_COMMENT - len(MARKER) - len(footer) - 10  # whole posts only: never a cut in user text
    return f"{MARKER}\n{report.plan_markdown(plan, max_chars=room)}\n{footer}\n"
