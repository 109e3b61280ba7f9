"""Text-level directives of a site rule, and how they apply to a Body.

They remove the cruft that survives as text, inside paragraphs as well as
whole: phrases, spans between two markers, everything after a cut marker,
photo captions with their credits, credits alone, and a trailing fragment
(a glued related headline or run of section tags) after the last sentence.
Every pattern is a safe pattern (see _patterns).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from scraper.budget import UNLIMITED, Budget
from scraper.model import Block, Body
from scraper.rules._patterns import Span

_BOUNDARY = re.compile(r"[\w%)][.!?][\"\u201d\u2019')]?\s+")
_ENDS_SENTENCE = re.compile(r"[.!?\u2026:][\"\u201d\u2019')]?$")
_CAPTION_WINDOW = 400
_FRAGMENT_MAX = 200


@dataclass(frozen=True, slots=True)
class TextRule:
    """The compiled text directives of one rule."""

    drop_phrases: tuple[re.Pattern[str], ...] = ()
    drop_spans: tuple[Span, ...] = ()
    cut_after: tuple[re.Pattern[str], ...] = ()
    captions: tuple[re.Pattern[str], ...] = ()
    credits: tuple[re.Pattern[str], ...] = ()
    drop_trailing_fragment: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.drop_phrases
            or self.drop_spans
            or self.cut_after
            or self.captions
            or self.credits
            or self.drop_trailing_fragment
        )


def _opening(right: str, follower: str = "") -> str:
    """The text after a removed piece: without leading space or an orphaned ". , ; :"
    (one that ends the text or stands before a space). `follower`: the character after
    `right` in the whole text ("" at its end)."""
    right = right.lstrip()
    after = right[1:2] or follower
    if right[:1] in {".", ",", ";", ":"} and (not after or after.isspace()):
        right = right[1:].lstrip()
    return right


@dataclass(slots=True)
class _Joined:
    """Text rebuilt piece by piece around removed matches, in time linear in its length:
    at each removal the text before it loses its trailing space, the text after it its
    leading space and an orphaned punctuation mark, and one space joins the two."""

    parts: list[str] = field(default_factory=list)
    size: int = 0
    after_cut: bool = False  # the next piece follows a removed match

    def add(self, piece: str, follower: str = "") -> None:
        """Append `piece`, followed in the whole text by the character `follower`."""
        if self.after_cut:
            piece = _opening(piece, follower)
            if not piece:
                return
            self.rstrip()
            self.after_cut = False
            if self.size:
                piece = " " + piece
        self.parts.append(piece)
        self.size += len(piece)

    def cut(self, keep: int) -> None:
        """Drop all but the first `keep` characters; the next piece joins what is left."""
        while self.parts and self.size - len(self.parts[-1]) >= keep:
            self.size -= len(self.parts.pop())
        if self.size > keep:
            last = self.parts.pop()
            self.parts.append(last[: len(last) - (self.size - keep)])
            self.size = keep
        self.rstrip()
        self.after_cut = True

    def rstrip(self) -> None:
        while self.parts:
            last = self.parts.pop()
            self.size -= len(last)
            last = last.rstrip()
            if last:
                self.parts.append(last)
                self.size += len(last)
                return

    def tail(self, count: int) -> str:
        """The last `count` characters (at most)."""
        pieces: list[str] = []
        held = 0
        for part in reversed(self.parts):
            if held >= count:
                break
            pieces.append(part)
            held += len(part)
        return "".join(reversed(pieces))[-count:] if count else ""

    def text(self) -> str:
        return "".join(self.parts)


def _remove_all(text: str, pattern: re.Pattern[str]) -> str:
    """Every match removed, the text around each joined: one pass over the matches."""
    return _remove_matches(text, pattern, cut=lambda out: out.size)


def _remove_matches(text: str, pattern: re.Pattern[str], *, cut: Callable[[_Joined], int]) -> str:
    """Every match removed, with what `cut` says goes before it (from its offset in the
    text kept so far to the end): one pass over the matches."""
    out = _Joined()
    pos = 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            break
        out.add(text[pos : match.start()], text[match.start() : match.start() + 1])
        out.cut(cut(out))
        pos = match.end()
    out.add(text[pos:])
    return out.text()


def _last_match(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    found = None
    for match in pattern.finditer(text, start, end):
        found = match
    return found


def _caption_start(out: _Joined) -> int:
    """Where the caption sentence that ends at the end of `out` begins."""
    out.rstrip()
    window = out.tail(_CAPTION_WINDOW)
    window_start = out.size - len(window)
    last = _last_match(_BOUNDARY, window, 0, len(window) - 1)
    if last is not None:
        return window_start + last.end()
    return 0 if window_start == 0 else out.size


def _remove_captions(text: str, pattern: re.Pattern[str]) -> str:
    """Every match removed with the caption sentence before it: one pass over the matches."""
    return _remove_matches(text, pattern, cut=_caption_start)


def _remove_ranges(text: str, ranges: list[tuple[int, int]]) -> str:
    """The given (start, end) ranges removed, left to right, the text around each joined."""
    if not ranges:
        return text
    out = _Joined()
    pos = 0
    for start, end in ranges:
        out.add(text[pos:start], text[start : start + 1])
        out.cut(out.size)
        pos = end
    out.add(text[pos:])
    return out.text()


def _clean_text(rule: TextRule, text: str) -> str:
    for span in rule.drop_spans:
        text = _remove_ranges(text, span.ranges(text))
    for pattern in rule.drop_phrases:
        text = _remove_all(text, pattern)
    for pattern in rule.captions:
        text = _remove_captions(text, pattern)
    for pattern in rule.credits:
        text = _remove_all(text, pattern)
    return text


def _cut(rule: TextRule, blocks: list[Block]) -> list[Block]:
    for index, block in enumerate(blocks):
        starts = [m.start() for p in rule.cut_after if (m := p.search(block.text))]
        if starts:
            head = block.text[: min(starts)].rstrip()
            kept = blocks[:index]
            return [*kept, replace(block, text=head)] if head else kept
    return blocks


def _drop_fragment(text: str) -> str:
    last = _last_match(_BOUNDARY, text, 0, len(text))
    if last is None:
        return text
    tail = text[last.end() :]
    if len(tail) > _FRAGMENT_MAX or not tail[:1].isupper() or _ENDS_SENTENCE.search(tail):
        return text
    return text[: last.end()].rstrip()


def apply_text_directives(rule: TextRule, body: Body, *, budget: Budget = UNLIMITED) -> Body:
    """body with the rule's text directives applied; blocks left empty are dropped.
    Raises PageTooSlowError when the budget's time is up."""
    if rule.empty:
        return body
    blocks = []
    for block in body.blocks:
        budget.check()
        blocks.append(replace(block, text=_clean_text(rule, block.text)))
    blocks = _cut(rule, [b for b in blocks if b.text.strip()])
    if rule.drop_trailing_fragment and blocks:
        blocks[-1] = replace(blocks[-1], text=_drop_fragment(blocks[-1].text))
    return Body(blocks=tuple(b for b in blocks if b.text.strip()))
