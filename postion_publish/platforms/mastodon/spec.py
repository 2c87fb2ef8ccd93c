"""Mastodon: what generic code knows of it (the registry finds this `SPEC`)."""

from __future__ import annotations

from postion_publish.core.checks import int_between, is_http_url, is_str, one_of
from postion_publish.core.media import GIF, JPEG, PNG, WEBP, ImageLimits
from postion_publish.core.spec import PlatformSpec

# Mastodon's default `image_size_limit`; a server's own is in its instance document.
# max_alt: the default `description_limit` of a server's configuration (mastodon.social's).
IMAGES = ImageLimits("mastodon", 16 * 1024 * 1024, frozenset({JPEG, PNG, GIF, WEBP}), max_alt=1500)

SPEC = PlatformSpec(
    "mastodon",
    "Mastodon",
    rule=f"{__package__}.rule:rule_for_options",
    backfeed=f"{__package__}.backfeed:reactions",
    keys={
        "instance": is_http_url,
        "max_characters": int_between(1, 100_000),
        "visibility": one_of("public", "unlisted", "private", "direct"),
        "language": is_str,
    },
    required=("instance",),
    api_base_key="instance",
    credentials=(("POSTION_MASTODON_TOKEN",),),
    adapter=f"{__package__}.adapter:build",
    sandbox=f"{__package__}.sandbox",
    revoke_by_hand="Preferences → Account → Authorized apps (or Development, for an app you made): revoke it",
    server_limit_key="max_characters",
    starter="{instance: https://mastodon.social}",
    link_card=False,  # a preview the server makes from a link in the text
    position=30,
    images=IMAGES,
    ai_style="Mastodon: friendly and plain; hashtags in CamelCase at the end",
    connect=f"{__package__}.connect:connect",
    not_refreshable=("Mastodon tokens do not expire: nothing to refresh"),
)
