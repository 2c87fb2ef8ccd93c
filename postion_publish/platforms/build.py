"""One adapter per platform, built from its settings and its credentials (environment only)."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from postion_publish.core import registry as platforms
from postion_publish.core.config import PlatformSettings
from postion_publish.core.errors import NotConnected
from postion_publish.net import tls
from postion_publish.net.client import USER_AGENT, DeadlineClient
from postion_publish.platforms.base import Adapter, BuildContext, Clock, wall_clock
from postion_publish.store.tokens import MemoryStore, TokenStore, credential


def new_client(
    base_url: str | None = None,
    timeout: float = 20.0,
    deadline: float = 60.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> DeadlineClient:
    return DeadlineClient(
        verify=tls.context(),  # one for all the clients of a run (see `tls`)
        base_url=base_url or "",
        timeout=httpx.Timeout(min(timeout, deadline), connect=min(10.0, deadline)),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
        deadline=deadline,
        transport=transport,
    )


def credentials_of(key: str, environ: Mapping[str, str], tokens: TokenStore) -> dict[str, str]:
    """The first complete set of the platform's credential variables (X takes OAuth 2.0 or 1.0a),
    read under the account's names (`…_PROJECT`) and given under the platform's own, as its adapter
    reads them; a value rotated earlier in this run (in `tokens`) wins over the environment's."""
    spec = platforms.spec(key)
    for names in spec.credentials:
        values = {name: credential(platforms.variable(name, key), tokens, environ) or "" for name in names}
        if all(values.values()):
            return values
    sets = platforms.credential_sets(key)
    wanted = " or ".join(", ".join(names) for names in sets)
    one = len(sets) == 1 and len(sets[0]) == 1
    what = (
        f"the environment variable {wanted} (a CI secret)"
        if one
        else f"the environment variables {wanted} (CI secrets)"
    )
    raise NotConnected(key, f"no credential: set {what}, or `postion connect {key}`")


class AccountStore:
    """The token store as an account's adapter sees it: the platform's names, kept under the
    account's (`POSTION_X_REFRESH_TOKEN` → `POSTION_X_REFRESH_TOKEN_PROJECT`)."""

    def __init__(self, store: TokenStore, key: str) -> None:
        self.store = store
        self.key = key

    def get(self, name: str) -> str | None:
        return self.store.get(platforms.variable(name, self.key))

    def put(self, name: str, value: str) -> None:
        self.store.put(platforms.variable(name, self.key), value)


def build_adapter(
    platform: PlatformSettings,
    environ: Mapping[str, str],
    *,
    deadline: float = 60.0,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock = wall_clock,
    tokens: TokenStore | None = None,
) -> tuple[Adapter, DeadlineClient] | None:
    """The platform's adapter and the client it owns, or None where no adapter exists yet.
    `deadline`: seconds one request may take, answer included (config `timeouts.request`);
    `transport`: where requests go instead of the network (tests); `clock`: the run's clock;
    `tokens`: where a credential rotated during the run is handed (MemoryStore by default)."""
    spec = platforms.spec(platform.name)
    builder = spec.adapter_builder()
    if builder is None:
        return None
    store = tokens if tokens is not None else MemoryStore()
    if platforms.account_of(platform.name):  # a rotated value goes back under the account's names
        store = AccountStore(store, platform.name)
    context = BuildContext(credentials_of(platform.name, environ, store), environ, clock, store)
    client = new_client(platform.api_base or spec.default_api_base, deadline=deadline, transport=transport)
    adapter: Adapter = builder(platform, context, client)
    return adapter, client
