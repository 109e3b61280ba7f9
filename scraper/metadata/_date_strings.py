"""A small, fast date parser for the formats pages put in their metadata and bylines.

`parse_date` turns one date string into ISO 8601: `2024-08-28T14:03:00+00:00` when the time
(and zone) is known, `2024-08-28` otherwise. It returns None for text holding no recognisable
date; it never guesses today's date. Regexes only, no third-party dependency.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

# Month names and abbreviations in the languages most news pages are written in.
_MONTH_NAMES: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            "january",
            "jan",
            "januar",
            "jänner",
            "janvier",
            "janv",
            "enero",
            "ene",
            "gennaio",
            "januari",
            "janeiro",
            "styczeń",
            "stycznia",
            "января",
            "январь",
            "січня",
        ),
    ),
    (
        2,
        (
            "february",
            "feb",
            "februar",
            "feber",
            "février",
            "fevrier",
            "févr",
            "fev",
            "febrero",
            "febbraio",
            "februari",
            "fevereiro",
            "lutego",
            "февраля",
            "февраль",
            "лютого",
        ),
    ),
    (
        3,
        (
            "march",
            "mar",
            "märz",
            "maerz",
            "mär",
            "mars",
            "marzo",
            "maart",
            "março",
            "marco",
            "marca",
            "марта",
            "март",
            "березня",
        ),
    ),
    (
        4,
        (
            "april",
            "apr",
            "avril",
            "avr",
            "abril",
            "abr",
            "aprile",
            "kwietnia",
            "апреля",
            "апрель",
            "квітня",
        ),
    ),
    (5, ("may", "mai", "mayo", "maggio", "mei", "maio", "maja", "мая", "май", "травня")),
    (
        6,
        (
            "june",
            "jun",
            "juni",
            "juin",
            "junio",
            "giugno",
            "junho",
            "czerwca",
            "июня",
            "июнь",
            "червня",
        ),
    ),
    (
        7,
        (
            "july",
            "jul",
            "juli",
            "juillet",
            "juil",
            "julio",
            "luglio",
            "julho",
            "lipca",
            "июля",
            "июль",
            "липня",
        ),
    ),
    (
        8,
        (
            "august",
            "aug",
            "août",
            "aout",
            "agosto",
            "ago",
            "augustus",
            "sierpnia",
            "августа",
            "август",
            "серпня",
        ),
    ),
    (
        9,
        (
            "september",
            "sep",
            "sept",
            "septembre",
            "septiembre",
            "settembre",
            "setembro",
            "set",
            "września",
            "сентября",
            "сентябрь",
            "вересня",
        ),
    ),
    (
        10,
        (
            "october",
            "oct",
            "oktober",
            "okt",
            "octobre",
            "octubre",
            "ottobre",
            "outubro",
            "out",
            "października",
            "октября",
            "октябрь",
            "жовтня",
        ),
    ),
    (
        11,
        (
            "november",
            "nov",
            "novembre",
            "noviembre",
            "novembro",
            "listopada",
            "ноября",
            "ноябрь",
            "листопада",
        ),
    ),
    (
        12,
        (
            "december",
            "dec",
            "dezember",
            "dez",
            "décembre",
            "decembre",
            "déc",
            "diciembre",
            "dic",
            "dicembre",
            "desember",
            "dezembro",
            "grudnia",
            "декабря",
            "декабрь",
            "грудня",
        ),
    ),
)
MONTHS: dict[str, int] = {name: num for num, names in _MONTH_NAMES for name in names}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))

_TIME = (
    r"(?:[T\s,]+(?:um\s+|à\s+|at\s+|a\s+las\s+)?(?P<H>\d{1,2})[:h.](?P<M>\d{2})"
    r"(?::(?P<S>\d{2})(?:[.,]\d+)?)?\s*(?P<ampm>[ap]\.?m\.?)?(?:\s*Uhr|\s*h)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2}(?![\d]))?)?"
)
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T\s](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?"
)
_COMPACT = re.compile(
    r"^(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?:T?(?P<H>\d{2})(?P<M>\d{2}))?$"
)
_YMD_SLASH = re.compile(r"(?<!\d)(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})(?!\d)" + _TIME)
_DMY_NUM = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)" + _TIME
)
_DMY_NAME = re.compile(
    r"(?<![\w])(?P<d>\d{1,2})(?:st|nd|rd|th|er|º|\.)?\s*(?:de\s+|of\s+)?(?P<mon>"
    + _MONTH_RE
    + r")\.?"
    r",?\s*(?:de\s+)?(?P<y>\d{4})(?!\d)" + _TIME,
    re.IGNORECASE,
)
# Any word before the day, checked against MONTHS when built: a regex alternation of every
# month name, tried at each position of a page's text, costs ~25 times as much.
_MDY_NAME = re.compile(
    r"(?<![\w])(?P<mon>[^\W\d_]{3,12})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)"
    + _TIME,
    re.IGNORECASE,
)
# 2019年6月24日 (Japanese, Chinese), 2019년 6월 24일 (Korean).
_CJK = re.compile(
    r"(?<!\d)(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]?" + _TIME
)
# 26 | 01 | 2022: day, month and year set apart by bars.
_DMY_BARS = re.compile(r"(?<!\d)(?P<d>\d{1,2})\s*\|\s*(?P<m>\d{1,2})\s*\|\s*(?P<y>\d{4})(?!\d)")
# 23.09.22: the German short form, two digits each, dots only (not a version like 1.2.3).
_DMY_SHORT = re.compile(r"(?<![\d.])(?P<d>[0-3]\d)\.(?P<m>[01]\d)\.(?P<y>\d{2})(?![\d.])" + _TIME)
_PATTERNS = (_ISO, _YMD_SLASH, _CJK, _DMY_NAME, _MDY_NAME, _DMY_NUM, _DMY_BARS, _DMY_SHORT)
_EPOCH = re.compile(r"^\d{9,13}$")


def parse_date(text: str | int | float | None) -> str | None:
    """The date in `text` as ISO 8601, or None when it holds no recognisable date."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return _from_epoch(float(text))
    value = " ".join(text.split())
    if not value:
        return None
    if _EPOCH.match(value):
        return _from_epoch(float(value))
    compact = _COMPACT.match(value)
    if compact:
        return _build(compact.groupdict())
    for pattern in _PATTERNS:
        for match in pattern.finditer(value):
            built = _build(match.groupdict())
            if built:
                return built
    return None


def earliest_date(text: str) -> str | None:
    """The first date written in running text (by position, whatever its format), as ISO
    8601; None when there is none. For prose around a headline, not for metadata values."""
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            built = _build(match.groupdict())
            if built:
                found.append((match.start(), built))
                break
    return min(found)[1] if found else None


def written_days(text: str) -> frozenset[str]:
    """Every calendar day (YYYY-MM-DD) written in running text, whatever its format."""
    days = (
        built[:10]
        for pattern in _PATTERNS
        for match in pattern.finditer(text)
        if (built := _build(match.groupdict()))
    )
    return frozenset(days)


def _from_epoch(seconds: float) -> str | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    if not 1e8 < seconds < 4e9:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat(timespec="seconds")


def _build(parts: dict[str, str | None]) -> str | None:
    year, day = _year(parts["y"] or ""), int(parts["d"] or 0)
    mon = parts.get("mon")
    month = MONTHS.get(mon.lower()) if mon else int(parts.get("m") or 0)
    if not month or not 1 <= day <= 31 or not 1900 <= year <= 2100:
        return None
    try:
        day_only = date(year, month, day)
    except ValueError:
        return None
    if parts.get("H") is None:
        return day_only.isoformat()
    return _with_time(day_only, parts)


def _year(text: str) -> int:
    """A four-digit year, or a two-digit one of this century (23 -> 2023)."""
    return 2000 + int(text) if len(text) == 2 else int(text or 0)


def _with_time(day: date, parts: dict[str, str | None]) -> str:
    hour, minute, second = int(parts["H"] or 0), int(parts["M"] or 0), int(parts.get("S") or 0)
    ampm = (parts.get("ampm") or "").lower()
    if ampm.startswith("p") and hour < 12:
        hour += 12
    elif ampm.startswith("a") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return day.isoformat()
    tz = _zone(parts.get("tz"))
    moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)
    return moment.isoformat(timespec="seconds")


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
