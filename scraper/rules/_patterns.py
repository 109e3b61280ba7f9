"""Safe text patterns for site rules.

A rule file is user input, so its text directives never hold a raw regular
expression. A pattern is literal text with at most four placeholders:

- ``*``      the shortest run (at most 200 characters, within one line) up to
             the next part of the pattern; it must stand between two other parts;
- ``{Name}`` one to four capitalised words ("Associated Press", "Getty Images");
- ``{CAPS}`` one word in capitals ("REUTERS", "AFP").

Literal text matches case-insensitively, and a run of spaces in the pattern
matches any run of whitespace. Each placeholder compiles to an atomic group or
a possessive repeat with a bounded length, so matching never backtracks into
a placeholder once it has matched: the cost is linear in the text length times
a small constant, whatever the pattern and the input.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

MAX_PATTERN_CHARS = 300
MAX_PLACEHOLDERS = 4
STAR_MAX = 200
SPAN_MAX = 3000

_TOKEN = re.compile(r"\*|\{[^{}]*\}|[{}]|[^*{}]+")
_WORD = r"[A-Z][a-z][\w'\u2019.&-]{0,30}"
_PLACEHOLDERS = {
    "{Name}": rf"(?>{_WORD}(?:[ ]{_WORD}){{0,3}})",
    "{CAPS}": r"(?>[A-Z][A-Z0-9&]{1,20})",
}


class PatternError(ValueError):
    """A pattern outside the safe form (the message says why)."""


def _literal(text: str) -> str:
    parts = [re.escape(chunk) for chunk in re.split(r"\s+", text)]
    return "(?i:" + r"\s++".join(parts) + ")"


def _tokens(pattern: str) -> list[str]:
    if not pattern.strip():
        raise PatternError("empty pattern")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"pattern longer than {MAX_PATTERN_CHARS} characters")
    tokens = _TOKEN.findall(pattern)
    for token in tokens:
        if token.startswith("{") and token not in _PLACEHOLDERS:
            raise PatternError(f"unknown placeholder {token!r} (use *, {{Name}} or {{CAPS}})")
    return tokens


def _check_layout(tokens: list[str]) -> None:
    specials = [t for t in tokens if t == "*" or t in _PLACEHOLDERS]
    if len(specials) > MAX_PLACEHOLDERS:
        raise PatternError(f"more than {MAX_PLACEHOLDERS} placeholders")
    if not any(t not in _PLACEHOLDERS and t != "*" and t.strip() for t in tokens):
        raise PatternError("a pattern needs some literal text")
    if tokens[0] == "*" or tokens[-1] == "*":
        raise PatternError("* must stand between two other parts of the pattern")
    for left, right in itertools.pairwise(tokens):
        if left == "*" and right == "*":
            raise PatternError("two * in a row")


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The bounded regex of a safe pattern. Raises PatternError."""
    tokens = _tokens(pattern)
    _check_layout(tokens)
    out: list[str] = []
    star_open = False
    for token in tokens:
        if token == "*":
            out.append(f"(?>[^\\n]{{0,{STAR_MAX}}}?")
            star_open = True
            continue
        piece = _PLACEHOLDERS.get(token) or _literal(token)
        out.append(piece + (")" if star_open else ""))
        star_open = False
    return re.compile("".join(out))


@dataclass(frozen=True, slots=True)
class Span:
    """From a start marker to the nearest end marker at most SPAN_MAX characters on."""

    start: re.Pattern[str]
    end: re.Pattern[str]

    def ranges(self, text: str) -> list[tuple[int, int]]:
        """The non-overlapping spans of text, left to right, in O(n log n)."""
        ends = [(m.start(), m.end()) for m in self.end.finditer(text)]
        out: list[tuple[int, int]] = []
        for match in self.start.finditer(text):
            if out and match.start() < out[-1][1]:
                continue
            i = bisect.bisect_left(ends, (match.end(), -1))
            if i < len(ends) and ends[i][1] - match.start() <= SPAN_MAX:
                out.append((match.start(), ends[i][1]))
        return out


def compile_span(start: str, end: str) -> Span:
    """A span between two safe patterns. Raises PatternError."""
    return Span(start=compile_pattern(start), end=compile_pattern(end))
