"""Stage 7, metadata: the facts about the article. `_fields` is the stage and the small
fields; the page's sources are read once (`_page`, with `_scan` and `_jsonld`); the hard
fields each have a search module beside the parser of their strings: `_title`,
`_authors` with `_author_names`, `_dates` with `_date_strings`."""

from scraper.metadata._author_names import byline_names, clean_authors, dated_names, labelled_names
from scraper.metadata._date_strings import earliest_date, parse_date, written_days
from scraper.metadata._fields import FieldSelector, extract_metadata, parse_field_selector
from scraper.metadata._jsonld import read_linked_data

__all__ = [
    "FieldSelector",
    "byline_names",
    "clean_authors",
    "dated_names",
    "earliest_date",
    "extract_metadata",
    "labelled_names",
    "parse_date",
    "parse_field_selector",
    "read_linked_data",
    "written_days",
]
