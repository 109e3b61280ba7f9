"""Source stage: turn command-line arguments into Sources, and read local ones."""

from __future__ import annotations

from typing import BinaryIO

from scraper.model import RawPage, Source
from scraper.settings import Settings


def read_local(src: Source, *, settings: Settings, stdin: BinaryIO | None) -> RawPage:
    """Read a file or stdin into a RawPage."""
    raise NotImplementedError
