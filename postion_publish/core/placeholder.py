"""A `site_url` no reader can open (`https://blog.example.com`, the starter's): `plan` warns,
`publish` refuses to announce links to it. Apart from the config's loading: a check of a value."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from postion_publish.core.config import Settings

PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net", "example")  # RFC 2606: never a real site


def is_placeholder_site(site_url: str) -> bool:
    """`https://blog.example.com` (the starter's), any `example.*` host: no reader can open it, and a
    link to it announced on a platform cannot be taken back."""
    from postion_publish.core.urls import split_url

    parts = split_url(site_url)
    host = (parts.hostname or "").lower().rstrip(".") if parts is not None else ""
    return any(host == domain or host.endswith("." + domain) for domain in PLACEHOLDER_DOMAINS)


def placeholder_notice(settings: Settings) -> str | None:
    if not is_placeholder_site(settings.site_url):
        return None
    return (
        f"site_url {settings.site_url} in {settings.file.name} is a placeholder: set your site's address. "
        "`postion publish` refuses to announce links to it (a sandbox on this machine excepted)"
    )
