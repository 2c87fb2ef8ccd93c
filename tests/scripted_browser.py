"""A browser for `postion connect` tests, run as $BROWSER: it opens the authorize URL, where the
sandbox approves at once and redirects, and follows the redirect to the loopback server.
SCRIPTED_BROWSER=tamper first sends the answer with another `state`, as a forged link would (the
loopback server must refuse it, 400, and go on waiting), then the real one."""

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
        forged = httpx.get(parts._replace(query=urlencode(query)).geturl(), timeout=30)
        if forged.status_code != 400:
            sys.exit(f"the forged answer was taken: {forged.status_code}")
    httpx.get(location, timeout=30)


if __name__ == "__main__":
    main(sys.argv[1])
