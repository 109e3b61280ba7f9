"""Turning per-page results into the printed tables, extractors side by side."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from benchmarks.extractors import FIELDS
from benchmarks.runner import PageResult, RunInfo
from scraper import evaluate as metric


@dataclass(frozen=True, slots=True)
class Run:
    info: RunInfo
    pages: tuple[PageResult, ...]


Cell = float | None
Row = tuple[str, str, list[Cell]]


def shingle_summary(pages: Sequence[PageResult]) -> metric.Summary | None:
    scored = [
        metric.PageScore(*page.shingles, has_output=page.has_output)
        for page in pages
        if page.shingles is not None
    ]
    return metric.summarise(scored) if scored else None


def snippet_summary(pages: Sequence[PageResult]) -> metric.Snippets | None:
    counts = [metric.Snippets(*page.snippets) for page in pages if page.snippets is not None]
    return sum(counts, metric.Snippets()) if counts else None


def body_scores(pages: Sequence[PageResult]) -> tuple[float, float, float] | None:
    """P, R, F1 of one source's pages: shingles where there is a text, else snippets."""
    shingled = shingle_summary(pages)
    if shingled is not None:
        return shingled.precision, shingled.recall, shingled.f1
    snipped = snippet_summary(pages)
    if snipped is not None:
        return snipped.precision, snipped.recall, snipped.f1
    return None


def overall(per_source: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Each source weighs the same: the mean of their P and of their R, F1 of those."""
    precision = sum(p for p, _, _ in per_source) / len(per_source)
    recall = sum(r for _, r, _ in per_source) / len(per_source)
    return precision, recall, metric.f1(precision, recall)


def of_source(run: Run, source: str) -> list[PageResult]:
    return [page for page in run.pages if page.source == source]


def body_rows(runs: Sequence[Run], sources: Sequence[str]) -> list[Row]:
    rows: list[Row] = []
    totals: list[list[tuple[float, float, float]]] = [[] for _ in runs]
    for source in sources:
        scores = [body_scores(of_source(run, source)) for run in runs]
        if all(score is None for score in scores):
            continue
        kind = "shingles" if any(p.shingles for p in of_source(runs[0], source)) else "snippets"
        for index, label in enumerate(("P", "R", "F1")):
            rows.append((f"{source} ({kind})", label, [s[index] if s else None for s in scores]))
        for total, score in zip(totals, scores, strict=True):
            if score is not None:
                total.append(score)
    means = [overall(total) if total else None for total in totals]
    for index, label in enumerate(("P", "R", "F1")):
        rows.append(("overall (mean of sources)", label, [m[index] if m else None for m in means]))
    return rows


def field_accuracy(pages: Sequence[PageResult], name: str) -> tuple[float, int] | None:
    judged = [page.fields[name] for page in pages if name in page.fields]
    return (sum(judged) / len(judged), len(judged)) if judged else None


def metadata_rows(runs: Sequence[Run], sources: Sequence[str]) -> list[Row]:
    rows: list[Row] = []
    for source in (*sources, None):
        for name in FIELDS:
            picked = [run.pages if source is None else of_source(run, source) for run in runs]
            accuracies = [field_accuracy(pages, name) for pages in picked]
            counts = {acc[1] for acc in accuracies if acc}
            if not counts:
                continue
            label = f"{name} (n={max(counts)})"
            rows.append(
                (source or "overall", label, [acc[0] if acc else None for acc in accuracies])
            )
    return rows


def pages_per_second(pages: Sequence[PageResult]) -> float | None:
    seconds = sum(page.seconds for page in pages)
    return len(pages) / seconds if seconds else None


def speed_rows(runs: Sequence[Run], sources: Sequence[str]) -> list[Row]:
    rows: list[Row] = []
    for source in sources:
        rows.append((source, "pages/s", [pages_per_second(of_source(r, source)) for r in runs]))
    speeds = [pages_per_second(run.pages) for run in runs]
    rows.append(("overall", "pages/s", speeds))
    rows.append(("overall", "seconds", [sum(p.seconds for p in run.pages) for run in runs]))
    names = [run.info.name for run in runs]
    if "scrape" in names and speeds[names.index("scrape")]:
        own = speeds[names.index("scrape")] or 0.0
        rows.append(("overall", "scrape speed ÷ this", [own / s if s else None for s in speeds]))
    rows.append(("overall", "errors", [float(sum(bool(p.error) for p in r.pages)) for r in runs]))
    rows.append(
        ("overall", "empty output", [float(sum(not p.has_output for p in r.pages)) for r in runs])
    )
    rows.append(("memory", "peak RSS MB", [r.info.rss_peak_kb / 1024 for r in runs]))
    rows.append(
        (
            "memory",
            "peak - corpus MB",
            [(r.info.rss_peak_kb - r.info.rss_before_kb) / 1024 for r in runs],
        )
    )
    return rows


def best_of(cells: Sequence[Cell], *, higher: bool) -> Cell:
    values = [cell for cell in cells if cell is not None]
    if not values:
        return None
    return max(values) if higher else min(values)


LOWER_IS_BETTER = ("seconds", "errors", "empty output", "peak RSS MB", "peak - corpus MB")
NO_BEST = ("scrape speed ÷ this",)


def render(title: str, runs: Sequence[Run], rows: Sequence[Row], *, digits: int) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("source")
    table.add_column("measure")
    for run in runs:
        table.add_column(run.info.name, justify="right")
    for source, label, cells in rows:
        best = None if label in NO_BEST else best_of(cells, higher=label not in LOWER_IS_BETTER)
        shown = [fmt(cell, digits=digits, bold=cell == best and len(runs) > 1) for cell in cells]
        table.add_row(source, label, *shown)
    return table


def fmt(cell: Cell, *, digits: int, bold: bool) -> str:
    if cell is None:
        return "-"
    text = f"{cell:.{digits}f}" if abs(cell) < 10_000 else f"{cell:.0f}"
    return f"[bold]{text}[/bold]" if bold else text


def worst_table(run: Run, *, count: int) -> Table:
    scored = [page for page in run.pages if page.f1 is not None]
    scored.sort(key=lambda page: (page.f1 or 0.0, page.source, page.case))
    table = Table(
        title=f"Worst {count} pages for {run.info.name} (lowest F1)", title_justify="left"
    )
    for name in ("source", "case", "P", "R", "F1", "error / note"):
        table.add_column(name, justify="right" if name in {"P", "R", "F1"} else "left")
    for page in scored[:count]:
        cells = (page.precision, page.recall, page.f1)
        note = page.error or ("" if page.has_output else "no output")
        table.add_row(page.source, page.case, *(fmt(c, digits=3, bold=False) for c in cells), note)
    return table


def versions_table(runs: Sequence[Run], skipped: Sequence[RunInfo]) -> Table:
    table = Table(title="Extractors", title_justify="left")
    for name in ("extractor", "version", "metadata fields", "note"):
        table.add_column(name)
    for info in [run.info for run in runs] + list(skipped):
        table.add_row(info.name, info.version, ", ".join(info.fields) or "-", info.note or "")
    return table


def first_errors(runs: Sequence[Run]) -> list[str]:
    lines = []
    for run in runs:
        errors = [page for page in run.pages if page.error]
        if errors:
            first = errors[0]
            lines.append(
                f"{run.info.name}: {len(errors)} errors, first on {first.source}/{first.case}: "
                f"{first.error}"
            )
    return lines


Printer = Callable[[Table], None]


def print_all(
    console: Console,
    runs: Sequence[Run],
    skipped: Sequence[RunInfo],
    *,
    sources: Sequence[str],
    worst: int,
) -> None:
    console.print(versions_table(runs, skipped))
    if not runs:
        return
    console.print(
        render("Body text: precision / recall / F1", runs, body_rows(runs, sources), digits=3)
    )
    console.print(
        render(
            "Metadata accuracy (pages with an expected value)",
            runs,
            metadata_rows(runs, sources),
            digits=3,
        )
    )
    console.print(render("Speed and memory", runs, speed_rows(runs, sources), digits=1))
    for line in first_errors(runs):
        console.print(line, markup=False, highlight=False)
    own = [run for run in runs if run.info.name == "scrape"]
    if own and worst > 0:
        console.print(worst_table(own[0], count=worst))
