"""Threads: what generic code knows of it (the registry finds this `SPEC`)."""

from __future__ import annotations

import datetime as dt

from postion_publish.core.checks import is_http_url, is_str
from postion_publish.core.media import JPEG, PNG, ImageLimits
from postion_publish.core.spec import Cap, PlatformSpec

# Threads downloads the image from the live site: it can be checked, not converted.
IMAGES = ImageLimits("threads", 8 * 1024 * 1024, frozenset({JPEG, PNG}))

SPEC = PlatformSpec(
    "threads",
    "Threads",
    rule=f"{__package__}.rule:RULE",
    keys={"user_id": is_str, "auth_base": is_http_url, "redirect_uri": is_http_url},
    default_api_base="https://graph.threads.net",
    credentials=(("POSTION_THREADS_ACCESS_TOKEN",),),
    adapter=f"{__package__}.adapter:build",
    sandbox=f"{__package__}.sandbox",
    revoke_by_hand="Settings → Account → Website permissions → Apps and websites: remove the app",
    downloads_images=True,
    caps=(Cap(250, dt.timedelta(hours=24), "posts per 24 hours"),),  # enforced at threads_publish
    position=60,
    images=IMAGES,
    ai_style="Threads: conversational; one hashtag at most",
    connect=f"{__package__}.connect:connect",
    refreshable=True,
    not_refreshable=("Threads refused: a token can be refreshed once it is 24 hours old"),
    lifetime_after_refresh=dt.timedelta(days=60),
)
