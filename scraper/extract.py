"""Extract stage: find the article body in a parsed page (generic, on selectolax)."""

from __future__ import annotations

from scraper.model import Body, Document


def extract_body(doc: Document) -> Body:
    """The article's blocks, in order. Works on a clone of doc.tree."""
    raise NotImplementedError
