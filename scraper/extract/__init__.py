"""Stage 5, extract: the article's blocks from a parsed page (`_body`: candidate scoring,
with `_boiler` for chrome and boilerplate, `_lead` for the lead outside the body, `_walk`
for the block walk, `_ld` for a JSON-LD `articleBody`), or from a text dump (`_textdump`)."""

from scraper.extract._body import extract_body, find_body
from scraper.extract._shingles import NGRAM, shingles
from scraper.extract._textdump import dump_body, dump_metadata
from scraper.extract._walk import blocks_from

__all__ = [
    "NGRAM",
    "blocks_from",
    "dump_body",
    "dump_metadata",
    "extract_body",
    "find_body",
    "shingles",
]
