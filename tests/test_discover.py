"""Sitemaps and feeds read into article URLs (scraper.sources), and --urls lists."""

from __future__ import annotations

import gzip
import io

import pytest

from scraper import sources
from scraper.errors import SourceError
from scraper.model import Fetched
from scraper.settings import DiscoverSettings

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://n.example/old</loc><lastmod>2023-01-05</lastmod></url>
  <url><loc> https://n.example/new </loc><lastmod>2024-03-01T10:00:00+00:00</lastmod></url>
  <url><loc>https://n.example/news</loc><lastmod>2020-01-01</lastmod>
    <news:news><news:publication_date>2024-02-01T08:00:00Z</news:publication_date></news:news>
  </url>
  <url><loc>https://n.example/undated</loc></url>
  <url><loc>ftp://n.example/file</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://n.example/a.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap>
  <sitemap><loc>https://n.example/b.xml</loc><lastmod>2022-01-01</lastmod></sitemap>
</sitemapindex>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://n.example/1</link>
  <pubDate>Mon, 04 Mar 2024 10:00:00 GMT</pubDate></item>
<item><title>Two</title><link>/2</link><pubDate>Sun, 01 Jan 2023 10:00:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>x</id><updated>2024-01-01T00:00:00Z</updated>
<entry><title>A</title><id>a</id><link href="https://n.example/atom-a"/>
  <updated>2024-01-02T00:00:00Z</updated></entry>
</feed>"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<urlset><url><loc>&lol2;</loc></url></urlset>"""


def listing(data: bytes, **kw: object) -> sources.Listing | None:
    fetched = Fetched(
        url="https://n.example/map.xml",
        content=data,
        mime="application/xml",
        charset=None,
        headers=(),
    )
    return sources.read_listing(fetched, settings=DiscoverSettings(**kw), cap=1_000_000)  # type: ignore[arg-type]


def test_urlset_newest_first_news_date_preferred_undated_last() -> None:
    found = listing(URLSET)
    assert found is not None and found.kind == "sitemap"
    assert found.pages == (
        "https://n.example/new",
        "https://n.example/news",
        "https://n.example/old",
        "https://n.example/undated",
    )


def test_since_drops_older_entries_keeps_undated() -> None:
    found = listing(URLSET, since="2024-01-15")
    assert found is not None
    assert found.pages == (
        "https://n.example/new",
        "https://n.example/news",
        "https://n.example/undated",
    )


def test_index_lists_sitemaps_filtered_by_since() -> None:
    found = listing(INDEX, since="2023-06-01")
    assert found is not None and found.kind == "sitemap index"
    assert found.sitemaps == ("https://n.example/a.xml.gz",) and found.pages == ()


def test_gzipped_sitemap() -> None:
    found = listing(gzip.compress(URLSET))
    assert found is not None and len(found.pages) == 4


def test_gzip_bomb_sitemap_costs_at_most_the_cap() -> None:
    with pytest.raises(SourceError, match="larger than the input limit"):
        listing(gzip.compress(b"<urlset>" + b" " * 5_000_000))


def test_rss_and_atom_feeds() -> None:
    rss = listing(RSS)
    assert rss is not None and rss.kind == "feed"
    assert rss.pages == ("https://n.example/1", "https://n.example/2")  # relative link resolved
    recent = listing(RSS, since="2024-01-01T00:00:00")
    assert recent is not None and recent.pages == ("https://n.example/1",)
    atom = listing(ATOM)
    assert atom is not None and atom.pages == ("https://n.example/atom-a",)


def test_html_page_is_not_a_listing() -> None:
    assert listing(b"<!doctype html><html><body><p>Hi</p></body></html>") is None
    assert listing(b"<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'/>") is None


def test_entity_expansion_refused() -> None:
    with pytest.raises(SourceError, match="not a valid sitemap"):
        listing(BOMB)


def test_bad_since_is_an_error() -> None:
    with pytest.raises(SourceError, match="ISO 8601"):
        sources.parse_since("last tuesday")


def test_url_list_skips_blanks_and_comments() -> None:
    lines = b"\xef\xbb\xbfhttps://a.example/1\n\n  # a comment\nhttps://a.example/2  \r\n"
    found = list(sources.url_list("-", stdin=io.BytesIO(lines)))
    assert [s.location for s in found] == ["https://a.example/1", "https://a.example/2"]
    assert all(s.kind == "url" for s in found)
    with pytest.raises(SourceError, match="no such file"):
        sources.url_list("/nonexistent/list.txt", stdin=None)
