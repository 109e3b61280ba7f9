"""Clean stage: normalise block text, drop boilerplate lines and repeated blocks."""

from __future__ import annotations

from scraper.model import Body


def clean_body(body: Body) -> Body:
    """A cleaned copy of body. Idempotent; never raises."""
    raise NotImplementedError
