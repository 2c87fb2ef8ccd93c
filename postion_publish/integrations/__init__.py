"""Thin adapters from a build (MkDocs, Pelican) to Posts: collect, hand to the core, report."""
