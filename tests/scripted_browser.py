"""A browser for `postion connect` tests, run as $BROWSER: it opens the authorize URL, where the
sandbox approves at once and redirects, and follows the redirect to the loopback server.
SCRIPTED_BROWSER=tamper changes the `state` on the way, as a forged link would."""

from __future__ import annotations

import os
import sys
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx


def main(url: str) -> None:
    answer = httpx.get(url, follow_redirects=False, timeout=30)
    location = answer.headers["location"]
    if os.environ.get("SCRIPTED_BROWSER") == "tamper":
        parts = urlsplit(location)
        query = dict(parse_qsl(parts.query))
        query["state"] = "forged-" + query.get("state", "")
        location = parts._replace(query=urlencode(query)).geturl()
    httpx.get(location, timeout=30)


if __name__ == "__main__":
    main(sys.argv[1])
