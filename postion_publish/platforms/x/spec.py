"""X: what generic code knows of it (the registry finds this `SPEC`)."""

from __future__ import annotations

from postion_publish.core.checks import is_bool, is_http_url, is_str
from postion_publish.core.media import GIF, JPEG, PNG, WEBP, ImageLimits
from postion_publish.core.spec import PlatformSpec

IMAGES = ImageLimits("x", 5 * 1024 * 1024, frozenset({JPEG, PNG, GIF, WEBP}), max_alt=1000)

SPEC = PlatformSpec(
    "x",
    "X",
    rule=f"{__package__}.rule:rule_for_options",
    keys={"username": is_str, "web_base": is_http_url, "auth_base": is_http_url, "long_posts": is_bool},
    default_api_base="https://api.x.com",
    credentials=(
        ("POSTION_X_CLIENT_ID", "POSTION_X_REFRESH_TOKEN"),
        ("POSTION_X_API_KEY", "POSTION_X_API_SECRET", "POSTION_X_ACCESS_TOKEN", "POSTION_X_ACCESS_SECRET"),
    ),
    adapter=f"{__package__}.adapter:build",
    sandbox=f"{__package__}.sandbox",
    revoke_by_hand=(
        "Settings → Security and account access → Apps and sessions → Connected apps (OAuth 1.0a keys: "
        "regenerate them in the developer portal, your app → Keys and tokens)"
    ),
    link_card=False,
    position=10,
    images=IMAGES,
    ai_style="X: punchy and short; at most two hashtags",
    connect=f"{__package__}.connect:connect",
    revoke=f"{__package__}.connect:revoke",
    refreshable=True,
    not_refreshable=("OAuth 1.0a keys do not expire: nothing to refresh"),
)
