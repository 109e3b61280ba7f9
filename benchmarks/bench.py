"""Benchmark scrape's extractor against its peers on the development corpus.

    python benchmarks/bench.py [--corpus ../shared/corpus] [--only scrape,trafilatura,...]
        [--source fundus,...] [--limit N] [--report FILE] [--worst N] [--in-process]

By default each extractor runs in its own subprocess (one after the other, never in
parallel), so the peak memory of each is its own; --in-process runs them all in this one.
See benchmarks/README.md for what every number means.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `scraper` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console

from benchmarks import corpus, extractors
from benchmarks.report import Run, print_all
from benchmarks.runner import PageResult, RunInfo, peak_rss_kb, refuse_network, run_all

FAIRNESS = (
    "Every extractor got the same decoded str and URL per page: the bytes were decoded once, "
    "before timing (valid UTF-8 as UTF-8, else the <meta> charset with bad bytes replaced, "
    "else charset-normalizer's guess). Times are the wall time of the extraction calls only, "
    "one process, one page at a time; network access was refused."
)


def names(value: str, *, choices: Sequence[str], what: str) -> list[str]:
    picked = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in picked if name not in choices]
    if unknown or not picked:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(unknown) or '(none)'}; choose from {', '.join(choices)}"
        )
    return picked


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=corpus.default_corpus())
    parser.add_argument(
        "--only",
        type=lambda v: names(v, choices=extractors.NAMES, what="extractor"),
        default=list(extractors.NAMES),
        help=f"comma-separated, from {','.join(extractors.NAMES)}",
    )
    parser.add_argument(
        "--source",
        type=lambda v: names(v, choices=corpus.SOURCES, what="source"),
        default=list(corpus.SOURCES),
        help=f"comma-separated, from {','.join(corpus.SOURCES)}",
    )
    parser.add_argument("--limit", type=int, default=None, help="first N cases of each source")
    parser.add_argument("--report", type=Path, default=None, help="write per-page results (jsonl)")
    parser.add_argument("--worst", type=int, default=10, help="list scrape's N worst pages")
    parser.add_argument(
        "--no-rules",
        action="store_true",
        help="scrape without its site rules: the generic extractor alone (as issue 4 measures)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run every extractor in this process (memory is then the whole run's peak)",
    )
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def quiet_libraries() -> None:
    """The peers log and warn per page; none of it is the benchmark's output."""
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def run_one(name: str, cases: Sequence[corpus.Case], *, rss_before: int, site_rules: bool) -> Run:
    """Load and run one extractor here; one that cannot be loaded gives a Run with a note."""
    try:
        extractor = extractors.load(name, site_rules=site_rules)
    except Exception as exc:  # ImportError, or a library broken at import
        note = f"skipped: {type(exc).__name__}: {exc}"[:200]
        return Run(RunInfo(name, "-", (), rss_before, peak_rss_kb(), note), ())
    pages = run_all(extractor, cases)
    fields = tuple(field for field in extractors.FIELDS if field in extractor.fields)
    info = RunInfo(name, extractor.version, fields, rss_before, peak_rss_kb())
    return Run(info, tuple(pages))


def worker(args: argparse.Namespace) -> int:
    """The subprocess side: run one extractor, write its info and pages as jsonl."""
    quiet_libraries()
    refuse_network()
    cases = corpus.load(args.corpus, sources=args.source, limit=args.limit)
    run = run_one(args.worker, cases, rss_before=peak_rss_kb(), site_rules=not args.no_rules)
    assert args.worker_out is not None
    with args.worker_out.open("w", encoding="utf-8") as out:
        out.write(json.dumps(asdict(run.info)) + "\n")
        for page in run.pages:
            out.write(json.dumps(page.to_json(), ensure_ascii=False) + "\n")
    return 0


def read_worker(path: Path) -> Run:
    lines = path.read_text(encoding="utf-8").splitlines()
    info = json.loads(lines[0])
    info["fields"] = tuple(info["fields"])
    pages = tuple(PageResult.from_json(json.loads(line)) for line in lines[1:])
    return Run(RunInfo(**info), pages)


def spawn(name: str, args: argparse.Namespace, *, console: Console) -> Run:
    """Run one extractor in a fresh interpreter and read back its results."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = Path(tmp) / f"{name}.jsonl"
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", name]
        command += ["--worker-out", str(out), "--corpus", str(args.corpus)]
        command += ["--source", ",".join(args.source)]
        command += ["--limit", str(args.limit)] if args.limit is not None else []
        command += ["--no-rules"] if args.no_rules else []
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.is_file():
            tail = " | ".join(done.stderr.strip().splitlines()[-3:])
            note = f"skipped: worker exited with {done.returncode}: {tail}"[:300]
            console.print(f"{name}: {note}", markup=False, highlight=False)
            return Run(RunInfo(name, "-", (), 0, 0, note), ())
        return read_worker(out)


def all_runs(args: argparse.Namespace, *, console: Console) -> list[Run]:
    runs: list[Run] = []
    cases: list[corpus.Case] = []
    if args.in_process:
        quiet_libraries()
        refuse_network()
        cases = corpus.load(args.corpus, sources=args.source, limit=args.limit)
    for name in args.only:
        start = time.perf_counter()
        console.print(f"running {name} ...", style="dim")
        run = (
            run_one(name, cases, rss_before=peak_rss_kb(), site_rules=not args.no_rules)
            if args.in_process
            else None
        )
        runs.append(run or spawn(name, args, console=console))
        console.print(f"  {name} done in {time.perf_counter() - start:.1f} s", style="dim")
    return runs


def write_report(path: Path, runs: Sequence[Run]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for run in runs:
            for page in run.pages:
                out.write(json.dumps(page.to_json(), ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return worker(args)
    console = Console() if sys.stdout.isatty() else Console(width=150)
    if not args.corpus.is_dir():
        console.print(f"corpus not found at {args.corpus}: pass --corpus DIR", markup=False)
        return 2
    start = time.perf_counter()
    try:
        runs = all_runs(args, console=console)
    except corpus.CorpusError as err:
        console.print(str(err), markup=False, highlight=False)
        return 2
    ran = [run for run in runs if run.info.note is None]
    skipped = [run.info for run in runs if run.info.note is not None]
    print_all(console, ran, skipped, sources=args.source, worst=args.worst)
    console.print(FAIRNESS, markup=False, highlight=False)
    memory = "whole run, this process" if args.in_process else "each extractor's own subprocess"
    console.print(f"Peak RSS (getrusage ru_maxrss): {memory}.", markup=False, highlight=False)
    if args.report:
        write_report(args.report, ran)
        console.print(f"per-page report: {args.report}", markup=False, highlight=False)
    console.print(f"total wall time {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
