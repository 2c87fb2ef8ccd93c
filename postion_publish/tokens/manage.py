"""Where `connect` puts credentials and how `disconnect` takes them away.

The destination is the repository's Actions secrets when a repository and a token that may write
its secrets can be found (`GITHUB_REPOSITORY` or the `origin` remote on github.com;
`POSTION_GITHUB_SECRETS_TOKEN` or `gh auth token`), else the local token file. `--to` chooses.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from postion_publish.core import registry as platforms
from postion_publish.core.config import Settings
from postion_publish.core.errors import AuthExpired, BadInput
from postion_publish.core.redact import Redactor, secret_values
from postion_publish.net.github import GitHub
from postion_publish.store.ledger import load_ledger, save_ledger
from postion_publish.store.tokens import FileStore, default_token_file
from postion_publish.tokens.connect import Connected, ConnectFailed, FlowInput, Prompter
from postion_publish.tokens.connections import connected, updated
from postion_publish.tokens.github import SECRETS_TOKEN

_GITHUB_REMOTE = re.compile(r"github\.com[:/]([^/\s]+/[^/\s]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class Destination:
    kind: str  # "github" or "file"
    github: GitHub | None = None
    file: FileStore | None = None

    def describe(self) -> str:
        if self.github is not None:
            return f"the repository secrets of {self.github.repository}"
        assert self.file is not None
        return f"the token file {self.file.path}"

    def put(self, name: str, value: str) -> None:
        if self.github is not None:
            self.github.put_secret(name, value)  # raises on refusal: nothing half-connected
        elif self.file is not None:
            self.file.put(name, value)

    def delete(self, name: str) -> bool:
        if self.github is not None:
            return self.github.delete_secret(name)
        assert self.file is not None
        return self.file.delete(name)


def _repository(environ: Mapping[str, str], root: Path) -> str | None:
    if environ.get("GITHUB_REPOSITORY"):
        return environ["GITHUB_REPOSITORY"]
    try:
        remote = subprocess.run(
            ["git", "remote", "get-url", "origin"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    found = _GITHUB_REMOTE.search(remote)
    return found.group(1) if found else None


def _secrets_token(environ: Mapping[str, str]) -> str | None:
    if environ.get(SECRETS_TOKEN):
        return environ[SECRETS_TOKEN].strip()
    if shutil.which("gh") is None:
        return None
    try:
        token = subprocess.run(["gh", "auth", "token"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return token or None


def destination(settings: Settings, environ: Mapping[str, str], to: str | None) -> Destination:
    if to != "file":
        repository, token = _repository(environ, settings.root), _secrets_token(environ)
        if repository and token:
            api = environ.get("GITHUB_API_URL") or "https://api.github.com"
            return Destination("github", github=GitHub(api, repository, token))
        if to == "github":
            raise BadInput(
                f"--to github needs the repository (GITHUB_REPOSITORY, or an origin remote on github.com) and a token "
                f"that may write its secrets ({SECRETS_TOKEN}, or `gh auth login`)"
            )
    return Destination("file", file=FileStore(default_token_file(environ), environ, settings.token_scope))


def connect(
    settings: Settings,
    platform: str,
    environ: Mapping[str, str],
    prompter: Prompter,
    now: dt.datetime,
    *,
    to: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    port: int | None = None,
    paste: bool = False,
    oauth1: bool = False,
) -> tuple[Connected, Destination]:
    """Run the platform's flow, put its values in the destination, record the connection."""
    if platform not in settings.platforms:
        raise BadInput(
            f"{platform} is not in postion.yml's platforms: add it first", file=settings.file, key="platforms"
        )
    spec = platforms.spec(platform)
    options = settings.platforms[platform]
    upper = platforms.kind_of(platform).upper()  # the app is the platform's; an account's names end in its own
    given = FlowInput(
        platform=options,
        api_base=(options.api_base or spec.default_api_base or "").rstrip("/"),
        client_id=client_id or environ.get(platforms.variable(f"POSTION_{upper}_CLIENT_ID", platform)),
        client_secret=client_secret or environ.get(platforms.variable(f"POSTION_{upper}_CLIENT_SECRET", platform)),
        port=port,
        paste=paste,
        now=now,
        legacy_keys=oauth1,
    )
    where = destination(settings, environ, to)
    try:
        flow = spec.connect_flow()
        if flow is None:
            raise BadInput(f"{spec.display} has no connect flow in this version: set its POSTION_… variables")
        result = flow(given, prompter)
    except httpx.HTTPError as error:
        raise BadInput(f"{platform}: no answer ({error.__class__.__name__}): check its api_base") from None
    except (KeyError, ValueError, TypeError) as error:  # an answer of an unexpected shape
        raise ConnectFailed(f"{platform}: unexpected answer ({error.__class__.__name__}); nothing was stored") from None
    except (ConnectFailed, AuthExpired) as refused:  # a platform may echo what it was sent: the secret too
        redactor = Redactor([*secret_values(environ), *(v for v in (given.client_secret,) if v)])
        raise ConnectFailed(redactor.scrub(str(refused), limit=None)) from None
    for name, value in result.values.items():
        where.put(platforms.variable(name, platform), value)  # `…_PROJECT` for the account `project`
    ledger = load_ledger(settings.root)
    tokens = connected(
        ledger.tokens,
        platform,
        now,
        account=result.account,
        expires=result.expires,
        method=result.method,
        store=where.kind,
        scopes=result.scopes or None,
    )
    save_ledger(settings.root, replace(ledger, tokens=tokens), settings.quota, now)
    return result, where


def disconnect(
    settings: Settings, platform: str, environ: Mapping[str, str], now: dt.datetime, *, to: str | None = None
) -> list[str]:
    """Revoke at the platform where it offers revocation (X OAuth 2.0), whichever store holds the
    token (the environment, the token file), delete the values from the store, record the
    disconnection. Returns what was done, and what is left to do by hand, line by line."""
    where = destination(settings, environ, to)
    names = list(dict.fromkeys(name for names in platforms.credential_sets(platform) for name in names))
    # optional (confidential apps): read, and forgotten
    names.append(platforms.variable(f"POSTION_{platforms.kind_of(platform).upper()}_CLIENT_SECRET", platform))
    names = list(dict.fromkeys(names))
    held = {name: _held(name, environ, where) for name in names}
    done = _revoke(settings, platform, held)
    deleted = [name for name in names if where.delete(name)]
    done.append(f"deleted from {where.describe()}: {', '.join(deleted) or 'nothing was there'}")
    ledger = load_ledger(settings.root)
    tokens = updated(ledger.tokens, platform, disconnected=now)
    save_ledger(settings.root, replace(ledger, tokens=tokens), settings.quota, now)
    done.append("recorded in the ledger")
    if where.kind == "github" or any(environ.get(name) for name in names):
        done.append(f"remove the POSTION_{platform.upper()}_… values from your environment and other stores too")
    return done


def _held(name: str, environ: Mapping[str, str], where: Destination) -> list[str]:
    """Every value of a credential this machine can see: the token file's (a rotated one is newer)
    and the environment's. Repository secrets cannot be read back: revoked only if also in the environment."""
    values = [where.file.stored(name) if where.file is not None else None, environ.get(name, "").strip()]
    return list(dict.fromkeys(value for value in values if value))


def _revoke(settings: Settings, platform: str, held: Mapping[str, list[str]]) -> list[str]:
    """Revoked through the platform's API where its folder can (its spec's `revoke`); everything
    else is said, with where to do it by hand."""
    spec = platforms.spec(platform)
    by_hand = f"{spec.display}: revoke by hand: {spec.revoke_by_hand}"
    revoker = spec.revoker()
    if revoker is None:
        return [by_hand]
    lines: list[str] = revoker(settings.platforms.get(platform), held, by_hand)
    return lines
