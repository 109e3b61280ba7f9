"""Parse stage: bytes decoded by their declared charset, then parsed once with Lexbor."""

from __future__ import annotations

from scraper.model import Document, RawPage


def looks_like_html(data: bytes) -> bool:
    """Whether bytes read from stdin are an HTML page rather than a text dump."""
    raise NotImplementedError


def decode(raw: RawPage, *, source_name: str | None) -> str:
    """Decode the page's bytes: header charset, BOM, <meta charset>, then detection.
    Raises DecodeError for empty or binary input."""
    raise NotImplementedError


def parse(raw: RawPage, *, url: str | None, source_name: str | None) -> Document:
    """Decode and parse an HTML page."""
    raise NotImplementedError
