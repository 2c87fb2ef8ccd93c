"""The TLS context of a run: one for all its clients, started early.

Reading the trusted certificates takes 20 to 30 ms, in C, without the interpreter's lock. A run
with something to send starts it in a thread (`prepare`) while it loads the network code (50 ms),
instead of doing it on the way to its first request.
"""

from __future__ import annotations

import os
import ssl
import threading

import certifi


def _make() -> ssl.SSLContext:
    """As `httpx.create_ssl_context()` makes it: SSL_CERT_FILE, else SSL_CERT_DIR, else certifi's."""
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    return ssl.create_default_context(cafile=certifi.where())


class _Reading:
    def __init__(self) -> None:
        self.context: ssl.SSLContext | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="postion-tls", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.context = _make()
        except BaseException as error:  # raised where the context is asked for, as before
            self.error = error

    def result(self) -> ssl.SSLContext:
        self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.context is not None
        return self.context


_reading: _Reading | None = None
_start = threading.Lock()


def prepare() -> None:
    """Start reading the certificates (once per process)."""
    global _reading
    with _start:
        if _reading is None:
            _reading = _Reading()


def context() -> ssl.SSLContext:
    prepare()
    assert _reading is not None
    return _reading.result()
