"""scrape: the clean text and metadata of news articles."""

from scraper.errors import (
    DecodeError,
    ExtractionError,
    FetchError,
    OutputError,
    RuleError,
    ScraperError,
    SourceError,
)
from scraper.model import Article, Block
from scraper.pipeline import clean_text, extract, pipeline, scrape
from scraper.settings import FetchSettings, Settings

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Block",
    "DecodeError",
    "ExtractionError",
    "FetchError",
    "FetchSettings",
    "OutputError",
    "RuleError",
    "ScraperError",
    "Settings",
    "SourceError",
    "__version__",
    "clean_text",
    "extract",
    "pipeline",
    "scrape",
]
