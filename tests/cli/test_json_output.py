"""What commands print as JSON: written a list item at a time, the same text as the whole document
at once (and as json.dumps(indent=2, ensure_ascii=False) gives it)."""

from __future__ import annotations

import json
from typing import Any

from postion_publish.store.jsonfile import encoded, encoded_lists

JOB = {"post": "https://blog.example.com/é/", "messages": [{"text": "🚀 line\nnext", "facets": []}], "warnings": []}
LISTS: list[tuple[str, list[Any]]] = [
    ("jobs", [JOB, {**JOB, "warnings": ["too long"]}]),
    ("scheduled", []),
    ("not_planned", [{"post": "a", "reason": "draft"}]),
    ("unsettled", [[1, 2], "text", 3, None]),
]


def test_a_document_written_item_by_item_is_the_document_written_at_once() -> None:
    streamed = b"".join(encoded_lists(LISTS))
    assert streamed == encoded(dict(LISTS), sort_keys=False)
    assert streamed.decode() == json.dumps(dict(LISTS), indent=2, ensure_ascii=False) + "\n"


def test_empty_lists_and_no_lists() -> None:
    assert b"".join(encoded_lists([("jobs", iter(()))])) == encoded({"jobs": []}, sort_keys=False)
    assert b"".join(encoded_lists([])) == encoded({}, sort_keys=False)
