"""The MkDocs plugin (entry point `postion` in `mkdocs.plugins`)."""

from postion_publish.integrations.mkdocs.plugin import PostionPlugin

__all__ = ["PostionPlugin"]
