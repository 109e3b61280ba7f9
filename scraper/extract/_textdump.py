"""Text dumps: plain text saved from a page, turned into blocks and metadata.

A dump reads: a title line, maybe a byline and a timestamp, the body (one
paragraph per line), then cruft: the author line and bio, share and comment
boxes, "Related Articles" and other articles' teasers. The generic pass keeps
the lines between the title and the first end of the article (an end marker,
or an author line once the body has begun) and drops known cruft lines; a site
rule's text directives then remove what survives inside the paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.budget import UNLIMITED, Budget
from scraper.clean import normalize_space
from scraper.metadata import clean_authors, parse_date
from scraper.model import Block, Body, Metadata
from scraper.rules import Rule, apply_text_rule

_END_MARKERS = re.compile(
    r"^(?:related(?: articles| stories| posts| content| news)?|more from .{1,40}|"
    r"recommended(?: for you| stories)?|you may also like|you might also like|"
    r"read (?:more|next|also)|more stories|hashtags|tags|comments?(?: \(\d+\))?|"
    r"no comments yet\W*|leave a comment|share this (?:article|story|post)|"
    r"trending(?: now)?|most (?:read|popular))\W*$",
    re.IGNORECASE,
)
_CRUFT = re.compile(
    r"^(?:(?:\d+|an?|one) (?:second|minute|min|hour|hr|day|week|month|year)s? ago|"
    r"just now|yesterday|updated|advertisement|ad|sponsored|share|share on \w+|"
    r"subscribe(?: now)?|sign (?:in|up)|log ?in|register|print|email|facebook|twitter|x|"
    r"linkedin|whatsapp|reddit|copy link|link copied|menu|search|home|skip to (?:main )?"
    r"content|listen to (?:this )?(?:article|story)(?: \S+){0,3}|follow us(?: on \S+)?|"
    r"(?:\d+ )?min(?:ute)? read|back to top|click here.{0,40})\W*$",
    re.IGNORECASE,
)
_NAME_WORD = r"[A-Z][\w.'\u2019-]{0,30}"
_AUTHOR = re.compile(
    r"^(?:(?i:authors?):\s*(?P<listed>[^\n]{2,120}?)|(?i:by|written by)\s+"
    rf"(?P<named>{_NAME_WORD}(?:,? (?:{_NAME_WORD}|and|&|d[aei]|van|von|der|la|le)){{0,8}}))\s*$"
)
_PUBLISHED = re.compile(
    r"\b(?:published|posted)(?: on)?:?\s+(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|"
    r"\d{1,2} [A-Z][a-z]{2,8} \d{4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
_TITLE_MAX = 200


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the parts of a dump are: the title line and the article's lines."""

    title: str | None
    lines: tuple[str, ...]


def _normalise(line: str) -> str:
    """As the clean stage normalises text (invisible characters out, spaces folded), so
    a line is judged the same way before and after cleaning."""
    return normalize_space(line)


def _looks_like_title(line: str) -> bool:
    return len(line) <= _TITLE_MAX and not line.endswith((".", ":", ";", ","))


def _layout(text: str) -> _Layout:
    lines = [_normalise(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    title = lines[0] if lines and _looks_like_title(lines[0]) else None
    article: list[str] = []
    has_body = False
    for line in lines[1 if title else 0 :]:
        if _END_MARKERS.match(line) or (has_body and _AUTHOR.match(line)):
            break
        article.append(line)
        has_body = has_body or not (_CRUFT.match(line) or _AUTHOR.match(line))
    return _Layout(title=title, lines=tuple(article))


def _is_cruft(line: str) -> bool:
    return bool(_CRUFT.match(line) or _AUTHOR.match(line))


def dump_body(text: str, *, rule: Rule | None = None, budget: Budget = UNLIMITED) -> Body:
    """The article paragraphs of a text dump, one per line, cleaned by the rule if given
    (within the page's budget)."""
    layout = _layout(text)
    blocks = tuple(
        Block(kind="paragraph", text=line) for line in layout.lines if not _is_cruft(line)
    )
    body = Body(blocks=blocks)
    return apply_text_rule(rule, body, budget=budget) if rule is not None else body


def _authors(lines: tuple[str, ...], all_lines: list[str]) -> tuple[str, ...]:
    for line in (*lines, *all_lines):
        match = _AUTHOR.match(line)
        if match:
            return clean_authors([match["listed"] or match["named"]])
    return ()


def _date(lines: tuple[str, ...]) -> str | None:
    for line in lines:
        match = _PUBLISHED.search(line)
        if match is not None and (day := parse_date(match["date"])) is not None:
            return day
    return None


def _author_lines(text: str) -> list[str]:
    """The lines up to the first end marker: where the article's own author line is."""
    out: list[str] = []
    for line in (_normalise(raw) for raw in text.splitlines()):
        if _END_MARKERS.match(line):
            break
        out.append(line)
    return out


def dump_metadata(text: str, *, body: Body, rule: Rule | None = None) -> Metadata:
    """Title, authors and published date found in a text dump (never in its teasers)."""
    layout = _layout(text)
    return Metadata(
        title=layout.title,
        authors=_authors(layout.lines, _author_lines(text)),
        date=_date(layout.lines),
    )
