"""The small frozen records passed from one pipeline stage to the next.

source -> fetch -> parse -> rules -> extract -> clean -> metadata -> output

Each stage takes one of these and returns the next; none of them is mutated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from selectolax.lexbor import LexborHTMLParser

SourceKind = Literal["url", "file", "stdin"]
PageKind = Literal["html", "text"]
BlockKind = Literal["paragraph", "heading", "list_item", "quote", "code", "table_row"]


@dataclass(frozen=True, slots=True)
class Source:
    """One input named on the command line (or found inside a directory)."""

    kind: SourceKind
    location: str  # the URL, the file path, or "-" for stdin
    name: str  # what output files are named after: the URL, or the path relative to the argument
    url: str | None = None  # the page's original address, when known


@dataclass(frozen=True, slots=True)
class RawPage:
    """The bytes of one page, as fetched or read, before decoding."""

    content: bytes
    kind: PageKind
    url: str | None = None  # final URL after redirects (or the --url given for a file)
    charset: str | None = None  # charset declared by the transport (HTTP header)
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful response: the body (decompressed, capped) before it is classified
    as a page (`as_page`) or read as a sitemap or feed (scraper.sources, _listings)."""

    url: str  # the final URL, after redirects
    content: bytes
    mime: str
    charset: str | None
    headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed HTML page. `tree` is the one parse of the page; stages that
    need to remove nodes work on `tree.clone()` so the original stays intact."""

    tree: LexborHTMLParser
    html: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One block of article text: a paragraph, a subheading, a list item..."""

    kind: BlockKind
    text: str
    level: int = 0  # heading level (1-6) or list nesting depth


@dataclass(frozen=True, slots=True)
class Body:
    """The article's text, as ordered blocks."""

    blocks: tuple[Block, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)


@dataclass(frozen=True, slots=True)
class Metadata:
    """The facts about an article. Every field may be unknown."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None  # ISO 8601, published
    date_modified: str | None = None
    site_name: str | None = None
    description: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    canonical_url: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """The result: clean text plus metadata, for one source."""

    url: str | None = None
    canonical_url: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    date_modified: str | None = None
    site_name: str | None = None
    description: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    image: str | None = None
    text: str = ""
    rule: str | None = None
    source: str | None = None
    blocks: tuple[Block, ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the CLI: every field, lists for lists, no blocks."""
        return {
            "url": self.url,
            "canonical_url": self.canonical_url,
            "title": self.title,
            "authors": list(self.authors),
            "date": self.date,
            "date_modified": self.date_modified,
            "site_name": self.site_name,
            "description": self.description,
            "language": self.language,
            "tags": list(self.tags),
            "image": self.image,
            "text": self.text,
            "rule": self.rule,
            "source": self.source,
        }
