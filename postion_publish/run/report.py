"""The plan for people (a table), for machines (JSON) and for pull requests (Markdown)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from postion_publish.core.errors import ErrorKind, PlanWarning
from postion_publish.core.inert import code_block, code_span, one_line
from postion_publish.core.plan import Attachment, Job, Plan, Waiting
from postion_publish.core.registry import display_name
from postion_publish.core.results import Status

if TYPE_CHECKING:
    from postion_publish.core.results import JobResult
    from postion_publish.run.workspace import Unsettled
    from postion_publish.store.ledger import Attempt, Quota


def warning_text(warning: PlanWarning) -> str:
    where = warning.file or ""
    if where and warning.line:
        where += f":{warning.line}"
    return f"{where}: {warning.message}" if where else warning.message


def plan_json(plan: Plan) -> list[tuple[str, Iterable[dict[str, Any]]]]:
    """`postion plan --json`: its lists, each made as it is written (see jsonfile.encoded_lists)."""
    return [
        ("jobs", map(_job_json, plan.jobs)),
        ("scheduled", [{"post": p.url, "post_id": p.id, "date": p.date.isoformat()} for p in plan.scheduled]),
        ("not_planned", [{"post": n.post.url, "post_id": n.post.id, "reason": n.reason} for n in plan.not_planned]),
        *([("notices", [{"message": notice} for notice in plan.notices])] if plan.notices else []),
        *([("waiting", [_waiting_json(w) for w in plan.waiting])] if plan.waiting else []),
    ]


def _waiting_json(waiting: Waiting) -> dict[str, Any]:
    until = waiting.until.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return {"post": waiting.post.url, "post_id": waiting.post.id, "platform": waiting.platform, "until": until}


def waiting_line(waiting: Waiting) -> str:
    until = waiting.until.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"Waiting (delay): {one_line(waiting.post.title)} on {display_name(waiting.platform)} from {until}"


def _job_json(job: Job) -> dict[str, Any]:
    messages = [
        {
            "text": message.text,
            "length": message.length,
            "limit": message.limit,
            **message.details,
            **({"problem": message.problem} if message.problem else {}),
        }
        for message in job.messages
    ]
    found: dict[str, Any] = {
        "post": job.post.url,
        "post_id": job.post.id,
        "title": job.post.title,
        "platform": job.platform,
        "messages": messages,
        "warnings": [warning_text(warning) for warning in job.warnings],
    }
    if job.attachment is not None:
        found["attachment"] = {key: value for key, value in vars(job.attachment).items() if value is not None}
    return found


def attachment_line(attachment: Attachment) -> str:
    """One line: what goes with the message, as plain text (made inert by whoever prints it)."""
    size = f", {attachment.size / 1024:,.0f} KB" if attachment.size is not None else ""
    if attachment.kind == "image":
        text = f"image {attachment.name}{size}, alt: “{attachment.alt or ''}”"
        if attachment.title is not None:
            text += f", in a link card “{attachment.title}”"
    else:
        picture = f", picture {attachment.name}{size}" if attachment.name else ""
        text = f"link card “{attachment.title}”{picture}" if attachment.title is not None else "link card"
    if attachment.note:
        text += f" ({attachment.note})"
    if attachment.problem:
        text += f"; refused: {attachment.problem}"
    return text


def _by_post(plan: Plan) -> list[list[Job]]:
    groups: dict[str, list[Job]] = {}
    for job in plan.jobs:
        groups.setdefault(job.post.id, []).append(job)
    return list(groups.values())


def _summary(plan: Plan) -> str:
    posts = len({job.post.id for job in plan.jobs})
    warnings = sum(len(job.warnings) for job in plan.jobs)
    text = (
        f"{posts} new post{'s' if posts != 1 else ''}, {len(plan.jobs)} message job{'s' if len(plan.jobs) != 1 else ''}"
    )
    if warnings:
        text += f", {warnings} warning{'s' if warnings != 1 else ''}"
    return text


def _length_label(job: Job) -> str:
    if len(job.messages) == 1:
        return f"{job.messages[0].length}/{job.messages[0].limit}"
    return f"thread of {len(job.messages)}"


def plan_table(plan: Plan) -> str:
    if not plan.jobs:
        lines = ["Nothing new to announce" + (" yet." if plan.waiting else ".")]
    else:
        lines = [_summary(plan) + " (a plan: nothing is posted)", ""]
        for jobs in _by_post(plan):
            post = jobs[0].post
            # Each line starts with our own text: a title is never the start of a line (under
            # Actions, a line starting `::` is a workflow command).
            lines.append(f"● {one_line(post.title)}  {one_line(post.url)}  ({post.date.date().isoformat()})")
            for job in jobs:
                lines.append(f"  {display_name(job.platform):<9} {_length_label(job)}")
                for index, message in enumerate(job.messages, start=1):
                    if len(job.messages) > 1:
                        lines.append(f"    [{index}] {message.length}/{message.limit}")
                    lines.extend(f"    │ {one_line(line)}" for line in message.text.split("\n"))
                if job.attachment is not None:
                    lines.append(f"    + {one_line(attachment_line(job.attachment))}")
                lines.extend(f"    ! {one_line(warning_text(w))}" for w in job.warnings)
            lines.append("")
    lines[:0] = [f"Warning: {one_line(notice)}" for notice in plan.notices]
    lines.extend(waiting_line(waiting) for waiting in plan.waiting)
    for post in plan.scheduled:
        lines.append(f"Scheduled: {one_line(post.title)} ({post.date.isoformat()})")
    for left_out in plan.not_planned:
        lines.append(f"Not announced: {one_line(left_out.post.title)} ({left_out.post.url}): {left_out.reason}")
    return "\n".join(lines).rstrip() + "\n"


def plan_markdown(plan: Plan, max_chars: int | None = None) -> str:
    """The plan for a pull request. Every string a post or a platform brings is shown inertly (code
    spans and fenced blocks it cannot close): no post can hide another, fake a summary, embed an
    image, make a link or ping anyone. `max_chars`: whole posts only are left out to fit (a cut in
    the middle of one could leave a code span open and its text live)."""
    if not plan.jobs:
        return "**postion-publish:** nothing new to announce.\n"
    text = f"**postion-publish:** {_summary(plan)} once this is merged.\n\n"
    text += "".join(f"> ⚠️ {code_span(notice)}\n\n" for notice in plan.notices)
    posts = _by_post(plan)
    for number, jobs in enumerate(posts, start=1):
        section = _post_markdown(number, jobs)
        if max_chars is not None and len(text) + len(section) > max_chars - 200:
            left = len(posts) - number + 1
            return text + f"…and {left} more post{'s' if left != 1 else ''}: `postion plan` shows every one.\n"
        text += section
    return text.rstrip() + "\n"


def _post_markdown(number: int, jobs: list[Job]) -> str:
    post = jobs[0].post
    lines = [f"### {number}. {code_span(post.title)}", "", f"{code_span(post.url)}", ""]
    for job in jobs:
        lines += [f"**{display_name(job.platform)}** · {_length_label(job)}", ""]
        for index, message in enumerate(job.messages, start=1):
            if len(job.messages) > 1:
                lines += [f"Part {index} · {message.length}/{message.limit}", ""]
            lines += [*code_block(message.text), ""]
        if job.attachment is not None:
            lines += [f"📎 {code_span(attachment_line(job.attachment))}", ""]
        lines += [f"> ⚠️ {code_span(warning_text(w))}" for w in job.warnings]
        if job.warnings:
            lines.append("")
    return "\n".join(lines) + "\n"


# --- runs, history, quota --------------------------------------------------------------------

STATUS_MARKS: dict[str, str] = {
    Status.PUBLISHED: "✓",
    Status.FAILED: "✗",
    Status.UNKNOWN: "?",
    Status.SKIPPED: "–",
    Status.DRY_RUN: "·",
}


def result_line(result: JobResult) -> str:
    mark = STATUS_MARKS.get(result.status, "?")
    name = f"{display_name(result.job.platform):<9}"
    title = one_line(result.job.post.title)
    if result.status == Status.PUBLISHED:
        # X and Threads can confirm a post went out without saying where (after a lost answer).
        return f"{mark} {name} {title}  {one_line(result.url or '(announced, link unknown)')}"
    if result.status == Status.DRY_RUN:
        return f"{mark} {name} {title}  (dry run: not sent{'; ' + one_line(result.error) if result.error else ''})"
    plain = (None, ErrorKind.ERROR, ErrorKind.UNKNOWN)  # "unknown: unknown: …" says nothing more
    kind = f"{result.error_kind.replace('_', ' ')}: " if result.error_kind not in plain else ""
    return f"{mark} {name} {title}  {result.status}: {kind}{one_line(result.error or '')}"


def result_json(result: JobResult) -> dict[str, Any]:
    return {
        "post": result.job.post.url,
        "platform": result.job.platform,
        "status": result.status,
        "url": result.url,
        "id": result.id,
        "error": result.error,
        "attempts": result.attempts,
    }


def quota_text(quota: Quota) -> str:
    return f"Quota: {quota.used} of {quota.limit} units used this cycle; it resets on {quota.resets.isoformat()}."


def attempt_json(attempt: Attempt) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "time": attempt.time,
        "post": attempt.post,
        "platform": attempt.platform,
        "status": attempt.status,
        "url": attempt.url,
        "error": attempt.error,
        "error_kind": attempt.error_kind,
        "attempts": attempt.attempts,
        **({"unreviewed": True} if attempt.unreviewed else {}),  # a caption no one reviewed went out
    }


def history_table(attempts: list[Attempt]) -> str:
    if not attempts:
        return "No attempts yet.\n"
    lines = []
    for attempt in attempts:
        mark = STATUS_MARKS.get(attempt.status, "?")
        outcome = (attempt.url if attempt.status == Status.PUBLISHED else attempt.error) or ""
        name = display_name(attempt.platform)
        lines.append(f"{attempt.time}  {attempt.id}  {mark} {name:<9} {one_line(attempt.post)}  {one_line(outcome)}")
    return "\n".join(lines) + "\n"


def settle_advice(item: Unsettled) -> str:
    attempt = item.attempt_id or "ID"
    return (
        f"if it is on {display_name(item.platform)}: `postion retry {attempt} --posted LIVE_URL`; "
        f"if not: `postion retry {attempt}`"
    )


def unsettled_lines(items: Sequence[Unsettled]) -> list[str]:
    """Sends of earlier runs whose outcome is unknown, each with how to settle it."""
    lines = []
    for item in items:
        name = display_name(item.platform)
        lines.append(f"? {name:<9} {one_line(item.post)}  outcome unknown: {one_line(item.reason)}")
        lines.append(f"    {settle_advice(item)}")
    return lines


def unsettled_json(item: Unsettled) -> dict[str, Any]:
    return {
        "post": item.post,
        "platform": item.platform,
        "attempt": item.attempt_id,
        "reason": item.reason,
        "settle": settle_advice(item),
    }
