"""Captions reviewed in the repository (`postion adapt`), as the plan uses them: posted as they
are while the post's inputs are those they were written for. Read and written by `store.captions`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from postion_publish.core.posts import Post


@dataclass(frozen=True)
class StoredCaptions:
    post_id: str
    post_url: str
    inputs: str  # inputs_hash(post) when written
    written_by: str  # "deterministic", or "provider:model"
    captions: Mapping[str, str] = field(default_factory=dict)  # platform → caption, posted as it is
    file: str = ""
    reviewed: bool = True  # false: generated at publish time (`ai.unreviewed: generate`), never seen

    def fresh_for(self, post: Post) -> bool:
        return self.inputs == inputs_hash(post)


def inputs_hash(post: Post) -> str:
    data = {"title": post.title, "excerpt": post.excerpt, "tags": list(post.tags), "url": post.url}
    import hashlib  # here: a blog with no stored captions does without it

    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]
