"""Stage 1, source: what the arguments name, and reading the local ones.

URLs, saved pages, directories and globs of them, stdin, WARC records (`_warc`), and the
sitemaps and feeds a fetched URL may turn out to be (`_listings`). `expand` turns the
arguments into a lazy stream of inputs; `read_local` reads one local page as a RawPage.
"""

from scraper.sources._inputs import (
    URL_PREFIXES,
    Input,
    count,
    expand,
    gives_many,
    glob,
    gunzip,
    is_glob,
    is_input_file,
    page_kind,
    read_local,
    url_list,
    walk,
)
from scraper.sources._listings import Entry, Listing, parse_since, read_listing
from scraper.sources._warc import Record, is_warc, read_record, record_at, records

__all__ = [
    "URL_PREFIXES",
    "Entry",
    "Input",
    "Listing",
    "Record",
    "count",
    "expand",
    "gives_many",
    "glob",
    "gunzip",
    "is_glob",
    "is_input_file",
    "is_warc",
    "page_kind",
    "parse_since",
    "read_listing",
    "read_local",
    "read_record",
    "record_at",
    "records",
    "url_list",
    "walk",
]
