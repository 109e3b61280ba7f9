"""Running one extractor over the cases: timing, error tally and per-page scores."""

from __future__ import annotations

import resource
import socket
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from benchmarks.corpus import Case
from benchmarks.extractors import Extractor, Output
from benchmarks.fields import judge
from scraper import evaluate as metric


@dataclass(frozen=True, slots=True)
class PageResult:
    """One extractor on one page: the line of the --report file."""

    source: str
    case: str
    extractor: str
    seconds: float
    precision: float | None  # None: the page has nothing to score the body against
    recall: float | None
    f1: float | None
    has_output: bool
    shingles: tuple[float, float, float] | None  # tp, fp, fn (each / tp+fp+fn)
    snippets: tuple[int, int, int, int] | None  # tp, fp, fn, tn of with/without
    fields: dict[str, bool] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PageResult:
        shingles, snippets = data.get("shingles"), data.get("snippets")
        return cls(
            **data
            | {
                "shingles": tuple(shingles) if shingles else None,
                "snippets": tuple(snippets) if snippets else None,
            }
        )


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What one extractor's run says about itself, besides the pages."""

    name: str
    version: str
    fields: tuple[str, ...]
    rss_before_kb: int  # process peak RSS after loading the corpus, before the extractor
    rss_peak_kb: int  # process peak RSS at the end of the run
    note: str | None = None  # why it was skipped, when it was


def peak_rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def score(case: Case, output: Output) -> dict[str, Any]:
    """The body scores of one extraction, by the metric the case's source calls for."""
    expected = case.expected
    if expected.want or expected.avoid:
        counts = metric.count_snippets(output.text, want=expected.want, avoid=expected.avoid)
        return {
            "precision": counts.precision,
            "recall": counts.recall,
            "f1": counts.f1,
            "has_output": bool(output.text.strip()),
            "shingles": None,
            "snippets": (counts.tp, counts.fp, counts.fn, counts.tn),
        }
    if expected.text:
        page = metric.score_page(expected.text, output.text)
        return {
            "precision": page.precision,
            "recall": page.recall,
            "f1": page.f1,
            "has_output": page.has_output,
            "shingles": (page.tp, page.fp, page.fn),
            "snippets": None,
        }
    nothing = {"precision": None, "recall": None, "f1": None, "shingles": None, "snippets": None}
    return nothing | {"has_output": bool(output.text.strip())}


def run_page(extractor: Extractor, case: Case) -> PageResult:
    error = None
    start = time.perf_counter()
    try:
        output = extractor.run(case.html, case.url)
    except Exception as exc:  # any crash is an empty output, tallied as an error
        output, error = Output(), f"{type(exc).__name__}: {exc}"[:300]
    seconds = time.perf_counter() - start
    return PageResult(
        source=case.source,
        case=case.case,
        extractor=extractor.name,
        seconds=seconds,
        fields=judge(case.expected, output, fields=extractor.fields),
        error=error,
        **score(case, output),
    )


def run_all(extractor: Extractor, cases: Sequence[Case]) -> list[PageResult]:
    return [run_page(extractor, case) for case in cases]


def refuse_network() -> None:
    """Make any connection attempt fail at once: every extractor gets the page as a str,
    and none may fetch anything (images, suffix lists) while being timed."""

    def refuse(*args: object, **kwargs: object) -> Any:
        raise OSError("the benchmark allows no network access")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
