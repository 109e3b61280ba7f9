"""Dates: the day the article was published, and the day it was last modified.

Published, the surest first: the JSON-LD datePublished (or dateCreated), the date meta
keys, then other meta keys named after a publication date. A declared UTC timestamp is
read as the site's readers see it (the local time a <time> element or meta tag gives the
same moment, or the day printed by the heading when a time zone explains the difference),
and a date the page prints by its heading replaces a declared one it shows its readers
instead (a republished page). With nothing declared: <time pubdate>, microdata
datePublished, the <time datetime> in the article, a date in the URL, elements named after
dates, a date written around the heading, a date in og:title or <title>, and last the first
date written in a short line of the page's text. Modified: the JSON-LD dateModified, the
modified meta keys, microdata dateModified. Parsing date strings is _date_strings's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from itertools import chain, islice
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.metadata._date_strings import earliest_date, parse_date, written_days
from scraper.metadata._jsonld import strings
from scraper.metadata._page import TITLE_KEYS, Page, heading_blocks, node_text, place_rank
from scraper.metadata._scan import Scan

# Meta keys (name/property/itemprop/http-equiv, lower case) in order of trust, per field.
_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date.created",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "article:published",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "og:published_time",
    "published_time",
    "article.published",
    "displaydate",
    "dc.date.published",
    "cxenseparse:recs:publishtime",
)
_MODIFIED_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "lastmod",
    "article:modified",
)
# <time datetime> elements by where they sit: in the article, its header, <main>, anywhere.
_TIME_PLACES = ("article", "header", "main")
# Visible dates, when nothing machine-readable is given: the elements sites name after dates.
_VISIBLE_DATE_SELECTORS = (
    "[class*=date i]",
    "[class*=datum]",
    "[class*=time]",
    "[class*=publish]",
    "[id*=date]",
    "[class*=meta]",
    "[class*=byline]",
    "[class*=info]",
)
_DATE_KEY = re.compile(r"date|publi|creat|issued")
_NOT_PUBLISHED = re.compile(r"modif|updat|expir|valid|revis|review|birth|change|event|end|start")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]?([01]\d)[/-]?([0-3]\d)(?:/|[^\d])")
_MAX_DATE_TEXT = 120
_DATED_BLOCK_LEVELS = 3  # blocks enclosing the heading looked at for a date element
_UTC = ("+00:00",)
_SAME_MOMENT = timedelta(minutes=5)
_ONE_DAY = timedelta(days=1)
_MAX_ZONE = timedelta(hours=14)
_QUARTER_HOUR = timedelta(minutes=15)
_EVENING_HOUR = 18  # a timestamp from which the next day's edition is printed
_EAST_HOUR, _WEST_HOUR = 14, 10  # UTC hours from which local midnight can have passed
_MIN_DATE_LINE = 6
_NOT_TEXT = "script, style, noscript, template, textarea, select, footer"
_DIGIT = re.compile(r"\d")
_COPYRIGHT = re.compile(r"©|\(c\)|copyright", re.IGNORECASE)


def find_date(page: Page) -> str | None:
    ld = page.ld_value("datePublished") or page.ld_value("dateCreated")
    declared = _first_date(chain(strings(ld), page.meta_values(_DATE_KEYS), _other_date_meta(page)))
    if declared:
        day = _utc_day(declared, page) if declared.endswith(_UTC) else declared
        return _printed_date(page, declared=day) or day
    return (
        _first_date(_time_values(page.scan))
        or _url_date(page.url)
        or _first_date(_visible_dates(page.tree))
        or _date_near_heading(page)
        or _first_date(
            page.meta_values(TITLE_KEYS[:1]) + ([page.scan.title] if page.scan.title else [])
        )
        or _first_written_date(page.tree)
    )


def _printed_date(page: Page, *, declared: str) -> str | None:
    """The date the page prints by its heading, when an element named after dates there
    prints it too and the declared date is another day: the page shows its readers the
    day it went out again (updated, moved from an archive), and that is the date it gives.
    Not when the page prints the declared day too, when the printed day is the declared
    one read month first (03/11 for 11/03), or the morning after an evening timestamp."""
    found = next(_dated_blocks(page), None)
    if found is None or found[1][:10] == declared[:10]:
        return None  # most pages: the declared day, or nothing printed (no text search)
    window, visible = found
    shown = earliest_date(window) or ""
    if shown[:10] != visible[:10] or _swapped(shown, declared):
        return None
    if _next_morning(shown, declared) or declared[:10] in written_days(window):
        return None
    return shown


def _dated_blocks(page: Page) -> Iterator[tuple[str, str]]:
    """The text around the heading of the nearest blocks enclosing it that hold an element
    named after dates, with that element's date (elements only: no search of the text)."""
    for block, window in islice(heading_blocks(page), _DATED_BLOCK_LEVELS):
        visible = _first_date(_visible_dates(block))
        if visible:
            yield window, visible


def _next_morning(shown: str, declared: str) -> bool:
    """Whether `shown` is the day after an evening timestamp: the next morning's print
    edition, or the same moment in a time zone further east, not another date."""
    if "T" not in declared:
        return False
    evening = datetime.fromisoformat(declared)
    next_day = date.fromisoformat(shown[:10]) - evening.date() == _ONE_DAY
    return next_day and evening.hour >= _EVENING_HOUR


def _swapped(one: str, other: str) -> bool:
    """Whether two ISO days are the same year with day and month exchanged."""
    return one[:4] == other[:4] and one[5:7] == other[8:10] and one[8:10] == other[5:7]


def _utc_day(utc: str, page: Page) -> str:
    """A UTC timestamp as the site's readers see it: the same moment in the local time of
    the page's <time> element, else the day the page prints near its heading when that is
    the day before or after and a time zone can explain it (late-evening news in the
    Americas, midnight in Europe)."""
    local = _in_local_time(utc, page)
    if local != utc:
        return local
    shown = _date_near_heading(page) or _first_date(_visible_dates(page.tree))
    return shown if shown and _same_moment_elsewhere(utc, shown) else utc


def _same_moment_elsewhere(utc: str, shown: str) -> bool:
    """Whether `shown`, a day before or after the UTC timestamp, can be the same moment in
    some time zone: with a time, off by whole quarter hours within 14 hours; with a day
    only, the UTC hour leaves room for it (after 14:00 for the next day, before 10:00 for
    the day before)."""
    moment = datetime.fromisoformat(utc)
    shift = date.fromisoformat(shown[:10]) - moment.date()
    if abs(shift) != _ONE_DAY:
        return False
    if "T" in shown:
        minute = moment.replace(tzinfo=None, second=0, microsecond=0)  # pages print minutes
        offset = datetime.fromisoformat(shown).replace(tzinfo=None, second=0) - minute
        return abs(offset) <= _MAX_ZONE and offset % _QUARTER_HOUR == timedelta(0)
    return moment.hour >= _EAST_HOUR if shift > timedelta(0) else moment.hour < _WEST_HOUR


def _first_written_date(tree: LexborHTMLParser) -> str | None:
    """Last resort: the first date written in a short line of the page's text (outside
    scripts, forms, footers and copyright notices), as a reader scanning the page finds it."""
    root = tree.body
    if root is None:
        return None
    code = {line for node in root.css(_NOT_TEXT) for line in node.text().splitlines()}
    lines = [
        line
        for line in root.text(separator="\n").splitlines()
        if _MIN_DATE_LINE <= len(line) <= _MAX_DATE_TEXT
        and line not in code
        and _DIGIT.search(line)
        and not _COPYRIGHT.search(line)
    ]
    return earliest_date("\n".join(lines))  # one pass of each pattern over the page


def _in_local_time(utc: str, page: Page) -> str:
    """A UTC timestamp, or the same moment as the page's <time> element or a date meta tag
    writes it in local time (2022-05-04T03:37Z is 2022-05-03 23:37 -04:00: the site's day
    is the 3rd)."""
    moment = datetime.fromisoformat(utc)
    stamps = [node.attributes.get("datetime") or "" for node in page.scan.times[:10]]
    for stamp in chain(stamps, page.meta_values(_DATE_KEYS)):
        local = parse_date(stamp)
        if not local or "T" not in local or local.endswith(_UTC):
            continue
        when = datetime.fromisoformat(local)
        if when.tzinfo is not None and abs(when - moment) <= _SAME_MOMENT:
            return local
    return utc


def _other_date_meta(page: Page) -> list[str]:
    """Meta tags named after a publication date that no list foresaw (publication_date...)."""
    keys = [key for key in page.meta if _DATE_KEY.search(key) and not _NOT_PUBLISHED.search(key)]
    return page.meta_values(keys)


def _url_date(url: str | None) -> str | None:
    match = _URL_DATE.search(urlsplit(url).path + "/") if url else None
    return parse_date("-".join(match.groups())) if match else None


def _visible_dates(tree: LexborHTMLParser | LexborNode) -> Iterable[str]:
    for node in tree.css(", ".join(_VISIBLE_DATE_SELECTORS))[:30]:
        text = node_text(node)
        if text and len(text) <= _MAX_DATE_TEXT:
            yield text


def _date_near_heading(page: Page) -> str | None:
    """A date written in the text around the page heading ("Pressemitteilung vom 25. Januar
    2022", "1. Februar 2022, Jane Doe"): the nearest block around it that holds one."""
    return next((day for _, day in _dated_windows(page)), None)


def _dated_windows(page: Page) -> Iterator[tuple[str, str]]:
    """The text around the heading of the blocks enclosing it that hold a date, with
    their first date (a wider block whose text is the same is not read again)."""
    seen = ""
    for _, window in heading_blocks(page):
        day = earliest_date(window) if window != seen else None
        seen = window
        if day:
            yield window, day


def find_date_modified(page: Page) -> str | None:
    ld = page.ld_value("dateModified")
    extra = [_stamp(node) for node in page.scan.itemprops.get("datemodified", ())[:1]]
    return _first_date([*strings(ld), *page.meta_values(_MODIFIED_KEYS), *extra])


def _time_values(found: Scan) -> Iterable[str]:
    """<time pubdate>, microdata datePublished, then <time datetime> by where it sits."""
    yield from (_stamp(node) for node in found.times if "pubdate" in node.attributes)
    yield from (_stamp(node) for node in found.itemprops.get("datepublished", ()))
    stamped = [node for node in found.times[:10] if node.attributes.get("datetime")]
    ranked = sorted(stamped, key=lambda node: place_rank(node, _TIME_PLACES))
    yield from (_stamp(node) for node in ranked[:1])


def _stamp(node: LexborNode) -> str:
    attrs = node.attributes
    return attrs.get("datetime") or attrs.get("content") or node_text(node)


def _first_date(values: Iterable[str]) -> str | None:
    for value in values:
        parsed = parse_date(value)
        if parsed:
            return parsed
    return None
