"""JSON-LD for the metadata stage: tolerant parsing and the choice of the article object.

Pages embed schema.org data as JSON that is often broken (trailing commas, raw control
characters, HTML comments, CDATA wrappers); a script that stays unreadable after repair
is skipped, since it says nothing about the article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "techarticle",
        "scholarlyarticle",
        "report",
        "medicalscholarlyarticle",
        "advertisertcontentarticle",
        "satiricalarticle",
        "posting",
        "discussionforumposting",
        "review",
        "videoobject",
        "recipe",
        "howto",
        "creativework",
    }
)
PAGE_TYPES = frozenset(
    {"webpage", "itempage", "aboutpage", "collectionpage", "profilepage", "qapage", "faqpage"}
)
SITE_TYPES = frozenset({"website", "organization", "newsmediaorganization", "corporation"})

_COMMENT = re.compile(r"<!--|-->|<!\[CDATA\[|\]\]>|^\s*//.*$", re.MULTILINE)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SCRIPTS = 'script[type="application/ld+json" i]'


@dataclass(frozen=True, slots=True)
class LinkedData:
    """The schema.org objects of a page that matter for metadata."""

    article: Mapping[str, Any] | None = None  # the article (or, failing that, the web page)
    site_names: tuple[str, ...] = ()  # names of the publisher, website and organisations
    by_id: Mapping[str, Mapping[str, Any]] | None = None  # "@id" -> object, for references


def read_linked_data(tree: LexborHTMLParser) -> LinkedData:
    """The page's JSON-LD, every script parsed once, the article object chosen."""
    return linked_data(script.text(deep=True) for script in tree.css(_SCRIPTS))


def linked_data(scripts: Iterable[str]) -> LinkedData:
    """The JSON-LD of these script bodies, each parsed once, the article object chosen."""
    objects: list[Mapping[str, Any]] = []
    for text in scripts:
        data = loads_lenient(text)
        if data is not None:
            objects.extend(_flatten(data))
    by_id = {str(obj["@id"]): obj for obj in objects if isinstance(obj.get("@id"), str)}
    article = (
        _choose(objects, ARTICLE_TYPES) or _main_entity(objects) or _choose(objects, PAGE_TYPES)
    )
    return LinkedData(article=article, site_names=_site_names(objects, article), by_id=by_id)


def loads_lenient(text: str) -> Any:
    """JSON from a script body, repaired when broken; None when it stays unreadable or
    nests deeper than MAX_DEPTH (real JSON-LD nests a dozen levels; the walks over it
    recurse)."""
    text = text.strip()
    if not text:
        return None
    try:
        return _shallow(json.loads(text, strict=False))
    except (ValueError, RecursionError):
        pass
    repaired = _TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", _COMMENT.sub("", text))).strip()
    try:
        return _shallow(json.loads(repaired, strict=False))
    except (ValueError, RecursionError):
        return _first_value(repaired)


def _first_value(text: str) -> Any:
    """The first complete JSON value, for scripts that hold several or trailing junk."""
    try:
        value, _ = json.JSONDecoder(strict=False).raw_decode(text)
    except (ValueError, RecursionError):
        return None
    return _shallow(value)


MAX_DEPTH = 64


def _shallow(value: Any) -> Any:
    """The value, or None when its lists and objects nest deeper than MAX_DEPTH
    (measured without recursion)."""
    level: list[Any] = [value]
    for _ in range(MAX_DEPTH + 1):
        level = [
            inner
            for item in level
            if isinstance(item, (dict, list))
            for inner in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return value
    return None


def _flatten(data: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _flatten(graph)


def types_of(obj: Mapping[str, Any]) -> frozenset[str]:
    """The object's @type values, lower case, without any schema.org prefix."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return frozenset(str(v).rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str))


def _choose(objects: list[Mapping[str, Any]], wanted: frozenset[str]) -> Mapping[str, Any] | None:
    matches = [obj for obj in objects if types_of(obj) & wanted]
    if not matches:
        return None
    # The object with a headline and a date is the article; listings have neither.
    return max(matches, key=lambda obj: ("headline" in obj) + ("datePublished" in obj))


def _main_entity(objects: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    for obj in objects:
        entity = obj.get("mainEntity")
        if isinstance(entity, dict) and types_of(entity) & ARTICLE_TYPES:
            return entity
    return None


def _site_names(
    objects: list[Mapping[str, Any]], article: Mapping[str, Any] | None
) -> tuple[str, ...]:
    names: list[str] = []
    publisher = article.get("publisher") if article else None
    for pub in publisher if isinstance(publisher, list) else [publisher]:
        if isinstance(pub, dict) and isinstance(pub.get("name"), str):
            names.append(pub["name"])
    names.extend(
        obj["name"]
        for obj in objects
        if types_of(obj) & SITE_TYPES and isinstance(obj.get("name"), str)
    )
    return tuple(dict.fromkeys(name.strip() for name in names if name.strip()))


def resolve(value: Any, by_id: Mapping[str, Mapping[str, Any]] | None) -> Any:
    """An {"@id": ...} reference replaced by the object it names, when the page has it."""
    if isinstance(value, dict) and by_id and set(value) <= {"@id", "@type"}:
        return by_id.get(str(value.get("@id")), value)
    return value


def strings(value: Any, *, keys: tuple[str, ...] = ("name",)) -> list[str]:
    """The strings in a JSON-LD value: a string, an object (its first key found), or a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item, keys=keys)]
    if isinstance(value, dict):
        for key in keys:
            if key in value:
                return strings(value[key], keys=keys)
    return []
