"""The page as the metadata fields read it, and the helpers several fields share.

`Page` holds what the page declares, each source read once: the parsed tree, its URL and
host (the page an archive address wraps), the meta tags, links, <time>s, <h1>s and
microdata found in one scan (_scan), and the JSON-LD (_jsonld). The
helpers here read a node's text, fold whitespace and entities, find the page heading (an
<h1> in an <article> first, then in <main>, then any) and the text around it, which the
author byline and the date near the heading both read. The meta keys that two fields read
(title and site keys) are here too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.metadata._jsonld import LinkedData, resolve
from scraper.metadata._scan import Scan, ancestor_tags
from scraper.parse import ancestors_in_body

# Meta keys (name/property/itemprop/http-equiv, lower case) in order of trust, per field.
TITLE_KEYS = (
    "og:title",
    "twitter:title",
    "citation_title",
    "parsely-title",
    "sailthru.title",
    "dc.title",
    "dcterms.title",
    "title",
    "headline",
)
SITE_KEYS = (
    "og:site_name",
    "application-name",
    "apple-mobile-web-app-title",
    "dc.publisher",
    "dcterms.publisher",
    "citation_journal_title",
    "publisher",
)
_NEAR_HEADING_LEVELS = 6  # ancestors of the heading tried for text around it
_NEAR_HEADING_MIN = 40  # characters of text after the heading for a block to count
_NEAR_HEADING_BEFORE = 200
_NEAR_HEADING_AFTER = 600
_EMBEDDED_URL = re.compile(r"/(https?:/{1,2}[^/]+.*)$")


@dataclass(frozen=True, slots=True)
class Page:
    """What the page declares, each source read once."""

    tree: LexborHTMLParser
    url: str | None
    scan: Scan
    ld: LinkedData
    host: str  # the page's host name (of the page an archive URL wraps), "" when unknown

    @property
    def meta(self) -> Mapping[str, tuple[str, ...]]:
        return self.scan.meta

    def meta_values(self, keys: Iterable[str]) -> list[str]:
        return [value for key in keys for value in self.meta.get(key, ())]

    def ld_value(self, key: str) -> Any:
        article = self.ld.article
        return resolve(article.get(key), self.ld.by_id) if article else None


def listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def own_url(url: str) -> str:
    """The address of the page itself: the URL an archive or proxy address wraps
    (`https://web.archive.org/web/2013/http://site.de/a`), else the URL."""
    match = _EMBEDDED_URL.search(urlsplit(url).path)
    return match[1] if match else url


def h1_nodes(found: Scan) -> list[LexborNode]:
    """The page's <h1>s, those in an <article> first, then in <main>, then the others."""
    return sorted(found.h1s[:8], key=lambda node: place_rank(node, ("article", "main")))


def h1_node(found: Scan) -> LexborNode | None:
    """The first <h1> with text, by h1_nodes's order."""
    return next((node for node in h1_nodes(found) if fold_text(node_text(node))), None)


def place_rank(node: LexborNode, places: Sequence[str]) -> int:
    tags = ancestor_tags(node)
    return next((rank for rank, place in enumerate(places) if place in tags), len(places))


def near_heading(page: Page, *, with_heading: bool = True) -> str | None:
    """The text around the page heading, in the smallest block that holds some."""
    return next(iter(_around_heading(page, with_heading=with_heading)), None)


def _around_heading(page: Page, *, with_heading: bool = True) -> Iterator[str]:
    """The text around the page heading in ever larger blocks enclosing it (those holding
    some text after it), each read from just before the heading on. Without the heading,
    its text is a line break (a byline is never read out of the headline itself)."""
    return (window for _, window in heading_blocks(page, with_heading=with_heading))


def heading_blocks(page: Page, *, with_heading: bool = True) -> Iterator[tuple[LexborNode, str]]:
    """The blocks of _around_heading, each with its text around the heading."""
    heading = h1_node(page.scan)
    if heading is None:
        return
    title = text_lines(heading)
    for block in ancestors_in_body(heading, limit=_NEAR_HEADING_LEVELS):
        text = text_lines(block)
        start = max(text.find(title), 0)
        if len(text) - start - len(title) >= _NEAR_HEADING_MIN:
            window = text[max(start - _NEAR_HEADING_BEFORE, 0) : start + _NEAR_HEADING_AFTER]
            yield block, window if with_heading else window.replace(title, "\n", 1)


def node_text(node: LexborNode) -> str:
    return node.text(deep=True, separator=" ", strip=True) or ""


def text_lines(node: LexborNode) -> str:
    """A node's text with a line break between its text nodes (a byline's name ends there)."""
    return node.text(deep=True, separator="\n", strip=True) or ""


def fold_text(value: str | None) -> str | None:
    """Whitespace folded and entities decoded (pages double-escape them in attributes)."""
    if not value:
        return None
    text = html.unescape(value) if "&" in value else value
    folded = " ".join(text.split())
    return folded or None
