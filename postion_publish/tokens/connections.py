"""Connections: what the ledger knows about each platform's credential (never the credential):
the account, when it was connected or refreshed, when it expires. And their health:
🟢 active, 🟡 expiring soon (within 7 days), 🔴 expired, ⚪ not connected or not known.

The ledger's `tokens` object holds one record per platform, e.g.
`{"x": {"account": "@me", "connected": "2026-11-29T10:00:00Z", "expires": null, "method": "oauth2",
"store": "github"}}`. A pure module: records in, records and statuses out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from postion_publish.core import registry as platforms
from postion_publish.core.dates import parse_time
from postion_publish.store.state import utc_text

EXPIRING_WITHIN = dt.timedelta(days=7)


class Health(StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


LABELS = {
    Health.ACTIVE: "🟢 Active",
    Health.EXPIRING: "🟡 Expiring soon",
    Health.EXPIRED: "🔴 Expired",
    Health.UNKNOWN: "⚪ Not connected",
}


@dataclass(frozen=True)
class ConnectionStatus:
    platform: str
    health: Health
    expires: str | None = None
    account: str | None = None
    note: str | None = None  # what a live check said, or what to do

    def to_json(self) -> dict[str, Any]:
        return {"platform": self.platform, "status": str(self.health), "expires": self.expires, "account": self.account}


def health_of(record: Mapping[str, Any] | None, now: dt.datetime) -> Health:
    """From the recorded dates alone (no network)."""
    if not record or record.get("disconnected"):
        return Health.UNKNOWN
    if record.get("failed"):  # the last live check or use was refused
        return Health.EXPIRED
    expires = parse_time(record.get("expires"))
    if expires is None:
        return Health.ACTIVE  # never expires (webhooks, app passwords, OAuth 1.0a) or not said (X)
    if expires <= now:
        return Health.EXPIRED
    return Health.EXPIRING if expires - now <= EXPIRING_WITHIN else Health.ACTIVE


def statuses(names: Iterable[str], tokens: Mapping[str, Any], now: dt.datetime) -> list[ConnectionStatus]:
    """One status per platform: the configured ones, then any other the ledger knows."""
    ordered = list(dict.fromkeys([*names, *tokens]))
    found = []
    for name in ordered:
        record = tokens.get(name) if isinstance(tokens.get(name), dict) else None
        health = health_of(record, now)
        note = fix_for(name, health)
        expires = record.get("expires") if record and not record.get("disconnected") else None
        account = record.get("account") if record and not record.get("disconnected") else None
        found.append(ConnectionStatus(name, health, expires, account, note))
    return found


def fix_for(platform: str, health: Health) -> str | None:
    if health == Health.EXPIRED:
        return f"reconnect: `postion connect {platform}`"
    if health == Health.EXPIRING:
        found = platforms.find(platform)
        refreshable = found is not None and found.refreshable
        return f"`postion tokens refresh {platform}`" if refreshable else f"reconnect: `postion connect {platform}`"
    if health == Health.UNKNOWN:
        return f"`postion connect {platform}` (or set its POSTION_… variables), then `postion tokens status --check`"
    return None


def connected(tokens: Mapping[str, Any], platform: str, now: dt.datetime, **fields: Any) -> dict[str, Any]:
    """The ledger's tokens object with a new connection recorded for `platform`."""
    record = {"connected": utc_text(now), **{k: v for k, v in fields.items() if v is not None}}
    if isinstance(record.get("expires"), dt.datetime):
        record["expires"] = utc_text(record["expires"])
    record.setdefault("expires", None)
    return {**tokens, platform: record}


def updated(tokens: Mapping[str, Any], platform: str, **fields: Any) -> dict[str, Any]:
    """The record of `platform` with `fields` changed (None removes a field)."""
    record = dict(tokens.get(platform) or {})
    for key, value in fields.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = utc_text(value) if isinstance(value, dt.datetime) else value
    return {**tokens, platform: record}


def after_rotation(
    tokens: Mapping[str, Any], names: Iterable[str], now: dt.datetime, keys: Iterable[str] = ()
) -> dict[str, Any]:
    """Credentials rotated during a run (by their variable names): refreshed now, and for a
    platform whose refreshed credential has a known life, a new expiry date. `keys`: the
    configured platforms, accounts included."""
    result = dict(tokens)
    keys = list(keys)
    for platform in {platform_of(name, keys) for name in names} - {None}:
        assert platform is not None
        found = platforms.find(platform)
        lifetime = found.lifetime_after_refresh if found else None
        fields: dict[str, Any] = {"refreshed": now, "failed": None}
        if lifetime is not None:
            fields["expires"] = now + lifetime
        result = updated(result, platform, **fields)
    return result


def platform_of(variable: str, keys: Iterable[str] = ()) -> str | None:
    """The platform key a credential's variable belongs to: one of `keys` (the configured ones,
    accounts included) first, else a platform's own name."""
    for key in [*keys, *platforms.names()]:
        if any(variable in names for names in platforms.credential_sets(key)):
            return key
    return None
