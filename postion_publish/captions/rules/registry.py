"""The length rule of each platform, given its settings (Mastodon's limit is per instance)."""

from __future__ import annotations

from postion_publish.captions.rules import LengthRule, bluesky, discord, linkedin, mastodon, threads, x
from postion_publish.config import PlatformSettings


def rule_for(platform: PlatformSettings) -> LengthRule:
    if platform.name == "mastodon":
        return mastodon.rule(int(platform.options.get("max_characters", mastodon.DEFAULT_LIMIT)))
    rules = {
        "x": x.RULE,
        "bluesky": bluesky.RULE,
        "linkedin": linkedin.RULE,
        "discord": discord.RULE,
        "threads": threads.RULE,
    }
    return rules[platform.name]
