"""The article body a page states in its JSON-LD (`articleBody`), as a fallback.

Paywalled and script-rendered pages often print only the first paragraphs (or nothing)
in the DOM while their schema.org data carries the whole text. When the DOM gives
nothing, or gives a small part of that text, the stated body is used instead.
"""

from __future__ import annotations

import html
import re

from scraper.clean import normalize_space
from scraper.extract._shingles import shingles
from scraper.metadata import read_linked_data
from scraper.model import Block, Body, Document

MARKER = "articleBody"
LONGER = 2.0  # the stated body must be this many times the DOM's text
MIN_LENGTH = 400  # characters of stated body worth taking
SHARED = 0.6  # share of the DOM text's word 4-grams found in the stated body
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n|\n")
_TAG = re.compile(r"<[^>]*>")
_QUOTED = f'"{MARKER}"'
_OPENING = re.compile(r'"articleBody"\s*:\s*"')


def with_stated_body(doc: Document, found: Body) -> Body:
    """found, or the JSON-LD articleBody when found is empty or a small part of it."""
    text = found.text
    if _stated_bound(doc.html) < max(MIN_LENGTH, LONGER * len(text)):
        return found  # the stated body, escapes and all, is too short: no JSON parse
    stated = _stated_text(doc)
    if len(stated) < MIN_LENGTH:
        return found
    if text and (len(stated) < LONGER * len(text) or _shared(text, stated) < SHARED):
        return found
    return _blocks(stated)


def _stated_bound(page: str) -> int:
    """An upper bound of the longest articleBody string's length, read off the raw page."""
    longest = 0
    start = page.find(_QUOTED)
    while start >= 0:
        opening = _OPENING.match(page, start)
        if opening is not None:
            longest = max(longest, _string_end(page, opening.end()) - opening.end())
        start = page.find(_QUOTED, start + len(_QUOTED))
    return longest


def _string_end(page: str, start: int) -> int:
    """Where the JSON string starting at start ends: its first unescaped quote."""
    end = page.find('"', start)
    while end > 0:
        escape = end
        while escape > start and page[escape - 1] == "\\":
            escape -= 1
        if (end - escape) % 2 == 0:
            return end
        end = page.find('"', end + 1)
    return start


def _stated_text(doc: Document) -> str:
    article = read_linked_data(doc.tree).article
    if article is None:
        return ""
    body = article.get(MARKER)
    if not isinstance(body, str):
        return ""
    if "<" in body:  # some sites state the body as HTML: tags become line breaks
        body = html.unescape(_TAG.sub("\n", body))
    return body.strip()


def _shared(part: str, whole: str) -> float:
    """The share of part's word 4-grams (case folded) found in whole."""
    mine = shingles(part.casefold()).keys()
    return len(mine & shingles(whole.casefold()).keys()) / len(mine) if mine else 0.0


def _blocks(stated: str) -> Body:
    paragraphs = (normalize_space(p) for p in _PARAGRAPH_BREAK.split(stated))
    return Body(tuple(Block(kind="paragraph", text=p) for p in paragraphs if p))
