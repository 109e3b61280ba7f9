"""The article body a page states in its JSON-LD (`articleBody`), as a fallback.

Paywalled and script-rendered pages often print only the first paragraphs (or nothing)
in the DOM while their schema.org data carries the whole text. When the DOM gives
nothing, or gives a small part of that text, the stated body is used instead.
"""

from __future__ import annotations

import html
import re

from scraper.clean import normalize_space
from scraper.jsonld import read_linked_data
from scraper.model import Block, Body, Document

MARKER = "articleBody"
LONGER = 2.0  # the stated body must be this many times the DOM's text
MIN_LENGTH = 400  # characters of stated body worth taking
SHARED = 0.6  # share of the DOM text's word 4-grams found in the stated body
_WORD = re.compile(r"\w+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\r\n\s*\r\n|\n")
_TAG = re.compile(r"<[^>]*>")


def with_stated_body(doc: Document, found: Body) -> Body:
    """found, or the JSON-LD articleBody when found is empty or a small part of it."""
    if MARKER not in doc.html:
        return found
    stated = _stated_text(doc)
    if len(stated) < MIN_LENGTH:
        return found
    text = found.text
    if text and (len(stated) < LONGER * len(text) or _shared(text, stated) < SHARED):
        return found
    return _blocks(stated)


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


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3))}


def _shared(part: str, whole: str) -> float:
    mine = _shingles(part)
    return len(mine & _shingles(whole)) / len(mine) if mine else 0.0


def _blocks(stated: str) -> Body:
    paragraphs = (normalize_space(p) for p in _PARAGRAPH_BREAK.split(stated))
    return Body(tuple(Block(kind="paragraph", text=p) for p in paragraphs if p))
