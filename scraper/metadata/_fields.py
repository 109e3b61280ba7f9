"""Metadata stage: title, authors, dates, site, description, language, tags, image.

Every source is read once with CSS selectors: JSON-LD, OpenGraph and Twitter cards, the
standard meta tags (Dublin Core, Parse.ly, Sailthru, citation_*), <link rel=canonical>,
<html lang>, <time>, microdata and the visible byline, <title> and <h1>. The tree is never
modified. Site rules may name selectors per field; they are tried before the generic logic.

This module is the stage (`extract_metadata`), the site rules' field selectors and the
small fields (site name, description, language, tags, image, canonical URL). The larger
fields have their own modules: _title, _authors and _dates in
this package; the page record they all read is _page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from scraper.metadata._authors import find_authors
from scraper.metadata._date_strings import parse_date
from scraper.metadata._dates import find_date, find_date_modified
from scraper.metadata._jsonld import linked_data, resolve, strings
from scraper.metadata._page import SITE_KEYS, Page, fold_text, listed, node_text, own_url
from scraper.metadata._scan import scan
from scraper.metadata._title import find_title
from scraper.model import Body, Document, Metadata

FIELDS = (
    "title",
    "authors",
    "date",
    "date_modified",
    "site_name",
    "description",
    "language",
    "tags",
    "image",
    "canonical_url",
)

# Meta keys (name/property/itemprop/http-equiv, lower case) in order of trust, per field.
_DESCRIPTION_KEYS = (
    "og:description",
    "description",
    "twitter:description",
    "dc.description",
    "dcterms.description",
    "sailthru.description",
)
_TAG_KEYS = (
    "article:tag",
    "news_keywords",
    "keywords",
    "parsely-tags",
    "sailthru.tags",
    "dc.subject",
    "citation_keywords",
)
_IMAGE_KEYS = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
    "thumbnailurl",
    "image",
    "parsely-image-url",
    "sailthru.image.full",
)
_LANGUAGE_KEYS = (
    "og:locale",
    "content-language",
    "language",
    "dc.language",
    "dcterms.language",
    "inlanguage",
)
_LANG = re.compile(r"^[a-zA-Z]{2,3}(?=$|[-_])")
# Rule selectors reading the article's JSON-LD: "jsonld:" then a path of keys.
_JSONLD_PREFIX = "jsonld:"
_JSONLD_PATH = re.compile(r"@?[A-Za-z][A-Za-z0-9_]{0,39}(?:\.@?[A-Za-z][A-Za-z0-9_]{0,39}){0,4}")
# The description a page without one declares: its first paragraph written as a sentence.
_DESCRIPTION_MIN_WORDS = 4
_DESCRIPTION_MIN_CHARS = 20
_DESCRIPTION_MAX_CHARS = 1500
_DESCRIPTION_PARAGRAPHS = 3  # paragraphs looked at, from the body's start
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019\u00bb)\]]*$")


@dataclass(frozen=True, slots=True)
class FieldSelector:
    """One site-rule selector for a metadata field: CSS, and the attribute to read
    (None: the node's text); or, when `jsonld` is set, the path of keys to read in the
    page's article JSON-LD object (css is then empty)."""

    css: str
    attr: str | None = None
    jsonld: tuple[str, ...] = ()


def parse_field_selector(s: str) -> FieldSelector:
    """`'meta[name="x"] @content'` -> FieldSelector; `'jsonld:author.name'` -> the path
    ("author", "name") in the article's JSON-LD. Raises ValueError when it is empty, its
    CSS does not parse or its JSON-LD path is not keys (letters, digits, _) joined by dots."""
    text = s.strip()
    if text.startswith(_JSONLD_PREFIX):
        return _jsonld_selector(text.removeprefix(_JSONLD_PREFIX), original=s)
    css, attr = text, None
    head, sep, tail = text.rpartition(" @")
    if sep and re.fullmatch(r"[\w:.-]+", tail):
        css, attr = head.strip(), tail
    elif text.startswith("@"):
        raise ValueError(f"field selector {s!r} names an attribute but no CSS selector")
    if not css:
        raise ValueError("empty field selector")
    try:
        LexborHTMLParser("").css(css)
    except (SelectolaxError, ValueError) as exc:
        raise ValueError(f"field selector {s!r}: CSS {css!r} does not parse") from exc
    return FieldSelector(css=css, attr=attr)


def _jsonld_selector(path: str, *, original: str) -> FieldSelector:
    if not _JSONLD_PATH.fullmatch(path):
        raise ValueError(
            f"field selector {original!r}: a JSON-LD path is up to five keys joined by dots "
            "(letters, digits, _; an optional leading @), like jsonld:author.name"
        )
    return FieldSelector(css="", jsonld=tuple(path.split(".")))


def extract_metadata(
    doc: Document,
    *,
    selectors: Mapping[str, Sequence[str]] | None = None,
    body: Body | None = None,
) -> Metadata:
    """The article's metadata, from JSON-LD, OpenGraph, meta tags and the visible page.
    `selectors` (from a site rule) maps a field to selectors tried before the generic logic.
    `body` (the extracted article) gives the description when the page declares none:
    its first paragraph written as a sentence."""
    found_nodes = scan(doc.tree)
    page = Page(
        tree=doc.tree,
        url=doc.url,
        scan=found_nodes,
        ld=linked_data(found_nodes.ld_scripts),
        host=_host(own_url(doc.url or "")),
    )
    found = _from_selectors(page, selectors or {})
    site_name = _single(found, "site_name") or _site_name(page)
    return Metadata(
        title=_single(found, "title", fold_text) or find_title(page, site_name),
        authors=find_authors(found.get("authors"), page, site_name),
        date=_single(found, "date", parse_date) or find_date(page),
        date_modified=_single(found, "date_modified", parse_date) or find_date_modified(page),
        site_name=site_name,
        description=(
            _single(found, "description", fold_text)
            or _description(page)
            or (_first_paragraph(body) if body else None)
        ),
        language=_single(found, "language", _language) or _language_of(page),
        tags=_dedupe(_split_tags(found["tags"])) if found.get("tags") else _tags(page),
        image=_single(found, "image", page_url(page)) or _image(page),
        canonical_url=_single(found, "canonical_url", page_url(page)) or _canonical(page),
    )


def _from_selectors(page: Page, selectors: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, options in selectors.items():
        if name not in FIELDS:
            raise ValueError(f"unknown metadata field {name!r} in selectors")
        for option in options:
            values = _select(page, parse_field_selector(option))
            if values:
                found[name] = values
                break
    return found


def _select(page: Page, selector: FieldSelector) -> list[str]:
    if selector.jsonld:
        values: Iterable[str | None] = _ld_path(page, selector.jsonld)
    else:
        values = (
            node.attributes.get(selector.attr) if selector.attr else node_text(node)
            for node in page.tree.css(selector.css)
        )
    return [" ".join(value.split()) for value in values if value and value.strip()]


def _ld_path(page: Page, path: Sequence[str]) -> list[str]:
    """The strings at a path of keys in the article's JSON-LD object: lists are read item by
    item and {"@id"} references followed; an object at the end gives its name."""
    level: list[Any] = [page.ld.article] if page.ld.article else []
    for key in path:
        level = [
            resolve(item, page.ld.by_id)
            for obj in level
            if isinstance(obj, Mapping)
            for item in listed(obj.get(key))
        ]
    return strings([resolve(item, page.ld.by_id) for item in level])


def _single(
    found: Mapping[str, list[str]], name: str, normalise: Callable[[str], str | None] | None = None
) -> str | None:
    for value in found.get(name, ()):
        result = normalise(value) if normalise else value
        if result:
            return result
    return None


def page_url(page: Page) -> Callable[[str], str | None]:
    """A normaliser making URLs absolute against the page's address."""
    return lambda value: _absolute(value, page.url)


def _site_name(page: Page) -> str | None:
    for value in [
        *page.meta_values(SITE_KEYS[:1]),
        *page.ld.site_names,
        *page.meta_values(SITE_KEYS[1:]),
    ]:
        name = fold_text(value)
        if name:
            return name
    return None


def _description(page: Page) -> str | None:
    values = [
        *page.meta_values(_DESCRIPTION_KEYS[:2]),
        *strings(page.ld_value("description")),
        *page.meta_values(_DESCRIPTION_KEYS[2:]),
    ]
    return next((text for text in map(fold_text, values) if text), None)


def _first_paragraph(body: Body) -> str | None:
    """The first of the body's opening paragraphs written as a sentence (some words, of a
    fair length, ending in a full stop): not a heading, a caption, a byline or a date line."""
    paragraphs = [block.text for block in body.blocks if block.kind == "paragraph"]
    for text in paragraphs[:_DESCRIPTION_PARAGRAPHS]:
        folded = " ".join(text.split())
        if (
            _DESCRIPTION_MIN_CHARS <= len(folded) <= _DESCRIPTION_MAX_CHARS
            and len(folded.split()) >= _DESCRIPTION_MIN_WORDS
            and _SENTENCE_END.search(folded)
        ):
            return folded
    return None


def _language_of(page: Page) -> str | None:
    values = [
        page.scan.lang or "",
        *page.meta_values(_LANGUAGE_KEYS),
        *strings(page.ld_value("inLanguage")),
    ]
    return next((code for code in map(_language, values) if code), None)


def _language(value: str) -> str | None:
    match = _LANG.match(value.strip())
    return match[0].lower() if match else None


def _tags(page: Page) -> tuple[str, ...]:
    values = [
        *page.meta_values(_TAG_KEYS[:1]),
        *strings(page.ld_value("keywords")),
        *page.meta_values(_TAG_KEYS[1:]),
    ]
    tags = _dedupe(_split_tags(values))
    return tags or _dedupe(_split_tags(page.meta_values(("article:section",))))


def _split_tags(values: Iterable[str]) -> list[str]:
    return [
        tag for value in values for part in re.split(r"[,;]", value) if (tag := fold_text(part))
    ]


def _image(page: Page) -> str | None:
    values = [
        *page.meta_values(_IMAGE_KEYS[:2]),
        *strings(page.ld_value("image"), keys=("url", "contentUrl", "@id")),
        *page.meta_values(_IMAGE_KEYS[2:]),
    ]
    values.extend(page.scan.links.get("image_src", ()))
    return next((url for url in (_absolute(v, page.url) for v in values) if url), None)


def _canonical(page: Page) -> str | None:
    values = [
        *page.scan.links.get("canonical", ()),
        *page.meta_values(("og:url",)),
        *strings(page.ld_value("url")),
    ]
    return next((url for url in (_absolute(v, page.url) for v in values) if url), None)


def _absolute(value: str | None, base: str | None) -> str | None:
    value = (value or "").strip()
    if not value or value.startswith(("data:", "javascript:")):
        return None
    if not base or value.startswith(("https://", "http://")):
        return value  # already absolute (urljoin would only re-parse it)
    try:
        return urljoin(base, value)
    except ValueError:  # "//[::1/a": not a URL
        return None


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # an archive's address wrapping "https://[::1/a"
        return ""


def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return tuple(seen.values())
