"""The article-extraction-benchmark shingle metric, shared by tests and benchmarks.

Texts are split into words (``\\w+``); each text becomes a bag of word 4-grams. Per page,
tp/fp/fn are the shared, extra and missing shingle counts. Page precision is tp/(tp+fp),
page recall tp/(tp+fn). Snippet scoring (trafilatura's eval) counts `with`/`without`
snippets found in the extracted text, whitespace folded.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

WORD = re.compile(r"\w+")
SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def shingles(text: str, *, n: int = 4) -> Counter[tuple[str, ...]]:
    """The bag of word n-grams of text (a shorter text is one shingle)."""
    words = WORD.findall(text)
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def shingle_score(expected: str, extracted: str) -> Score:
    """Shingle precision and recall of one extracted text against the expected one."""
    truth, got = shingles(expected), shingles(extracted)
    tp = sum((truth & got).values())
    fp = sum(got.values()) - tp
    fn = sum(truth.values()) - tp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return Score(precision, recall)


def fold(text: str) -> str:
    """Whitespace folded to single spaces."""
    return SPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class SnippetCount:
    with_found: int
    with_total: int
    without_found: int

    @property
    def score(self) -> Score:
        found = self.with_found + self.without_found
        precision = self.with_found / found if found else 0.0
        recall = self.with_found / self.with_total if self.with_total else 0.0
        return Score(precision, recall)


def snippet_count(extracted: str, *, with_: list[str], without: list[str]) -> SnippetCount:
    """How many `with` and `without` snippets occur in the extracted text."""
    text = fold(extracted)
    return SnippetCount(
        with_found=sum(fold(s) in text for s in with_),
        with_total=len(with_),
        without_found=sum(fold(s) in text for s in without),
    )


def mean_score(scores: list[Score]) -> Score:
    """Mean precision over pages with output, mean recall over all pages."""
    with_output = [s.precision for s in scores if s.precision or s.recall]
    precision = sum(with_output) / len(with_output) if with_output else 0.0
    recall = sum(s.recall for s in scores) / len(scores) if scores else 0.0
    return Score(precision, recall)
