"""Sitemaps and feeds given as sources expand to their article URLs.

A fetched response is a listing when its root element says so: `urlset` or
`sitemapindex` (sitemaps, also gzipped, news sitemaps included) are read with
defusedxml (no entity expansion, no external entities); `rss`, `feed` and `rdf:RDF`
(RSS 0.9x-2.0, Atom, RSS 1.0) with feedparser. Anything else is a page (None here).

Entries dated before `since` are dropped (undated ones kept), the rest come newest
first, so that a `limit` keeps the latest articles.
"""

from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser  # type: ignore[import-untyped]
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from scraper import parse
from scraper.errors import SourceError
from scraper.model import Fetched
from scraper.settings import DiscoverSettings
from scraper.sources import _inputs as source

_GZIP_MAGIC = b"\x1f\x8b"
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_SITEMAP_ROOTS = frozenset((b"urlset", b"sitemapindex"))
_FEED_ROOTS = frozenset((b"rss", b"feed", b"RDF"))
_SNIFF_BYTES = 4096
_DATE_TAGS = ("publication_date", "lastmod")  # news:publication_date first


@dataclass(frozen=True, slots=True)
class Entry:
    url: str
    date: datetime | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """What a sitemap or feed points to: article pages, and further sitemaps."""

    url: str
    kind: str  # "sitemap", "sitemap index" or "feed"
    pages: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()


def read_listing(fetched: Fetched, *, settings: DiscoverSettings, cap: int) -> Listing | None:
    """The listing in a fetched response, or None when it is not a sitemap or feed.
    Raises SourceError (naming the URL) for a broken one. `cap` bounds a gunzipped body."""
    data = fetched.content
    if data.startswith(_GZIP_MAGIC):
        data = source.gunzip(data, limit=cap, source=fetched.url)
    root = _root_name(data)
    since = parse_since(settings.since)
    if root in _SITEMAP_ROOTS:
        return _sitemap(data, url=fetched.url, since=since)
    if root in _FEED_ROOTS:
        return _feed(data, url=fetched.url, since=since)
    return None


def parse_since(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time (UTC when no zone is given). Raises SourceError."""
    if value is None:
        return None
    when = _iso(value)
    if when is None:
        raise SourceError(f"not an ISO 8601 date: {value!r}", source="--since")
    return when


def _iso(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _root_name(data: bytes) -> bytes | None:
    head = data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if parse.looks_like_html(head):
        return None
    found = _ROOT_TAG.search(head)
    return found.group(2) if found else None


def _sitemap(data: bytes, *, url: str, since: datetime | None) -> Listing:
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise SourceError(f"not a valid sitemap: {exc}", source=url) from None
    index = _local(root.tag) == "sitemapindex"
    entries = []
    for node in root:
        loc = next((c.text for c in node if _local(c.tag) == "loc" and c.text), None)
        if loc is not None:
            entries.append(Entry(url=urljoin(url, loc.strip()), date=_sitemap_date(node)))
    chosen = _select(entries, since=since)
    if index:
        return Listing(url=url, kind="sitemap index", sitemaps=chosen)
    return Listing(url=url, kind="sitemap", pages=chosen)


def _sitemap_date(node: object) -> datetime | None:
    found: dict[str, str] = {}
    for child in node.iter():  # type: ignore[attr-defined]
        name = _local(child.tag)
        if name in _DATE_TAGS and child.text and name not in found:
            found[name] = child.text
    text = next((found[tag] for tag in _DATE_TAGS if tag in found), None)
    return _iso(text) if text else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _feed(data: bytes, *, url: str, since: datetime | None) -> Listing:
    parsed = feedparser.parse(data, response_headers={"content-location": url})
    if parsed.bozo and not parsed.entries:
        raise SourceError(f"not a valid feed: {parsed.get('bozo_exception')}", source=url)
    entries = [
        Entry(url=urljoin(url, entry.link), date=_feed_date(entry))
        for entry in parsed.entries
        if entry.get("link")
    ]
    return Listing(url=url, kind="feed", pages=_select(entries, since=since))


def _feed_date(entry: feedparser.FeedParserDict) -> datetime | None:
    parsed: time.struct_time | None = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _select(entries: list[Entry], *, since: datetime | None) -> tuple[str, ...]:
    """http(s) URLs dated on or after `since` (undated kept), newest first, each once."""
    kept = [
        e
        for e in entries
        if e.url.startswith(("http://", "https://"))
        and (since is None or e.date is None or e.date >= since)
    ]
    kept.sort(key=lambda e: (e.date is None, -(e.date.timestamp() if e.date else 0.0)))
    return tuple(dict.fromkeys(e.url for e in kept))
