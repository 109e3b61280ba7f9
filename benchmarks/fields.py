"""Metadata comparison: is an extracted field the expected one, after normalising both?"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from benchmarks.corpus import Expected
from benchmarks.extractors import Output

SPACE = re.compile(r"\s+")
DAY = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})")
BYLINE = re.compile(r"^(?:by|von|par|por|di|door|av|af)\s+", re.I)
# Joiners between names, in every language of the corpus: a list written as one string
# ("Jane Doe und John Roe", "A, B & C") is the same list of names, on either side.
JOINER = re.compile(r"\s*(?:[;,&]|\s(?:and|und|et|y|e|en|og|och|i|ve|и)\s)\s*", re.I)
EDGE_PUNCTUATION = " \t\n,;:.|/-–—·•"  # noqa: RUF001


def folded(value: str | None) -> str:
    """NFKC, whitespace folded, casefolded."""
    return SPACE.sub(" ", unicodedata.normalize("NFKC", value or "")).strip().casefold()


def name_key(name: str) -> str:
    return BYLINE.sub("", folded(name)).strip(EDGE_PUNCTUATION)


def day_of(value: str | None) -> dt.date | None:
    """The calendar day a date string names, as written (no time-zone conversion)."""
    if not value:
        return None
    match = DAY.search(value)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
    return parsed_day(value)


def parsed_day(value: str) -> dt.date | None:
    """A free-form date ("Tue, 29 Jan 2019 10:00 GMT"), when dateutil is installed."""
    try:
        from dateutil import parser  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        return None
    try:
        day: dt.date = parser.parse(value).date()
    except (ValueError, OverflowError, TypeError):
        return None
    return day


def language_key(value: str | None) -> str:
    return folded(value).replace("_", "-").split("-")[0]


def same_text(want: str | None, got: str | None) -> bool:
    return folded(want) == folded(got)


def name_keys(names: tuple[str, ...]) -> set[str]:
    """The names, each split at list joiners and normalised, as a set."""
    return {name_key(part) for name in names for part in JOINER.split(name)} - {""}


def same_authors(want: tuple[str, ...], got: tuple[str, ...]) -> bool:
    return name_keys(want) == name_keys(got)


def same_day(want: str | None, got: str | None) -> bool:
    day = day_of(want)
    return day is not None and day == day_of(got)


def same_language(want: str | None, got: str | None) -> bool:
    return language_key(want) == language_key(got)


Check = Callable[[Expected, Output], bool]
CHECKS: dict[str, tuple[Callable[[Expected], bool], Check]] = {
    "title": (lambda e: bool(e.title), lambda e, o: same_text(e.title, o.title)),
    "authors": (lambda e: bool(e.authors), lambda e, o: same_authors(e.authors, o.authors)),
    "date": (lambda e: day_of(e.date) is not None, lambda e, o: same_day(e.date, o.date)),
    "site_name": (lambda e: bool(e.site_name), lambda e, o: same_text(e.site_name, o.site_name)),
    "description": (
        lambda e: bool(e.description),
        lambda e, o: same_text(e.description, o.description),
    ),
    "language": (lambda e: bool(e.language), lambda e, o: same_language(e.language, o.language)),
}


def judge(expected: Expected, output: Output, *, fields: frozenset[str]) -> dict[str, bool]:
    """Right (True) or wrong (False) for each field that has an expected value and that
    the extractor tries to give; the others are left out."""
    return {
        name: check(expected, output)
        for name, (applies, check) in CHECKS.items()
        if name in fields and applies(expected)
    }
