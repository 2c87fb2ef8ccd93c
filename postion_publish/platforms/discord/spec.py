"""Discord: what generic code knows of it (the registry finds this `SPEC`)."""

from __future__ import annotations

from postion_publish.core.checks import is_bool, is_http_url, is_str
from postion_publish.core.media import GIF, JPEG, PNG, WEBP, ImageLimits
from postion_publish.core.spec import PlatformSpec

# Discord's upload cap: 10 MiB, the lower of the two figures reported for 2026.
IMAGES = ImageLimits("discord", 10 * 1024 * 1024, frozenset({JPEG, PNG, GIF, WEBP}), max_alt=1024)

SPEC = PlatformSpec(
    "discord",
    "Discord",
    rule=f"{__package__}.rule:RULE",
    keys={
        "username": is_str,
        "avatar_url": is_http_url,
        "thread_id": is_str,
        "embed": is_bool,
        "web_base": is_http_url,
    },
    credentials=(("POSTION_DISCORD_WEBHOOK_URL",),),
    endpoint_variable="POSTION_DISCORD_WEBHOOK_URL",
    adapter=f"{__package__}.adapter:build",
    sandbox=f"{__package__}.sandbox",
    revoke_by_hand="the channel's settings → Integrations → Webhooks: delete the webhook",
    card_beside_image=True,  # the embed shows the image
    card_picture_alt=True,  # the embed's picture is an attachment with a description
    mention_format="{name}",  # plain text: a webhook's @ would ping no one anyway (allowed_mentions)
    public_links=False,  # a message's link opens for the server's members only (`syndication: true`)
    max_card_title=256,
    position=50,
    images=IMAGES,
    ai_style="Discord: a short announcement for a community channel; no hashtags",
    connect=f"{__package__}.connect:connect",
    hashtags=False,
    not_refreshable=("a webhook URL does not expire: nothing to refresh"),
)
