"""Language models behind one small interface: a system prompt and a user prompt in, text out.

- `openai`: OpenAI-compatible chat completions, `POST {base_url}/chat/completions` (OpenAI,
  Ollama, vLLM, LM Studio, OpenRouter… by `base_url`) → `choices[0].message.content`.
- `anthropic`: the Messages API, `POST {base_url}/v1/messages` with `x-api-key` and
  `anthropic-version` → the text blocks of `content`.

The key comes from `POSTION_AI_API_KEY` (none needed for a local server). Plain httpx: no client
library in the install.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Protocol

import httpx

from postion_publish.core.config import AISettings
from postion_publish.core.errors import PostionError
from postion_publish.core.redact import Redactor
from postion_publish.net.answers import BoundedClient
from postion_publish.net.client import USER_AGENT
from postion_publish.platforms.base import json_or_empty, retry_after_seconds

API_KEY = "POSTION_AI_API_KEY"
DEFAULT_BASE = {"openai": "https://api.openai.com/v1", "anthropic": "https://api.anthropic.com"}
ANTHROPIC_VERSION = "2023-06-01"
MAX_TOKENS = 1024
MAX_WAIT = 30.0  # a rate limit asking for longer is reported, not slept through
MAX_ANSWER_BYTES = 1_000_000


class ModelError(PostionError):
    """The model did not give a usable answer: the message says why, and nothing was written."""


class CaptionModel(Protocol):
    name: str  # "provider:model", recorded with the captions it wrote

    def complete(self, system: str, prompt: str) -> str: ...


class HttpModel:
    def __init__(self, settings: AISettings, environ: Mapping[str, str], *, timeout: float = 60.0) -> None:
        self.settings = settings
        self.name = f"{settings.provider}:{settings.model}"
        base = (settings.base_url or DEFAULT_BASE[settings.provider]).rstrip("/")
        headers = {"User-Agent": USER_AGENT}
        key = environ.get(API_KEY, "").strip()
        if settings.provider == "anthropic":
            headers["anthropic-version"] = ANTHROPIC_VERSION
            if key:
                headers["x-api-key"] = key
        elif key:
            headers["Authorization"] = f"Bearer {key}"
        self.client = BoundedClient(base_url=base, headers=headers, timeout=timeout, follow_redirects=False)
        self._redactor = Redactor([key] if key else [])  # a provider may echo the request

    def _request(self, system: str, prompt: str) -> tuple[str, dict[str, Any]]:
        if self.settings.provider == "anthropic":
            body = {
                "model": self.settings.model,
                "max_tokens": MAX_TOKENS,
                "system": system,
                "messages": [{"role": "user", "content": prompt}],
            }
            return "/v1/messages", body
        body = {
            "model": self.settings.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": prompt}],
            "temperature": 0.4,
        }
        return "/chat/completions", body

    def complete(self, system: str, prompt: str) -> str:
        path, body = self._request(system, prompt)
        for attempt in (1, 2):
            try:
                response = self.client.post(path, json=body)
            except httpx.TimeoutException:
                raise ModelError(f"{self.name}: no answer within {self.client.deadline:g} s (timeout)") from None
            except httpx.HTTPError as error:
                raise ModelError(f"{self.name}: no answer ({error.__class__.__name__}); check ai.base_url") from None
            if response.status_code == 429 and attempt == 1:
                wait = retry_after_seconds(response.headers.get("retry-after"), _now())
                if wait is not None and wait <= MAX_WAIT:
                    time.sleep(wait)
                    continue
                later = f" (it asks to wait {wait:g} s)" if wait is not None else ""
                raise ModelError(f"{self.name}: rate limited{later}; try `postion adapt` again later")
            break
        return self._text(response)

    def _text(self, response: httpx.Response) -> str:
        if len(response.content) > MAX_ANSWER_BYTES:
            raise ModelError(f"{self.name}: an answer of {len(response.content):,} bytes is no caption")
        data = json_or_empty(response)
        error = data.get("error")
        reason = error.get("message") if isinstance(error, dict) else error
        reason = self._redactor.scrub(str(reason)) if reason else None
        if response.status_code in (401, 403):
            raise ModelError(f"{self.name}: the key was refused ({response.status_code}); check {API_KEY}")
        if response.status_code == 429:
            raise ModelError(f"{self.name}: rate limited again; try `postion adapt` later")
        if response.status_code != 200:
            raise ModelError(f"{self.name}: answered {response.status_code} ({reason or response.reason_phrase})")
        if self.settings.provider == "anthropic":
            blocks = data.get("content") or []
            text = "".join(b.get("text", "") for b in blocks if isinstance(b, dict) and b.get("type") == "text")
            refused = data.get("stop_reason") == "refusal"
        else:
            choices = data.get("choices") or [{}]
            message = choices[0].get("message") or {} if isinstance(choices[0], dict) else {}
            text = str(message.get("content") or "")
            refused = bool(message.get("refusal"))
        if refused:
            raise ModelError(f"{self.name}: the model refused to write this caption")
        if not text.strip():
            raise ModelError(f"{self.name}: the answer was empty")
        return text

    def close(self) -> None:
        self.client.close()


def _now() -> Any:
    import datetime as dt

    return dt.datetime.now(dt.UTC)
