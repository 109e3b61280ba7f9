"""Real pages from the development corpus (fixtures/corpus, licences alongside): the
extracted text must keep its shingle precision/recall (or snippet counts) above floors
set a little under what was measured, so a regression fails."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.clean import clean_body
from scraper.evaluate import count_snippets, score_page
from scraper.extract import extract_body
from scraper.model import Document

CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"

# case, precision floor, recall floor (measured values minus a small margin)
TEXT_CASES = [
    ("fundus/ca-NationalPost_2024_08_28", 0.94, 0.95),
    ("fundus/ca-TheProvince_2026_06_06", 0.96, 0.94),
    ("fundus/ca-CBCNews_2024_08_08", 0.92, 0.95),  # its deck (a lead) is not in the gold
    ("fundus/cn-People_2024_04_24", 0.94, 0.97),
    ("fundus/de-DW_2023_04_28", 0.94, 0.97),  # its lead sits with the headline
    ("fundus/de-Heise_2024_04_19", 0.97, 0.92),
    ("fundus/be-PoliticoEu_2025_10_23", 0.97, 0.95),  # body in "sidebar-grid" chunks
    ("fundus/ind-Bhaskar_2024_09_04", 0.95, 0.96),  # Hindi, teaser lists around it
    ("readability/lemonde-1", 0.95, 0.96),
    ("readability/guardian-1", 0.97, 0.97),
    ("readability/folha", 0.97, 0.97),
    ("readability/svg-parsing", 0.97, 0.97),  # the same long paragraph five times in a row
]
# case: every `with` snippet found, no `without` snippet found
SNIPPET_CASES = [
    "trafilatura/0a3108e507c54157a95fe7a1338f5e9c",
    "trafilatura/0a4a8ab61c054192b1ec70cc3570cf45",
    "trafilatura/0ac0531f1f0543f4a3f68159e5fd1875",
    "trafilatura/abookshelffullofsunshine.blogspot.com.interview",  # br text, long comments
    "trafilatura/correctiv.org.zusage",  # several articles in one page: the first is its own
]


def _extract(case: str) -> tuple[str, dict[str, object]]:
    folder = CORPUS / case
    html = gzip.decompress((folder / "page.html.gz").read_bytes()).decode("utf-8")
    doc = Document(tree=LexborHTMLParser(html), html=html)
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return clean_body(extract_body(doc)).text, expected


@pytest.mark.parametrize(("case", "precision", "recall"), TEXT_CASES)
def test_text_shingles(case: str, precision: float, recall: float) -> None:
    text, expected = _extract(case)
    score = score_page(str(expected["text"]), text)
    assert score.precision >= precision, f"{case}: precision {score.precision:.3f}"
    assert score.recall >= recall, f"{case}: recall {score.recall:.3f}"


@pytest.mark.parametrize("case", SNIPPET_CASES)
def test_snippets(case: str) -> None:
    text, expected = _extract(case)
    with_ = [str(s) for s in expected["with"]]  # type: ignore[attr-defined]
    without = [str(s) for s in expected["without"]]  # type: ignore[attr-defined]
    count = count_snippets(text, want=with_, avoid=without)
    assert count.fn == 0, f"{case}: {count}"  # every `with` snippet found
    assert count.fp == 0, f"{case}: {count}"  # no `without` snippet found


def test_licences_travel_with_the_pages() -> None:
    for source in ("fundus", "readability", "trafilatura"):
        assert any((CORPUS / source).glob("LICENSE*")), source
