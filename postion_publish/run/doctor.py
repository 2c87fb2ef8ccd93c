"""`postion doctor`: everything a run needs, checked in one go, each problem with its fix: the
configuration, the generator's integration (plugin enabled, the same site_url), each platform's
credentials (present, and with `--check` accepted by the platform), token health, the state and
ledger, and the workflow that runs the Action (its triggers and how secrets reach it). Files
are read as text or data, never run; no secret is ever printed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from postion_publish.core import registry
from postion_publish.core.config import Settings, load_settings
from postion_publish.core.errors import PostionError
from postion_publish.run.setup import generator_site_url

ACTION = "postion-publish/postion-publish@"


@dataclass(frozen=True)
class Finding:
    area: str
    what: str
    fix: str | None = None  # None: all is well
    warning: bool = False  # worth knowing, not a problem (a token expiring within 7 days)

    @property
    def problem(self) -> bool:
        return self.fix is not None and not self.warning


def diagnose(config_path: Path, environ: Mapping[str, str], now: dt.datetime, *, check: bool = False) -> list[Finding]:
    try:
        settings = load_settings(config_path)
    except PostionError as error:
        found = [Finding("config", str(error), "fix what the message names, then run `postion doctor` again")]
        return found + _workflow(config_path.resolve().parent, None)
    found = [Finding("config", f"{config_path}: {len(settings.platforms)} platforms, source {settings.source.type}")]
    found += _generator(settings)
    found += _records(settings)
    found += _credentials(settings, environ)
    found += _tokens(settings, environ, now, check)
    return found + _workflow(settings.root, settings)


def _generator(settings: Settings) -> list[Finding]:
    kind, root = settings.source.type, settings.root
    if kind == "mkdocs":
        return _mkdocs(settings)
    if kind == "pelican":
        return _pelican(settings)
    if kind == "content":
        posts = settings.source.path
        if not posts.is_dir() or not any(posts.rglob("*.md")):
            return [Finding("generator", f"no Markdown posts in {posts}", "set `source.path` to the posts' folder")]
        return [
            Finding("generator", f"posts read from {posts.relative_to(root) if posts.is_relative_to(root) else posts}")
        ]
    if not settings.source.path.is_dir():
        fix = "build the site before `postion plan` (the Action's `build-command` input does)"
        return [Finding("generator", f"{settings.source.path} is not built yet", fix, warning=True)]
    return [Finding("generator", f"the built site in {settings.source.path}")]


def _same_site(settings: Settings, where: str) -> list[Finding]:
    told = generator_site_url(settings.root)
    if told is None:
        return []
    url, name = told
    if url.rstrip("/") != settings.site_url.rstrip("/"):
        fix = f"make them the same: posts would be announced at {settings.site_url} but {where} serves {url}"
        return [Finding("generator", f"{name} says site_url {url}, postion.yml {settings.site_url}", fix)]
    return [Finding("generator", f"{name} and postion.yml agree on {url}")]


def _mkdocs(settings: Settings) -> list[Finding]:
    config = next(
        (settings.root / name for name in ("mkdocs.yml", "mkdocs.yaml") if (settings.root / name).exists()), None
    )
    if config is None:
        return [Finding("generator", "no mkdocs.yml beside postion.yml", "put postion.yml beside mkdocs.yml")]
    data = _yaml_without_tags(config.read_text(encoding="utf-8", errors="replace"))
    plugins = data.get("plugins") if isinstance(data, dict) else None
    names = [next(iter(p)) if isinstance(p, dict) else p for p in plugins or [] if isinstance(p, dict | str)]
    names += list(plugins) if isinstance(plugins, dict) else []
    if "postion" not in names:
        fix = "add `- postion` under `plugins:` in mkdocs.yml (pip install 'postion-publish[mkdocs]')"
        return [Finding("generator", f"{config.name} does not enable the postion plugin", fix)]
    return [Finding("generator", f"{config.name} enables the postion plugin"), *_same_site(settings, "MkDocs")]


def _pelican(settings: Settings) -> list[Finding]:
    for name in ("publishconf.py", "pelicanconf.py"):
        path = settings.root / name
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"^PLUGINS\s*=.*[\"']postion[\"']", text, re.M | re.S) is None:
            continue
        if "POSTION_CONFIG" not in text:
            fix = f'add POSTION_CONFIG = "postion.yml" to {name}: nothing happens without it'
            return [Finding("generator", f"{name} enables the plugin but names no config", fix)]
        return [Finding("generator", f"{name} enables the postion plugin"), *_same_site(settings, "Pelican")]
    fix = 'add PLUGINS = ["postion"] and POSTION_CONFIG = "postion.yml" to publishconf.py'
    return [Finding("generator", "no Pelican settings file enables the postion plugin", fix)]


def _records(settings: Settings) -> list[Finding]:
    from postion_publish.store.ledger import load_ledger
    from postion_publish.store.state import load_state

    found = []
    for what, load in (("state", load_state), ("ledger", load_ledger)):
        try:
            load(settings.root)
        except PostionError as error:
            found.append(
                Finding("records", str(error), "follow the message (a missing state: `postion init --baseline`)")
            )
        else:
            found.append(Finding("records", f"the {what} in .postion/ is valid"))
    return found


def _credentials(settings: Settings, environ: Mapping[str, str]) -> list[Finding]:
    from postion_publish.platforms.build import credentials_of
    from postion_publish.tokens.github import store_for_run

    store = store_for_run(environ, settings.token_scope)
    found = []
    for name in settings.platforms:
        spec = registry.spec(name)
        try:
            credentials_of(name, environ, store)
        except PostionError:
            wanted = " or ".join(", ".join(names) for names in registry.credential_sets(name))
            fix = f"`postion connect {name}`, or set {wanted} (as repository secrets for the Action)"
            found.append(Finding("credentials", f"{spec.display}: no credential", fix))
        else:
            found.append(Finding("credentials", f"{spec.display}: set (not shown)"))
    return found


def _tokens(settings: Settings, environ: Mapping[str, str], now: dt.datetime, check: bool) -> list[Finding]:
    from postion_publish.tokens.connections import Health, fix_for
    from postion_publish.tokens.health import token_status

    found = []
    for status in token_status(settings, environ, now, check=check):
        if status.platform not in settings.platforms:
            continue
        display = registry.display_name(status.platform)
        where = f" ({status.note})" if status.note else ""
        if status.health == Health.EXPIRED:
            fix = fix_for(status.platform, status.health) or f"`postion connect {status.platform}`"
            found.append(Finding("tokens", f"{display}: expired or refused{where}", fix))
        elif status.health == Health.EXPIRING:
            fix = fix_for(status.platform, status.health) or f"`postion connect {status.platform}`"
            found.append(Finding("tokens", f"{display}: expires {status.expires}", fix, warning=True))
        elif check and status.health == Health.ACTIVE:
            found.append(Finding("tokens", f"{display}: accepted by {display}{where}"))
    return found


def _workflow(root: Path, settings: Settings | None) -> list[Finding]:
    folder = next((p / ".github" / "workflows" for p in (root, *root.parents) if (p / ".github").is_dir()), None)
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]) if folder is not None else []
    using = [
        (path, data) for path in files if _uses_action(data := _yaml_without_tags(path.read_text(encoding="utf-8")))
    ]
    if not using:
        fix = "copy a workflow of examples/workflows/ into .github/workflows/ (see the docs: The GitHub Action)"
        return [Finding("workflow", "no workflow runs the postion-publish Action", fix)]
    found = []
    for path, data in using:
        triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
        events = set(triggers) if isinstance(triggers, dict | list) else {str(triggers)}
        name = path.name
        if "pull_request_target" in events:
            fix = "use `pull_request`: the preview needs no secret, and _target would hand them to the PR's code"
            found.append(Finding("workflow", f"{name} runs on pull_request_target", fix))
        missing = {"push", "pull_request"} - events
        if missing:
            fix = f"add {', '.join(sorted(missing))} under `on:` (push publishes, pull_request previews)"
            found.append(Finding("workflow", f"{name} does not run on {', '.join(sorted(missing))}", fix))
        if settings is not None:
            found += _secrets_wiring(name, data, settings)
        if not any(f.area == "workflow" and f.what.startswith(name) and f.fix for f in found):
            found.append(Finding("workflow", f"{name} runs the Action on {', '.join(sorted(events))}"))
    return found


def _secrets_wiring(name: str, data: dict[str, Any], settings: Settings) -> list[Finding]:
    """The job that publishes (not the pull request's preview) hands each platform a complete set
    of its credentials from the repository's secrets."""
    publishing = [job for job in (data.get("jobs") or {}).values() if isinstance(job, dict) and _publishes(job)]
    if not publishing:
        return []
    given: set[str] = set()
    for job in publishing:
        for step in job.get("steps") or []:
            if isinstance(step, dict) and _is_action(step.get("uses")):
                given |= {key for key, value in (step.get("env") or {}).items() if "secrets." in str(value)}
        given |= {key for key, value in (job.get("env") or {}).items() if "secrets." in str(value)}
    found = []
    for platform in settings.platforms:
        spec = registry.spec(platform)
        if not any(set(names) <= given for names in registry.credential_sets(platform)):
            names = registry.credential_sets(platform)[0]
            lines = ", ".join(f"{n}: ${{{{ secrets.{n} }}}}" for n in names)
            fix = f"add to the Action step's env: {lines}"
            found.append(Finding("workflow", f"{name}: {spec.display} gets no credentials from secrets", fix))
    return found


def _is_action(uses: object) -> bool:
    """This Action by its name, or `./` in the Action's own repository (which runs itself)."""
    return isinstance(uses, str) and (uses.startswith(ACTION) or uses == "./")


def _runs_action(job: dict[str, Any]) -> bool:
    return any(isinstance(s, dict) and _is_action(s.get("uses")) for s in job.get("steps") or [])


def _publishes(job: dict[str, Any]) -> bool:
    """A job that runs the Action, other than the pull request's preview."""
    return _runs_action(job) and "== 'pull_request'" not in str(job.get("if", ""))


def _uses_action(data: Any) -> bool:
    jobs = data.get("jobs") if isinstance(data, dict) else None
    return isinstance(jobs, dict) and any(isinstance(job, dict) and _runs_action(job) for job in jobs.values())


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml may hold `!!python/name:` or `!ENV` tags: read as plain values, never run."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _yaml_without_tags(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_AnyTagLoader)
    except yaml.YAMLError:
        return {}
