"""`postion adapt`: a caption written for each platform, stored for review, posted as stored.

With `ai:` configured (and enabled), a language model writes each caption from the post's title,
excerpt and tags, told the platform's tone and limit. Its answer is checked like any caption: it
must come between `<caption>` tags (prose around it is ignored), it must fit the platform's rule
(one more try with the reason, then the deterministic caption with a warning), and the post's URL is
always the real one: the model writes a placeholder, every URL it writes itself is removed.

Without a model, the adaptation is deterministic: the title, the excerpt shortened to the platform,
the URL and hashtags from the tags. It works offline and in the demo.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from postion_publish.ai.clean import without_links
from postion_publish.ai.models import CaptionModel, HttpModel, ModelError
from postion_publish.core import registry
from postion_publish.core.captions.rule_of import rule_for
from postion_publish.core.config import PlatformSettings, Settings, TemplateText, load_settings
from postion_publish.core.errors import BadInput
from postion_publish.core.plan import Plan, build_job, make_plan
from postion_publish.core.posts import Post
from postion_publish.sources import read_posts
from postion_publish.store.captions import StoredCaptions, inputs_hash, load_captions, save_captions
from postion_publish.store.state import load_state

URL_MARK = "{URL}"
_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.S)
SYSTEM = (
    "You write the caption that announces a new blog post on one social platform, in the post's own "
    "language. Answer with the caption only, between <caption> and </caption>. Where the link to the "
    f"post belongs, write {URL_MARK}; never write a URL or a link yourself. No quotes around the caption."
)
DETERMINISTIC = "deterministic"


def deterministic_caption(post: Post, platform: PlatformSettings, settings: Settings) -> str:
    """The title, the excerpt shortened to fit, the URL, hashtags from the tags (not on Discord)."""
    text = "{{ title }}\n\n{{ excerpt }}\n\n{{ url }}"
    if post.tags and registry.spec(platform.name).hashtags:
        text += "\n{{ hashtags }}"
    template = TemplateText(text, "deterministic adaptation", "postion", None)
    job = build_job(post, replace(platform, template=template, thread=False), settings)
    return job.messages[0].text


def caption_from(answer: str, post: Post, model: str) -> str:
    """The caption in a model's answer, with the post's real URL and no other."""
    found = _CAPTION.search(answer)
    if found is None:
        raise ModelError(f"{model}: the answer holds no <caption>…</caption> (prose instead of a caption?)")
    body = without_links(found.group(1))  # never trusted with a link, nor with what no one sees
    # The placeholder alone: what the model glued to it (`{URL}/login`) would make the post's own
    # link point elsewhere on the site; trailing punctuation stays.
    body = re.sub(r"\{URL\}\S*?([)\]»”\"'.,!?;:]*)(?=\s|$)", URL_MARK + r"\1", body)
    if not body.replace(URL_MARK, "").strip():
        raise ModelError(f"{model}: the caption was empty")
    if URL_MARK not in body:
        return f"{body}\n{post.url}"
    return body.replace(URL_MARK, "\x00", 1).replace(URL_MARK, "").replace("\x00", post.url)


def model_caption(
    model: CaptionModel, post: Post, platform: PlatformSettings, settings: Settings
) -> tuple[str, str | None]:
    """A caption written by the model, checked; or the deterministic one and a warning."""
    rule = rule_for(platform)
    style = registry.spec(platform.name).ai_style or platform.name
    thread = " (a longer text becomes a thread)" if platform.thread and rule.can_thread else ""
    prompt = (
        f"Platform: {style}.\nLength: at most {rule.limit} characters, as the platform counts them{thread}, "
        f"the link counting too.\nTitle: {post.title}\nSummary: {post.excerpt}\n"
        f"Tags: {', '.join(post.tags) or 'none'}\n"
    )
    text = caption_from(model.complete(SYSTEM, prompt), post, model.name)
    problem = None if thread else rule.problem(text)
    if problem is None:
        return text, None
    again = prompt + f"\nYour last caption was {problem}. Write a shorter one."
    text = caption_from(model.complete(SYSTEM, again), post, model.name)
    if (problem := rule.problem(text)) is None:
        return text, None
    warning = f"{platform.name}: the model's caption stayed {problem}; the deterministic one is stored"
    return deterministic_caption(post, platform, settings), warning


def adapt(
    config_path: Path,
    environ: Mapping[str, str],
    now: dt.datetime,
    selectors: Sequence[str] = (),
    only: Sequence[str] = (),
    *,
    force: bool = False,
    model: CaptionModel | None = None,
    reviewed: bool = True,
) -> list[str]:
    """Write the missing (or, with `force`, all) captions of the chosen posts: the given ids or
    URLs, else every post the plan would announce. `reviewed=False`: written at publish time, no
    one saw them (`ai.unreviewed: generate`). Returns what was done, line by line."""
    settings = load_settings(config_path)
    state = load_state(settings.root)
    posts = read_posts(settings, settled=state.is_settled)
    if selectors:
        chosen = [post for post in posts if post.id in selectors or post.url in selectors]
        missing = set(selectors) - {post.id for post in chosen} - {post.url for post in chosen}
        if missing:
            raise BadInput(f"no post {sorted(missing)[0]!r} in the site (give its id or URL)")
    else:
        plan = make_plan(posts, state, settings, now, delays=False)  # captions for what a delay holds back too
        chosen = list({job.post.id: job.post for job in plan.jobs}.values())
    names = [name for name in settings.enabled_platforms if not only or name in only]
    owned = model is None and settings.ai is not None
    if owned:
        assert settings.ai is not None
        model = HttpModel(settings.ai, environ, timeout=settings.timeouts.request)
    site_wide = settings.ai.enabled if settings.ai is not None else model is not None
    stored = load_captions(settings.root)
    lines: list[str] = []
    try:
        for post in chosen:
            # The post's `postion: {ai: …}` decides, else `ai.enabled`.
            wants_model = model is not None and (post.options.ai if post.options.ai is not None else site_wide)
            chosen_model = model if wants_model else None
            lines += _adapt_post(post, settings, names, stored.get(post.id), chosen_model, force, reviewed)
    finally:
        if owned and isinstance(model, HttpModel):
            model.close()
    return lines or ["no post to adapt: nothing new in the plan"]


def needing_captions(plan: Plan, stored: Mapping[str, StoredCaptions]) -> list[str]:
    """The posts of the plan whose captions are not stored, or are stale (ids, in plan order);
    not those whose captions are all written by hand, nor those that keep the model away."""
    wanted: dict[str, None] = {}
    for job in plan.jobs:
        post = job.post
        if post.options.ai is False or post.options.caption_for(job.platform) is not None:
            continue
        found = stored.get(post.id)
        if found is None or not found.fresh_for(post) or job.platform not in found.captions:
            wanted[post.id] = None
    return list(wanted)


def _adapt_post(
    post: Post,
    settings: Settings,
    names: list[str],
    existing: StoredCaptions | None,
    model: CaptionModel | None,
    force: bool,
    reviewed: bool,
) -> list[str]:
    keep = dict(existing.captions) if existing and existing.fresh_for(post) and not force else {}
    if model is not None and existing is not None and existing.written_by == DETERMINISTIC:
        # `ai:` added since: the model writes what was made without it, but a caption edited by
        # hand (no longer what the deterministic adaptation gives) is the user's, and kept.
        keep = {
            name: text
            for name, text in keep.items()
            if name not in settings.platforms or text != deterministic_caption(post, settings.platforms[name], settings)
        }
    # Not where the post's front matter has a caption written by hand: that one is posted.
    todo = [n for n in names if n not in keep and not post.options.skips(n) and post.options.caption_for(n) is None]
    if not todo:
        return [f"{post.id}: up to date"]
    lines = []
    captions = dict(keep)
    for name in todo:  # all, before anything is written: never half a file
        platform = settings.platforms[name]
        if model is None:
            captions[name] = deterministic_caption(post, platform, settings)
            continue
        captions[name], warning = model_caption(model, post, platform, settings)
        if warning:
            lines.append(f"warning: {post.id}: {warning}")
    written_by = model.name if model is not None else DETERMINISTIC
    stored = StoredCaptions(post.id, post.url, inputs_hash(post), written_by, captions, reviewed=reviewed)
    path = save_captions(settings.root, stored)
    lines.append(f"{post.id}: wrote {path.relative_to(settings.root)} ({', '.join(todo)}; {written_by})")
    return lines
