"""Metadata stage: title, authors, dates, site, description, language, tags, image."""

from __future__ import annotations

from scraper.model import Document, Metadata


def extract_metadata(doc: Document) -> Metadata:
    """The article's metadata, from JSON-LD, OpenGraph, meta tags and the visible page."""
    raise NotImplementedError
