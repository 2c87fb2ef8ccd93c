"""Credentials that change: where rotated tokens are handed, and (with the connections work) the
OAuth flows and token health."""
