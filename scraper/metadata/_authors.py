"""Authors: the page-level search for the people who wrote the article.

A site rule's selectors come first. Then, the surest first: the JSON-LD author and
creator (people, or an agency named as the author), the most trusted author meta key,
microdata itemprop=author, visible bylines (rel=author, then class byline, then class
author; links inside before the whole element; never in comment threads), the byline
written next to the page heading, and last a labelled byline ("Von:", "By") anywhere
from the heading on, unless the JSON-LD types the author as an organization. Names that
are all the newsroom's (its company, the site under its own name) give way to a person
found later; lone first names are completed from a later source; with no person at all,
the newsroom the page declares as its author. Cleaning and splitting of name strings is
_author_names's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.metadata._author_names import (
    byline_names,
    clean_authors,
    dated_names,
    is_full_name,
    labelled_names,
)
from scraper.metadata._jsonld import resolve, strings
from scraper.metadata._page import Page, h1_node, listed, near_heading, node_text, text_lines
from scraper.metadata._scan import in_comments
from scraper.parse import ancestors_in_body

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
_MAX_BYLINE = 200


def find_authors(from_rule: list[str] | None, page: Page, site_name: str | None) -> tuple[str, ...]:
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
    authors = [resolve(item, page.ld.by_id) for item in listed(page.ld_value("author"))]
    return [
        name
        for item in authors
        if isinstance(item, dict) and "person" in str(item.get("@type", "")).lower()
        for name in strings(item.get("name"))
    ]


def _ld_organization(page: Page) -> bool:
    authors = [resolve(item, page.ld.by_id) for item in listed(page.ld_value("author"))]
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
    window = near_heading(page, with_heading=False)
    yield byline_names(window) if window else []


def _page_byline(page: Page) -> list[str]:
    """A byline set on its own line anywhere in the page ("Von:" then the name), the
    page heading on first (teasers and menus before it bylines of other pages)."""
    body = page.tree.body
    if body is None:
        return []
    text = text_lines(body)
    heading = h1_node(page.scan)
    start = max(text.find(text_lines(heading)), 0) if heading is not None else 0
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
    near = _ancestor_ids(nodes[0])
    return [nodes[0], *(node for node in nodes[1:] if near & _ancestor_ids(node))]


def _ancestor_ids(node: LexborNode) -> set[int]:
    return {above.mem_id for above in ancestors_in_body(node, limit=_BYLINE_ANCESTORS)}


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
    texts = (node_text(node) for node in nodes)
    return [text for text in texts if text and len(text) <= _MAX_BYLINE]


def _ld_people(value: Any, page: Page) -> list[str]:
    """The names of JSON-LD authors, {"@id"} references in a list followed too."""
    names: list[str] = []
    for item in (resolve(item, page.ld.by_id) for item in listed(value)):
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
