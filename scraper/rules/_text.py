"""Text-level directives of a site rule, and how they apply to a Body.

They remove the cruft that survives as text, inside paragraphs as well as
whole: phrases, spans between two markers, everything after a cut marker,
photo captions with their credits, credits alone, and a trailing fragment
(a glued related headline or run of section tags) after the last sentence.
Every pattern is a safe pattern (see _patterns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

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


def _join(left: str, right: str) -> str:
    """Glue the text around a removed piece, dropping punctuation left orphaned."""
    left, right = left.rstrip(), right.lstrip()
    if right[:1] in {".", ",", ";", ":"} and (len(right) == 1 or right[1].isspace()):
        right = right[1:].lstrip()
    return f"{left} {right}" if left and right else left or right


def _remove_all(text: str, pattern: re.Pattern[str]) -> str:
    match = pattern.search(text)
    while match is not None:
        if match.end() == match.start():
            break
        text = _join(text[: match.start()], text[match.end() :])
        match = pattern.search(text, max(match.start() - 1, 0))
    return text


def _last_match(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text, start, end):  # noqa: B007 (keep the last)
        continue
    return found


def _caption_start(left: str) -> int:
    """Where the caption sentence that ends at the end of `left` begins."""
    stripped = left.rstrip()
    window_start = max(len(stripped) - _CAPTION_WINDOW, 0)
    last = _last_match(_BOUNDARY, stripped, window_start, len(stripped) - 1)
    if last is not None:
        return last.end()
    return 0 if window_start == 0 else len(left)


def _remove_captions(text: str, pattern: re.Pattern[str]) -> str:
    match = pattern.search(text)
    while match is not None and match.end() > match.start():
        start = _caption_start(text[: match.start()])
        text = _join(text[:start], text[match.end() :])
        match = pattern.search(text, start)
    return text


def _clean_text(rule: TextRule, text: str) -> str:
    for span in rule.drop_spans:
        for start, end in reversed(span.ranges(text)):
            text = _join(text[:start], text[end:])
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


def apply_text_directives(rule: TextRule, body: Body) -> Body:
    """body with the rule's text directives applied; blocks left empty are dropped."""
    if rule.empty:
        return body
    blocks = [replace(b, text=_clean_text(rule, b.text)) for b in body.blocks]
    blocks = _cut(rule, [b for b in blocks if b.text.strip()])
    if rule.drop_trailing_fragment and blocks:
        blocks[-1] = replace(blocks[-1], text=_drop_fragment(blocks[-1].text))
    return Body(blocks=tuple(b for b in blocks if b.text.strip()))
