r"""How close an extraction is to the expected text: one definition for the
benchmark, the rule-fixture checks and the tests.

Shingles: the article-extraction-benchmark metric (split into words `\w+`, bags
of word 4-grams; per page tp, fp, fn each divided by tp+fp+fn; precision is the
mean page precision over pages with output, recall the mean over all pages).
Snippets: trafilatura's own evaluation of its `with`/`without` chunks
(whitespace folded, case kept, substring test, counts summed over pages).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scraper.extract import NGRAM, shingles

SPACE = re.compile(r"\s+")


class _Confusion:
    """Precision, recall and F1 from true/false positive and false negative counts."""

    __slots__ = ()
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)


@dataclass(frozen=True, slots=True)
class PageScore(_Confusion):
    """One page's shingle counts, each divided by tp+fp+fn."""

    tp: float
    fp: float
    fn: float
    has_output: bool


def score_page(expected: str, extracted: str, *, n: int = NGRAM) -> PageScore:
    """Compare the extracted text of one page with its expected text."""
    want, got = shingles(expected, n=n), shingles(extracted, n=n)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    if not total:
        return PageScore(0.0, 0.0, 0.0, has_output=False)
    return PageScore(tp / total, fp / total, fn / total, has_output=bool(got))


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True, slots=True)
class Summary:
    precision: float
    recall: float
    f1: float
    pages: int


def summarise(pages: Iterable[PageScore]) -> Summary:
    """Precision: mean over pages with output; recall: mean over all pages; F1 of the means."""
    scores = list(pages)
    with_output = [page.precision for page in scores if page.has_output]
    precision = sum(with_output) / len(with_output) if with_output else 0.0
    recall = sum(page.recall for page in scores) / len(scores) if scores else 0.0
    return Summary(precision, recall, f1(precision, recall), len(scores))


def fold(text: str) -> str:
    """Whitespace folded to single spaces and stripped; case kept."""
    return SPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Snippets(_Confusion):
    """Confusion counts of `with`/`without` snippets, summed like trafilatura's eval."""

    tp: int = 0  # `with` snippets found
    fp: int = 0  # `without` snippets found
    fn: int = 0  # `with` snippets missing
    tn: int = 0  # `without` snippets absent

    def __add__(self, other: Snippets) -> Snippets:
        return Snippets(
            self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn
        )


def count_snippets(extracted: str, *, want: Sequence[str], avoid: Sequence[str]) -> Snippets:
    """Which snippets one extraction contains, whitespace folded, case kept."""
    text = fold(extracted)
    found = sum(1 for snippet in want if fold(snippet) in text)
    leaked = sum(1 for snippet in avoid if fold(snippet) in text)
    return Snippets(found, leaked, len(want) - found, len(avoid) - leaked)
