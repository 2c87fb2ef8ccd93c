"""The MkDocs plugin of postion-publish (entry point `postion` in `mkdocs.plugins`)."""

from mkdocs_postion.plugin import PostionPlugin

__all__ = ["PostionPlugin"]
