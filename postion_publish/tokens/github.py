"""Where a run keeps the tokens it rotates, chosen by where it runs.

- On a laptop: the token file (`FileStore`), which the next run reads.
- In GitHub Actions with `POSTION_GITHUB_SECRETS_TOKEN` (a fine-grained PAT with "Secrets: read and
  write" on the repository; GITHUB_TOKEN cannot write secrets): the repository's secrets, of the
  same names as the environment variables, written the moment a token rotates. The next run gets
  them as its environment.
- In GitHub Actions without it: the runner's file, which dies with the job. The rotation is then
  lost, and the run says so loudly: the next run will need `postion connect`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from postion_publish.store.tokens import FileStore, TokenStore, default_token_file

if TYPE_CHECKING:  # loaded when a run writes secrets: most runs write none
    from postion_publish.net.github import GitHub

SECRETS_TOKEN = "POSTION_GITHUB_SECRETS_TOKEN"


class GitHubSecretsStore:
    """Each value sealed into the repository secret of its name at once, and kept for this run
    (secrets cannot be read back). A failed write is noted, never raised: the post goes on with the
    new token in memory, and the run warns that the next one must reconnect."""

    def __init__(self, github: GitHub) -> None:
        self.github = github
        self.values: dict[str, str] = {}
        self.written: list[str] = []
        self.failed: dict[str, str] = {}  # name → GitHub's answer

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def put(self, name: str, value: str) -> None:
        from postion_publish.net.github import GitHubError

        self.values[name] = value
        try:
            self.github.put_secret(name, value)
        except GitHubError as error:
            self.failed[name] = str(error)
        else:
            self.written.append(name)

    @property
    def notices(self) -> list[str]:
        if not self.failed:
            return []
        reasons = "; ".join(f"{name}: {reason}" for name, reason in self.failed.items())
        return [
            f"rotated tokens could not be written to the repository's secrets ({reasons}): the next run will fail "
            f"with `auth expired` until you reconnect; check {SECRETS_TOKEN} (Secrets: read and write)"
        ]


class RunnerFileStore(FileStore):
    """The token file on a CI runner that cannot write secrets: it works for this run only."""

    def __init__(self, path: Path, environ: Mapping[str, str] | None = None, scope: str = "") -> None:
        super().__init__(path, environ, scope)
        self.rotated: list[str] = []

    def put(self, name: str, value: str) -> None:
        super().put(name, value)
        self.rotated.append(name)

    @property
    def notices(self) -> list[str]:
        if not self.rotated:
            return []
        return [
            f"{', '.join(dict.fromkeys(self.rotated))} rotated, but without {SECRETS_TOKEN} the new values cannot be "
            "written back to the repository's secrets: they are lost when this job ends, and the next run will fail "
            f"with `auth expired`. Set {SECRETS_TOKEN} (a fine-grained PAT with Secrets: read and write), or use "
            "credentials that do not rotate (X's OAuth 1.0a keys)"
        ]


def store_for_run(environ: Mapping[str, str], scope: str = "") -> TokenStore:
    """The token store of a `publish` or `tokens refresh` run, as the module's docstring says.
    `scope`: the blog's (`token_scope`), so that blogs sharing the token file keep their own values."""
    if environ.get("GITHUB_ACTIONS") != "true":
        return FileStore(default_token_file(environ), environ, scope)
    token, repository = environ.get(SECRETS_TOKEN, "").strip(), environ.get("GITHUB_REPOSITORY", "")
    if token and repository:
        from postion_publish.net.github import GitHub

        api = environ.get("GITHUB_API_URL") or "https://api.github.com"
        return GitHubSecretsStore(GitHub(api, repository, token))
    return RunnerFileStore(default_token_file(environ), environ, scope)


def notices_of(store: TokenStore) -> list[str]:
    """What the store has to say after a run (a rotation that could not be kept)."""
    notices = getattr(store, "notices", [])
    return [str(notice) for notice in notices]
