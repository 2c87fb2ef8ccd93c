"""LinkedIn: what generic code knows of it (the registry finds this `SPEC`)."""

from __future__ import annotations

from postion_publish.core.checks import is_http_url, is_str
from postion_publish.core.media import GIF, JPEG, PNG, ImageLimits
from postion_publish.core.spec import PlatformSpec

IMAGES = ImageLimits("linkedin", 10 * 1024 * 1024, frozenset({JPEG, PNG, GIF}), max_pixels=36_152_319)

SPEC = PlatformSpec(
    "linkedin",
    "LinkedIn",
    rule=f"{__package__}.rule:RULE",
    mention_format="@[{name}]({handle})",  # little text's mention: the handle is the member's URN
    keys={"author": is_str, "version": is_str, "web_base": is_http_url, "auth_base": is_http_url},
    required=("author",),
    default_api_base="https://api.linkedin.com",
    credentials=(("POSTION_LINKEDIN_ACCESS_TOKEN",),),
    adapter=f"{__package__}.adapter:build",
    sandbox=f"{__package__}.sandbox",
    revoke_by_hand="Settings → Data privacy → Permitted services: remove the app",
    position=40,
    images=IMAGES,
    ai_style="LinkedIn: professional, one or two short paragraphs; up to three hashtags at the end",
    connect=f"{__package__}.connect:connect",
    not_refreshable=(
        "LinkedIn tokens cannot be refreshed here (partners only): `postion connect linkedin` before it expires"
    ),
)
