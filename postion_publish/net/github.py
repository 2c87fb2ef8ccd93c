"""The few GitHub REST calls postion needs: the sticky pull-request comment, repository secrets
(rotated tokens written back) and the one reminder issue.

Facts: docs.github.com/rest (issue comments, issues, actions/secrets; @octokit/openapi). Base URL
from `GITHUB_API_URL`; a 403 names the permission it wanted in `X-Accepted-GitHub-Permissions`.
A secret is sealed (libsodium `crypto_box_seal`, PyNaCl) under the repository's Actions public key.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from postion_publish.core.errors import PostionError
from postion_publish.net.answers import BoundedClient
from postion_publish.net.client import USER_AGENT

BOT_LOGIN = "github-actions[bot]"
MAX_COMMENT = 65_536
MAX_PAGES = 20  # 2,000 issues or comments: far more than the marker's search needs
_NEXT_LINK = re.compile(r'<([^>]+)>;\s*rel="next"')


class GitHubError(PostionError):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(f"GitHub answered {status}: {message}")


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    login: str


class GitHub:
    def __init__(self, api_url: str, repository: str, token: str, transport: httpx.BaseTransport | None = None):
        self.repository = repository
        self.client = BoundedClient(
            base_url=api_url.rstrip("/"),
            headers={
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "Authorization": f"Bearer {token}",
                "User-Agent": USER_AGENT,
            },
            timeout=30.0,
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise GitHubError(0, f"no answer ({error.__class__.__name__})") from None
        if response.status_code >= 400:
            try:
                message = str(response.json().get("message", ""))
            except ValueError:
                message = response.reason_phrase
            wanted = response.headers.get("x-accepted-github-permissions")
            if response.status_code == 403 and wanted:
                message += f" (this needs the permission: {wanted})"
            raise GitHubError(response.status_code, message)
        return response

    def login(self) -> str:
        """Who this token is. GITHUB_TOKEN may not read /user: it is then the Actions bot."""
        try:
            return str(self._request("GET", "/user").json().get("login") or BOT_LOGIN)
        except GitHubError:
            return BOT_LOGIN

    def _pages(self, path: str) -> Iterator[list[Any]]:
        """Each page of a listing, following `Link: rel="next"` only to this API's own origin (the
        token goes with every request) and for at most MAX_PAGES pages (a link to itself loops)."""
        base = httpx.URL(str(self.client.base_url))
        url: str | None = path
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self._request("GET", url)
            items = response.json()
            yield items if isinstance(items, list) else []
            following = _NEXT_LINK.search(response.headers.get("link", ""))
            url = None
            if following:
                target = httpx.URL(following.group(1))
                if (target.scheme, target.host, target.port) == (base.scheme, base.host, base.port):
                    url = str(target)

    def comments(self, number: int) -> list[Comment]:
        found: list[Comment] = []
        for page in self._pages(f"/repos/{self.repository}/issues/{number}/comments?per_page=100"):
            for item in page:
                found.append(Comment(int(item["id"]), str(item.get("body") or ""), str(item["user"]["login"])))
        return found

    def create_comment(self, number: int, body: str) -> int:
        response = self._request("POST", f"/repos/{self.repository}/issues/{number}/comments", json={"body": body})
        return int(response.json()["id"])

    def update_comment(self, comment_id: int, body: str) -> None:
        self._request("PATCH", f"/repos/{self.repository}/issues/comments/{comment_id}", json={"body": body})

    def upsert_sticky_comment(self, number: int, marker: str, body: str) -> str:
        """Update the comment that holds `marker` and was written by us, else create it."""
        me = self.login()
        mine = [c for c in self.comments(number) if marker in c.body and c.login == me]
        if mine:
            self.update_comment(mine[0].id, body)
            return "updated"
        self.create_comment(number, body)
        return "created"

    # --- repository secrets -------------------------------------------------------------------

    def put_secret(self, name: str, value: str) -> None:
        """Create or update the Actions secret `name` (values can never be read back)."""
        from nacl.public import PublicKey, SealedBox

        key = self._request("GET", f"/repos/{self.repository}/actions/secrets/public-key").json()
        sealed = SealedBox(PublicKey(base64.b64decode(key["key"]))).encrypt(value.encode("utf-8"))
        body = {"encrypted_value": base64.b64encode(sealed).decode(), "key_id": key["key_id"]}
        self._request("PUT", f"/repos/{self.repository}/actions/secrets/{name}", json=body)

    def delete_secret(self, name: str) -> bool:
        """Delete the secret; False where there was none."""
        try:
            self._request("DELETE", f"/repos/{self.repository}/actions/secrets/{name}")
        except GitHubError as error:
            if error.status == 404:
                return False
            raise
        return True

    # --- the reminder issue -------------------------------------------------------------------

    def find_issue(self, marker: str) -> tuple[int, str, str] | None:
        """The first issue (open or closed) whose body holds `marker` and that this token's user
        opened: (number, state, body). Anyone may open an issue holding the marker: that one is
        never edited."""
        me = self.login()
        for page in self._pages(f"/repos/{self.repository}/issues?state=all&per_page=100&creator={quote(me)}"):
            for item in page:
                author = str((item.get("user") or {}).get("login") or "")
                if "pull_request" not in item and author == me and marker in str(item.get("body") or ""):
                    return int(item["number"]), str(item["state"]), str(item.get("body") or "")
        return None

    def create_issue(self, title: str, body: str) -> int:
        response = self._request("POST", f"/repos/{self.repository}/issues", json={"title": title, "body": body})
        return int(response.json()["number"])

    def update_issue(self, number: int, **fields: str) -> None:
        self._request("PATCH", f"/repos/{self.repository}/issues/{number}", json=fields)
