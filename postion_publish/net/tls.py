"""The TLS context of a run: one for all its clients (reading the trusted certificates is the
costly part of making one), made as httpx makes its own."""

from __future__ import annotations

import os
import ssl
from functools import lru_cache

import certifi


@lru_cache(maxsize=1)
def context() -> ssl.SSLContext:
    """SSL_CERT_FILE, else SSL_CERT_DIR, else certifi's bundle, as `httpx.create_ssl_context()`."""
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    return ssl.create_default_context(cafile=certifi.where())
