"""Fetch stage: an http(s) URL in, a RawPage out (httpx)."""

from __future__ import annotations

from scraper.model import RawPage
from scraper.settings import FetchSettings


def fetch(url: str, *, settings: FetchSettings) -> RawPage:
    """Fetch one URL. Raises FetchError (or a subclass) naming the URL."""
    raise NotImplementedError
