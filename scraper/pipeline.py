"""`pipeline` chains the stages; `extract`, `clean_text` and `scrape` are the
library's entry points built on it.

source -> fetch -> parse -> rules -> extract -> clean -> metadata -> output
"""

from __future__ import annotations

from typing import BinaryIO

from scraper import clean, fetch, metadata, parse, source, textdump
from scraper import extract as extract_stage
from scraper.errors import ExtractionError
from scraper.model import Article, Body, Metadata, RawPage, Source
from scraper.settings import Settings


def pipeline(src: Source, *, settings: Settings, stdin: BinaryIO | None = None) -> Article:
    """Read or fetch one source and turn it into an Article. Raises ScraperError."""
    raw = (
        fetch.fetch(src.location, settings=settings.fetch)
        if src.kind == "url"
        else (source.read_local(src, settings=settings, stdin=stdin))
    )
    return process(raw, source_name=src.location, url=src.url or raw.url)


def process(raw: RawPage, *, source_name: str | None, url: str | None) -> Article:
    """The offline half of the pipeline: bytes in, Article out."""
    if raw.kind == "text":
        text = parse.decode(raw, source_name=source_name)
        body = clean.clean_body(textdump.dump_body(text))
        meta = textdump.dump_metadata(text, body=body)
    else:
        doc = parse.parse(raw, url=url, source_name=source_name)
        meta = metadata.extract_metadata(doc)
        body = clean.clean_body(extract_stage.extract_body(doc))
    if not body.blocks:
        raise ExtractionError("no article text found", source=source_name)
    return assemble(body, meta, url=url, source_name=source_name)


def assemble(body: Body, meta: Metadata, *, url: str | None, source_name: str | None) -> Article:
    """Join body and metadata into the Article record."""
    return Article(
        url=url,
        canonical_url=meta.canonical_url,
        title=meta.title,
        authors=meta.authors,
        date=meta.date,
        date_modified=meta.date_modified,
        site_name=meta.site_name,
        description=meta.description,
        language=meta.language,
        tags=meta.tags,
        image=meta.image,
        text=body.text,
        rule=None,
        source=source_name,
        blocks=body.blocks,
    )


def extract(html: str | bytes, *, url: str | None = None) -> Article:
    """Extract the article from an HTML page (bytes are decoded by their declared charset)."""
    content = html.encode("utf-8") if isinstance(html, str) else html
    charset = "utf-8" if isinstance(html, str) else None
    raw = RawPage(content=content, kind="html", url=url, charset=charset)
    return process(raw, source_name=url, url=url)


def clean_text(text: str, *, url: str | None = None) -> Article:
    """Clean a plain-text dump of a page."""
    raw = RawPage(content=text.encode("utf-8"), kind="text", url=url, charset="utf-8")
    return process(raw, source_name=url, url=url)


def scrape(url: str, *, settings: Settings | None = None) -> Article:
    """Fetch a URL and extract its article."""
    return pipeline(
        Source(kind="url", location=url, name=url, url=url), settings=settings or Settings()
    )
