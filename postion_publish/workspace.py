"""The edge that reads a user's workspace: config, posts and state from disk, then the pure plan."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from postion_publish.config import load_settings
from postion_publish.plan import Plan, make_plan
from postion_publish.sources import read_posts
from postion_publish.state import load_state


def load_plan(config_path: Path, now: dt.datetime) -> Plan:
    settings = load_settings(config_path)
    state = load_state(settings.root)  # before reading posts: a missing state is the first thing to fix
    return make_plan(read_posts(settings, settled=state.is_settled), state, settings, now)
