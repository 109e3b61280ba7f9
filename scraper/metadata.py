"""Metadata stage: title, authors, dates, site, description, language, tags, image.

Every source is read once with CSS selectors: JSON-LD, OpenGraph and Twitter cards, the
standard meta tags (Dublin Core, Parse.ly, Sailthru, citation_*), <link rel=canonical>,
<html lang>, <time>, microdata and the visible byline, <title> and <h1>. The tree is never
modified. Site rules may name selectors per field; they are tried before the generic logic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from scraper.authors import (
    byline_names,
    clean_authors,
    dated_names,
    is_full_name,
    labelled_names,
)
from scraper.dates import parse_date
from scraper.jsonld import linked_data, resolve, strings
from scraper.metadates import _date, _date_modified
from scraper.metapage import (
    _SITE_KEYS,
    Page,
    _fold,
    _h1_node,
    _lines,
    _listed,
    _near_heading,
    _text,
    own_url,
)
from scraper.metascan import in_comments, scan
from scraper.metatitle import _title
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
_AUTHOR_KEYS = (
    "dc:creator",
    "dcterms:creator",
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "citation_author",
    "byl",
    "byline",
    "og:article:author",
    "article:author_name",
    "cxenseparse:author",
)
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
# Visible bylines: one pass, then ranked by how surely the markup names an author.
_BYLINE_CSS = "[rel=author], [class*=byline i], [class*=author i], [class*=autor i]"
_MAX_BYLINE_NODES = 40
_LEGAL_FORM = re.compile(
    r"\b(?:e\.\s?V|GmbH|AG|SE|Inc|Ltd|LLC|S\.A|S\.L|S\.p\.A|B\.V|N\.V|Corp|KG|AB|ASA|Oy)\b\.?"
)
_GENERIC_SECOND_LEVEL = frozenset(("com", "co", "org", "net", "gov", "ac", "or", "ne", "gv"))
_BYLINE_ANCESTORS = 3  # levels up two byline nodes may meet and still be one byline
_PAGE_BYLINE_AFTER = 60_000  # characters of page text read for a byline from the heading on
_PAGE_BYLINE_BEFORE = 3_000  # and before it
_PAGE_BYLINE_DATED = 10_000  # after it, for a "<date> - <name>" line
_LANG = re.compile(r"^[a-zA-Z]{2,3}(?=$|[-_])")
_MAX_BYLINE = 200
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
        host=urlsplit(own_url(doc.url or "")).hostname or "",
    )
    found = _from_selectors(page, selectors or {})
    site_name = _single(found, "site_name") or _site_name(page)
    return Metadata(
        title=_single(found, "title", _fold) or _title(page, site_name),
        authors=_authors(found.get("authors"), page, site_name),
        date=_single(found, "date", parse_date) or _date(page),
        date_modified=_single(found, "date_modified", parse_date) or _date_modified(page),
        site_name=site_name,
        description=(
            _single(found, "description", _fold)
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
            node.attributes.get(selector.attr) if selector.attr else _text(node)
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
            for item in _listed(obj.get(key))
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


def _authors(from_rule: list[str] | None, page: Page, site_name: str | None) -> tuple[str, ...]:
    # A person the JSON-LD names as the author is one even when the site is named after
    # them (a personal blog lists its owner as the publisher too).
    people = {name.casefold() for name in _ld_person_names(page)}
    sites = [name for name in page.ld.site_names if name.casefold() not in people]
    unwanted = [site_name or "", *sites, page.host.removeprefix("www.")]
    if from_rule:
        # A site name beside other names is the publisher crediting a source; a rule's
        # selector naming the site alone names it as the author, on purpose.
        names = clean_authors(from_rule, site_names=unwanted) or clean_authors(from_rule)
        if names:
            return names
    found = (clean_authors(values, site_names=unwanted) for values in _person_sources(page))
    names = _first_person(found, _host_label(page.host))
    if names and not any(" " in name for name in names):
        names = _fuller(names, found)
    # No person named anywhere: the newsroom the page itself declares as the author.
    return names or clean_authors(_declared_authors(page))


def _first_person(found: Iterator[tuple[str, ...]], host_label: str) -> tuple[str, ...]:
    """The first names found that are not all the newsroom's (its name, its company);
    those when no person follows. After the newsroom, only names written as full names
    count (weaker sources hold menus and labels too)."""
    newsroom: tuple[str, ...] = ()
    for names in found:
        if not names:
            continue
        if all(_is_newsroom(name, host_label) for name in names):
            newsroom = newsroom or names
        elif not newsroom or all(is_full_name(name) for name in names):
            return names
    return newsroom


def _is_newsroom(name: str, host_label: str) -> bool:
    """A company ("Web Commerce GmbH") or the site under its own name ("Die FURCHE" on
    furche.at, "NTV" on ntv.com.tr)."""
    if _LEGAL_FORM.search(name):
        return True
    squashed = _squashed(name)
    return (
        len(host_label) >= 3
        and len(squashed) >= 3
        and (host_label in squashed or squashed in host_label)
    )


def _host_label(host: str) -> str:
    """The name part of a host: "furche" of www.furche.at, "ntv" of www.ntv.com.tr."""
    labels = [label for label in host.casefold().split(".") if label != "www"][:-1]
    while len(labels) > 1 and labels[-1] in _GENERIC_SECOND_LEVEL:
        labels.pop()
    return _squashed(labels[-1]) if labels else ""


def _person_sources(page: Page) -> Iterator[list[str]]:
    """Author candidates, the surest first. A newsroom the JSON-LD types as the author
    outranks a byline found only in the page's text (that one may be a teaser's)."""
    yield from _author_sources(page)
    if not _ld_organization(page):
        yield _page_byline(page)


def _fuller(names: tuple[str, ...], later: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """Lone first names or user names ("Nils", "robert.stitz") replaced by the full name a
    later source gives ("Nils Pickert", "Robert Stitz")."""
    full: dict[str, str] = {}
    for name in (name for found in later for name in found if is_full_name(name)):
        full.setdefault(name.split()[0].casefold(), name)
        full.setdefault(_squashed(name), name)
    return tuple(full.get(name.casefold()) or full.get(_squashed(name)) or name for name in names)


def _squashed(name: str) -> str:
    return "".join(char for char in name.casefold() if char.isalpha())


def _ld_person_names(page: Page) -> list[str]:
    authors = [resolve(item, page.ld.by_id) for item in _listed(page.ld_value("author"))]
    return [
        name
        for item in authors
        if isinstance(item, dict) and "person" in str(item.get("@type", "")).lower()
        for name in strings(item.get("name"))
    ]


def _ld_organization(page: Page) -> bool:
    authors = [resolve(item, page.ld.by_id) for item in _listed(page.ld_value("author"))]
    return any(
        isinstance(item, dict) and "organization" in str(item.get("@type", "")).lower()
        for item in authors
    )


def _declared_authors(page: Page) -> list[str]:
    people = _ld_people(page.ld_value("author"), page)
    return people or [v for v in page.meta_values(("author",)) if not _is_url(v)]


def _author_sources(page: Page) -> Iterable[list[str]]:
    yield _ld_people(page.ld_value("author"), page) + _ld_people(page.ld_value("creator"), page)
    yield _first_meta_authors(page)
    yield _texts(_microdata_names(page.scan.itemprops.get("author", ())))
    yield from _bylines(page.tree)
    window = _near_heading(page, with_heading=False)
    yield byline_names(window) if window else []


def _page_byline(page: Page) -> list[str]:
    """A byline set on its own line anywhere in the page ("Von:" then the name), the
    page heading on first (teasers and menus before it bylines of other pages)."""
    body = page.tree.body
    if body is None:
        return []
    text = _lines(body)
    heading = _h1_node(page.scan)
    start = max(text.find(_lines(heading)), 0) if heading is not None else 0
    return (
        labelled_names(text[start : start + _PAGE_BYLINE_AFTER])
        or labelled_names(text[max(start - _PAGE_BYLINE_BEFORE, 0) : start])
        or dated_names(text[max(start - _PAGE_BYLINE_BEFORE, 0) : start + _PAGE_BYLINE_DATED])
    )


def _first_meta_authors(page: Page) -> list[str]:
    """The author values of the most trusted meta key that has some: keys repeat one
    another ("author" and "dc.creator" the same name, spelled two ways)."""
    for key in _AUTHOR_KEYS:
        values = [v for v in page.meta.get(key, ()) if not _is_url(v) and not _names_host(v, page)]
        if values:
            return values
    return []


def _names_host(value: str, page: Page) -> bool:
    """An author value that spells out the page's own host ("Deutsche Welle (www.dw.com)")
    names the site: the declared newsroom, tried after every person."""
    host = page.host.removeprefix("www.")
    return bool(host) and host in value.casefold()


def _microdata_names(nodes: Sequence[LexborNode]) -> list[LexborNode]:
    """Each itemprop=author node's itemprop=name inside it, else the node itself."""
    return [node.css_first("[itemprop=name]") or node for node in nodes[:4]]


def _bylines(tree: LexborHTMLParser) -> Iterable[list[str]]:
    """Visible bylines, the surest markup first: rel=author, class byline/author (the links
    inside before the whole element), outside comment threads and forms."""
    ranked: dict[int, list[LexborNode]] = {}
    for node in tree.css(_BYLINE_CSS)[:_MAX_BYLINE_NODES]:
        rank = _byline_rank(node.attributes)
        if len(ranked.get(rank, ())) < 4 and not in_comments(node):
            ranked.setdefault(rank, []).append(node)
    for rank in sorted(ranked):
        nodes = [_vcard_name(node) for node in _one_byline(ranked[rank])]
        if rank >= 5:
            yield _texts([link for node in nodes for link in node.css("a")[:2]])
        yield _texts(nodes)


def _one_byline(nodes: list[LexborNode]) -> list[LexborNode]:
    """The first byline node and those beside it (a shared ancestor a few levels up): a
    byline further away belongs to a teaser or a related article."""
    near = {id_ for id_ in _ancestor_ids(nodes[0])}
    return [nodes[0], *(node for node in nodes[1:] if near & _ancestor_ids(node))]


def _ancestor_ids(node: LexborNode) -> set[int]:
    ids: set[int] = set()
    parent = node.parent
    for _ in range(_BYLINE_ANCESTORS):
        if parent is None or parent.tag in ("body", "html"):
            break
        ids.add(parent.mem_id)
        parent = parent.parent
    return ids


def _vcard_name(node: LexborNode) -> LexborNode:
    """The formatted name (.fn) of an hCard byline, else the node."""
    if "vcard" in (node.attributes.get("class") or ""):
        return node.css_first(".fn") or node
    return node


def _byline_rank(attrs: Mapping[str, str | None]) -> int:
    if (attrs.get("rel") or "").lower() == "author":
        return 0
    classes = (attrs.get("class") or "").lower()
    tokens = classes.split()
    if "byline" in tokens:
        return 1
    if "author" in tokens:
        return 2
    if "byline" in classes:
        return 3
    if "author-name" in classes or "authorname" in classes:
        return 4
    return 5 if "author" in classes else 6


def _texts(nodes: Iterable[LexborNode]) -> list[str]:
    texts = (_text(node) for node in nodes)
    return [text for text in texts if text and len(text) <= _MAX_BYLINE]


def _ld_people(value: Any, page: Page) -> list[str]:
    """The names of JSON-LD authors, {"@id"} references in a list followed too."""
    names: list[str] = []
    for item in (resolve(item, page.ld.by_id) for item in _listed(value)):
        if isinstance(item, dict) and "organization" in str(item.get("@type", "")).lower():
            names.extend(
                strings(item.get("name"))
            )  # an agency as author; the site is dropped later
        else:
            names.extend(s for s in strings(item) if not _is_url(s))
    return names


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "//", "www.")) or (
        "/" in value and " " not in value.strip()
    )


def _site_name(page: Page) -> str | None:
    for value in [
        *page.meta_values(_SITE_KEYS[:1]),
        *page.ld.site_names,
        *page.meta_values(_SITE_KEYS[1:]),
    ]:
        name = _fold(value)
        if name:
            return name
    return None


def _description(page: Page) -> str | None:
    values = [
        *page.meta_values(_DESCRIPTION_KEYS[:2]),
        *strings(page.ld_value("description")),
        *page.meta_values(_DESCRIPTION_KEYS[2:]),
    ]
    return next((text for text in map(_fold, values) if text), None)


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
    return [tag for value in values for part in re.split(r"[,;]", value) if (tag := _fold(part))]


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
    return urljoin(base, value)


def _dedupe(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return tuple(seen.values())
