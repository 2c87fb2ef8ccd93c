"""URLs from anywhere: front matter, feeds, pages, a pasted address, a secret. urllib raises
ValueError for some (an IPv6 address left open: `https://[::1`), which must be a clear refusal or
a skipped entry, never a traceback."""

from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit


def split_url(url: str) -> SplitResult | None:
    """`urlsplit`, or None for a URL urllib cannot read."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def join_url(base: str, url: str) -> str | None:
    """`urljoin`, or None for a URL urllib cannot read (the result is read again: `split_url` works)."""
    try:
        joined = urljoin(base, url)
        urlsplit(joined)
    except ValueError:
        return None
    return joined
