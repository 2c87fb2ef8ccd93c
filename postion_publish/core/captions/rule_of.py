"""The length rule of each platform, given its settings (Mastodon's limit is per instance)."""

from __future__ import annotations

from postion_publish.core import registry as platforms
from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.config import PlatformSettings


def rule_for(platform: PlatformSettings) -> LengthRule:
    return platforms.spec(platform.name).length_rule(platform.options)
