"""Bluesky: what generic code knows of it (the registry finds this `SPEC`)."""

from __future__ import annotations

from postion_publish.core.checks import is_http_url, is_str, is_str_list
from postion_publish.core.media import GIF, JPEG, PNG, WEBP, ImageLimits
from postion_publish.core.spec import PlatformSpec

# An image and a link card's thumbnail: 1,000,000 bytes each. @atproto/api's lexicon says 2 MB for
# an image, but the PDS (0.4.217, December 2026) still refuses a record holding one over 1,000,000:
# "blob too big (maximum 1000000, got …) at $.record.embed.images[0].image" (benchmarks/real_pds.py).
IMAGES = ImageLimits("bluesky", 1_000_000, frozenset({JPEG, PNG, GIF, WEBP}))

SPEC = PlatformSpec(
    "bluesky",
    "Bluesky",
    rule=f"{__package__}.rule:RULE",
    # appview: where replies, reposts and likes are read (`postion backfeed`): Bluesky's public one.
    keys={
        "handle": is_str,
        "service": is_http_url,
        "web_base": is_http_url,
        "langs": is_str_list,
        "appview": is_http_url,
    },
    backfeed=f"{__package__}.backfeed:reactions",
    required=("handle",),
    api_base_key="service",
    default_api_base="https://bsky.social",
    credentials=(("POSTION_BLUESKY_APP_PASSWORD",),),
    adapter=f"{__package__}.adapter:build",
    sandbox=f"{__package__}.sandbox",
    revoke_by_hand="delete the app password in Settings → Privacy and security → App passwords",
    starter="{handle: me.example.com}",
    position=20,
    images=IMAGES,
    ai_style="Bluesky: short and conversational; one hashtag at most",
    connect=f"{__package__}.connect:connect",
    refreshable=True,
)
