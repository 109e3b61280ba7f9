"""Text dumps: plain text saved from a page, turned into blocks and metadata."""

from __future__ import annotations

from scraper.model import Body, Metadata


def dump_body(text: str) -> Body:
    """The article paragraphs of a text dump."""
    raise NotImplementedError


def dump_metadata(text: str, *, body: Body) -> Metadata:
    """Title and authors found in a text dump."""
    raise NotImplementedError
