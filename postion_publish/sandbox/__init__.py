"""A local emulator of the platforms, so that anyone can try the whole loop without an account."""

from postion_publish.sandbox.server import Credentials, Sandbox

__all__ = ["Credentials", "Sandbox"]
