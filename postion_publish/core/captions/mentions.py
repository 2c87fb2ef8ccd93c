"""`{{ mention('rosa') }}` in a template or a caption: a person of `people:` in postion.yml, as
each platform writes one: `@rosa_dev` on X and Threads, `@rosa@fosstodon.org` on Mastodon,
`@rosa.bsky.social` on Bluesky (a mention facet once its PDS resolves the handle, at publish),
LinkedIn's `@[Rosa Diaz](urn:li:person:…)`, and the plain name on Discord, which pings no one.
A person without a handle on a platform is written there by name. An unknown name is an error
of the plan, naming the post: a mention never goes out as a guess."""

from __future__ import annotations

from collections.abc import Mapping

from postion_publish.core import registry


class Mentions:
    """The template's `mention` function for one post on one platform."""

    def __init__(self, people: Mapping[str, Mapping[str, str]], platform: str, post: str) -> None:
        self.people = people
        self.platform = platform
        self.post = post

    def __call__(self, name: str) -> str:
        person = self.people.get(str(name))
        if person is None:
            known = ", ".join(sorted(self.people)) or "nobody yet"
            raise LookupError(
                f"mention({name!r}) in {self.post}: no one is called {name!r} in `people:` of postion.yml "
                f"(known: {known})"
            )
        shown = person.get("name") or str(name)
        handle = person.get(self.platform)
        spec = registry.find(self.platform)
        if handle is None or spec is None:
            return shown
        return spec.mention_format.format(handle=handle.lstrip("@"), name=shown)
