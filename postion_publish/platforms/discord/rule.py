"""Discord: `content` of at most 2000 characters (counted in UTF-16 units, the safe side).
Webhooks cannot reply, so there are no threads of messages."""

from __future__ import annotations

from postion_publish.core.captions.rules import LengthRule
from postion_publish.core.captions.text_units import utf16_units

LIMIT = 2000
RULE = LengthRule("discord", LIMIT, utf16_units, can_thread=False)
