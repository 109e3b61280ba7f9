r"""Word shingles: the bag of word n-grams of a text (`\w+` words). The extractor uses
them to test how much of one text another holds; the benchmark metric
(scraper.evaluate) is defined on the same ones."""

from __future__ import annotations

import re
from collections import Counter

WORD = re.compile(r"\w+")
NGRAM = 4


def shingles(text: str, *, n: int = NGRAM) -> Counter[tuple[str, ...]]:
    """The bag of word n-grams of `text`; a text shorter than n words is one shingle."""
    words = WORD.findall(text)
    if not words:
        return Counter()
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)))
