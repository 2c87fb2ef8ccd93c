"""multipart/form-data bodies, as the sandbox receives them (media uploads, Discord files)."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser


@dataclass(frozen=True)
class FormPart:
    name: str
    filename: str | None
    content_type: str
    data: bytes


def parse_multipart(content_type: str, body: bytes) -> dict[str, FormPart]:
    if not content_type.startswith("multipart/form-data"):
        return {}
    message = BytesParser(policy=policy.HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    parts: dict[str, FormPart] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        parts[name] = FormPart(name, part.get_filename(), part.get_content_type(), data)
    return parts
