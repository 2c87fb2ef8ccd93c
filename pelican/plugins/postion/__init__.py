"""`pelican.plugins.postion`: the namespace name of postion-publish's Pelican plugin."""

from postion_publish.integrations.pelican import register

__all__ = ["register"]
