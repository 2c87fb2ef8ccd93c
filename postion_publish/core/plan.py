"""The plan: posts + state + settings + clock → one job per (post, platform). Pure: no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from postion_publish.core.captions.reviewed import StoredCaptions
from postion_publish.core.config import PlatformSettings, Settings, TemplateText
from postion_publish.core.dates import parse_time
from postion_publish.core.errors import PlanWarning
from postion_publish.core.placeholder import placeholder_notice
from postion_publish.core.posts import Post, check_unique


@dataclass(frozen=True)
class Message:
    text: str
    length: int  # counted by the platform's own rule
    limit: int
    details: Mapping[str, Any] = field(default_factory=dict)  # the platform's own, e.g. Bluesky's facets
    problem: str | None = None  # why the platform would refuse it (too long): then it is never sent


@dataclass(frozen=True)
class Attachment:
    """What goes with a job's message: the image attached on purpose, or the post's link card
    (`run.attach` finds it, with every check publish makes; `problem`: publish would refuse it)."""

    kind: str  # "image" or "card"
    name: str | None = None  # the image, or the card's picture: its file name or URL
    size: int | None = None  # bytes, as it goes (after conversion where it must be converted)
    digest: str | None = None  # SHA-256 of those bytes
    alt: str | None = None
    title: str | None = None  # a card's
    description: str | None = None
    note: str | None = None  # what the plan cannot tell or changes: "converted to fit", "downloaded at publish"
    problem: str | None = None


@dataclass(frozen=True)
class Job:
    post: Post
    platform: str
    messages: tuple[Message, ...]
    warnings: tuple[PlanWarning, ...] = ()
    caption: str | None = None  # a caption given on the command line, replacing every template
    unreviewed: bool = False  # a stored caption generated at publish time, never reviewed
    whole: bool = True  # the caption fits as rendered: a higher limit would not change the messages
    stored: StoredCaptions | None = field(default=None, compare=False)  # for a refit to a server's limit
    again: bool = False  # `retry --again`: the user's word to post an announced job once more
    attachment: Attachment | None = field(default=None, compare=False)


@dataclass(frozen=True)
class NotPlanned:
    """A new post the plan leaves out, and why: no post disappears without a word."""

    post: Post
    reason: str


@dataclass(frozen=True)
class Waiting:
    """A (post, platform) held back by `delay` until it has been live that long."""

    post: Post
    platform: str
    until: dt.datetime


@dataclass(frozen=True)
class Plan:
    jobs: tuple[Job, ...]
    scheduled: tuple[Post, ...] = ()  # dated in the future: announced once their date has come
    not_planned: tuple[NotPlanned, ...] = ()  # drafts, before `since`, skipped by their block
    notices: tuple[str, ...] = ()  # about the whole plan, e.g. a placeholder site_url
    waiting: tuple[Waiting, ...] = ()  # new, but not live for `delay` yet: a later run announces them


def is_publishable(post: Post, settings: Settings, now: dt.datetime) -> bool:
    return _left_out_because(post, settings, now) is None


def _left_out_because(post: Post, settings: Settings, now: dt.datetime) -> str | None:
    if post.draft:
        return "a draft"
    if post.undated:
        return f"no date: add `date: {now.date().isoformat()}` to the front matter of {post.source_file or post.id}"
    if post.date > now:
        return "scheduled"
    if settings.since is not None and post.date.date() < settings.since:
        return f"dated before `since` ({settings.since.isoformat()} in {settings.file.name})"
    return None


class Announced(Protocol):
    """What the plan asks of the state file (`store.state.State`): which posts were announced where."""

    @property
    def posts(self) -> Mapping[str, Mapping[str, Any]]: ...

    def url_index(self, urls: Iterable[str] = ()) -> dict[str, str]: ...

    def entry_id(self, post: Post, by_url: Mapping[str, str] | None = None) -> str | None: ...

    def platforms_due(
        self, post: Post, platforms: Iterable[str], by_url: Mapping[str, str] | None = None
    ) -> list[str]: ...


def make_plan(
    posts: Iterable[Post],
    state: Announced,
    settings: Settings,
    now: dt.datetime,
    captions: Mapping[str, StoredCaptions] | None = None,
    *,
    delays: bool = True,
) -> Plan:
    """`captions`: the stored, reviewed captions by post id (`postion adapt`). `delays`: hold back
    what `delay` says is not live long enough yet (False: a preview of what will go, whenever)."""
    stored = captions or {}
    all_posts = sorted(check_unique(posts), key=lambda post: (post.date, post.id))
    by_url = state.url_index(post.url for post in all_posts if post.id not in state.posts)
    platforms = settings.enabled_platforms
    jobs: list[Job] = []
    left_out: list[NotPlanned] = []
    waiting: list[Waiting] = []
    for post in all_posts:
        due = state.platforms_due(post, platforms, by_url)
        reason = _left_out_because(post, settings, now)
        if reason is not None:
            if reason != "scheduled" and state.entry_id(post, by_url) is None:
                left_out.append(NotPlanned(post, reason))
            continue
        if skipped := [name for name in due if post.options.skips(name)]:
            left_out.append(NotPlanned(post, f"skipped on {', '.join(skipped)} by its `postion: {{skip: …}}`"))
        for name in due:
            if name in skipped:
                continue
            if delays and (until := _held_until(post, name, state, settings, now, by_url)) is not None:
                waiting.append(Waiting(post, name, until))
                continue
            jobs.append(build_job(post, settings.platforms[name], settings, stored=stored.get(post.id)))
    scheduled = tuple(post for post in all_posts if not post.draft and post.date > now)
    notices = tuple(notice for notice in (placeholder_notice(settings),) if notice)
    return Plan(tuple(jobs), scheduled, tuple(left_out), notices, tuple(waiting))


def _held_until(
    post: Post, platform: str, state: Announced, settings: Settings, now: dt.datetime, by_url: Mapping[str, str]
) -> dt.datetime | None:
    """When `delay` lets this go, if that is still to come. A post is live from its date, or from
    when a publish run first saw it (`seen`, recorded with its pending record), whichever is later:
    a post dated last week but deployed now waits its delay from now. Not seen yet: from now."""
    delay = settings.delay_for(platform)
    if not delay:
        return None
    key = state.entry_id(post, by_url)
    record = state.posts[key].get("platforms", {}).get(platform) if key is not None else None
    # Not seen yet: the run that sees it first records this moment. Recorded before `seen`: its date.
    seen = now if record is None else parse_time(record.get("seen")) or post.date
    until = max(post.date, seen) + delay
    return until if until > now else None


def _template_for(post: Post, platform: PlatformSettings, settings: Settings) -> tuple[TemplateText, bool]:
    """The template and whether it is a caption written by hand for this platform."""
    file = post.source_file or "front matter"
    if (text := post.options.caption_for(platform.name)) is not None:
        kind = platform.name.partition("/")[0]  # an account takes its platform's caption
        return TemplateText(text, f"postion.{kind}", file, post.options.caption_lines.get(kind)), True
    if post.options.template is not None:
        return TemplateText(post.options.template, "postion.template", file, post.options.template_line), False
    return platform.template or settings.template, False


# Captions rendered for the posts of a plan, by (template, post, excerpt, platform where the template
# reads it): the platforms that share a template share its renderings. The post is kept with its
# text, so that an id reused by a later object is never taken for it.
_RENDERED: dict[tuple[str, int, str, str | None], tuple[Post, str]] = {}
_RENDERED_MAX = 4096


def build_job(
    post: Post,
    platform: PlatformSettings,
    settings: Settings,
    caption: str | None = None,
    *,
    stored: StoredCaptions | None = None,
) -> Job:
    """The fitted message(s) for one post on one platform. `caption` replaces every template;
    `stored`: the post's reviewed captions, used as they are (never rendered, never shortened)
    unless the post has one written by hand for this platform."""
    # Loaded on the first job: a build hook or a plan with nothing new never needs them.
    from postion_publish.core.captions.fit import fit_caption
    from postion_publish.core.captions.mentions import Mentions
    from postion_publish.core.captions.rule_of import rule_for
    from postion_publish.core.captions.templates import names_platform, render, template_context

    template, hand_written = _template_for(post, platform, settings)
    if caption is not None:
        template, hand_written = TemplateText(caption, "caption", "command line", None), True
    notes: list[str] = []
    literal: str | None = None
    unreviewed = False
    if stored is not None and caption is None and post.options.caption_for(platform.name) is None:
        if platform.name in stored.captions and stored.fresh_for(post):
            literal, hand_written, unreviewed = stored.captions[platform.name], True, not stored.reviewed
        elif platform.name in stored.captions:
            notes.append(
                f"the stored caption ({stored.file}) was written for an earlier version of this post: the "
                f"template is used; `postion adapt --force {post.id}` writes it again"
            )
    rule = rule_for(platform)

    def caption_for(excerpt: str) -> str:
        if literal is not None:
            return literal  # posted as reviewed, byte for byte
        key = (template.text, id(post), excerpt, platform.name if names_platform(template.text) else None)
        if (seen := _RENDERED.get(key)) is not None and seen[0] is post:
            return seen[1]
        context = template_context(post, platform.name, excerpt)
        context["mention"] = Mentions(settings.people, platform.name, post.source_file or post.url)
        text = render(
            template.text, context, origin=template.origin, file=template.file, first_line=template.first_line
        )
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[key] = (post, text)
        return text

    fitted = fit_caption(caption_for, post.excerpt, rule, thread=platform.thread, hand_written=hand_written)
    messages = tuple(
        Message(
            text=part,
            length=rule.length(part),
            limit=rule.limit,
            details=rule.message_details(part),
            problem=rule.problem(part),
        )
        for part in fitted.parts
    )
    warnings = [PlanWarning(m, post.source_file, post.source_line) for m in (*post.warnings, *fitted.warnings, *notes)]
    if post.image and not post.image_alt:
        warnings.append(
            PlanWarning("the image has no alt text; add `postion: {alt: …}`", post.source_file, post.source_line)
        )
    warnings += [PlanWarning(m, post.source_file, post.source_line) for m in _unreadable(post, platform.name, messages)]
    return Job(post, platform.name, messages, tuple(warnings), caption, unreviewed, fitted.whole, stored)


def _unreadable(post: Post, platform: str, messages: tuple[Message, ...]) -> list[str]:
    """What would reach readers empty or with no way to the post: a caption of nothing but "…",
    or no link to the post where the platform shows no card for it."""
    from postion_publish.core import registry

    found = []
    if any(not message.text.replace("…", "").replace("...", "").strip() for message in messages):
        found.append('the caption is empty once shortened (only "…" is left): shorten the template or the title')
    spec = registry.find(platform)
    shows_card = spec is not None and spec.link_card and (not post.options.image or spec.card_beside_image)
    if not shows_card and not any(post.url in message.text for message in messages):
        display = spec.display if spec else platform
        found.append(f"no link to the post: the caption holds none and {display} shows no card here; add {{{{ url }}}}")
    return found


def refit(job: Job, platform: PlatformSettings, settings: Settings) -> Job:
    """The job fitted again, e.g. to the limit a server publishes: same post, caption and stored captions."""
    return build_job(job.post, platform, settings, job.caption, stored=job.stored)
