"""Mutation fuzzing of `extract` and `clean_text` over the repository's real fixture pages.

Plain Python, no atheris. Each input is a fixture page (or text dump) with 1-4 mutations
(fuzz/mutations.py: tag, byte, nesting, attribute, encoding, truncation, text), made from
the run's seed and the input's index alone, so a run is deterministic and any input can be
rebuilt. Each input runs with the shipped rules and without any, in worker processes, with
a time budget per call and a watch on memory. Exceptions other than ScraperError, calls
over the time or memory budget, hung workers (killed and replaced) and crashed workers are
saved as regression fixtures in fuzz/regressions/ (see fuzz/README.md):

    .venv/bin/python fuzz/mutate.py --inputs 100000 --jobs 2 --seed 1
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# The checkout's scraper, not an installed copy; and this folder's modules.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import Call, Seed, load_seeds
from options import REGRESSIONS, FuzzOptions
from pool import Finished, Pool, Trouble
from record import Finding, Saver, findings_of, signature_of_steps

from scraper import ScraperError, Settings, clean_text, extract
from scraper.rules import RuleSet

SHIPPED = Settings()
NO_RULES = Settings(rules=RuleSet())

Target = Callable[[Call], object]


def run_call(call: Call) -> object:
    """The library call under test: an Article, or a ScraperError raised."""
    settings = NO_RULES if call.name.endswith("-norules") else SHIPPED
    if call.name.startswith("clean_text"):
        page = call.page if isinstance(call.page, str) else call.page.decode("utf-8", "replace")
        return clean_text(page, url=call.url, settings=settings)
    return extract(call.page, url=call.url, settings=settings)


@dataclass(frozen=True)
class Timing:
    seconds: float
    index: int
    call: str
    seed: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Cause:
    signature: str
    count: int
    first: int
    message: str


@dataclass(frozen=True)
class Report:
    """What a run found; `digest` hashes every input made, for determinism checks."""

    inputs: int
    calls: int
    seconds: float
    exceptions: int
    causes: tuple[Cause, ...]
    over_time: int
    slowest: tuple[Timing, ...]
    over_memory: int
    peak_mb: float
    peak_index: int
    hangs: int
    crashes: int
    saved: tuple[Path, ...]
    digest: str

    @property
    def pages_per_second(self) -> float:
        return self.inputs / self.seconds if self.seconds else 0.0


@dataclass
class Tally:
    """The running totals of one run (local to `run`)."""

    inputs: int = 0
    calls: int = 0
    exceptions: int = 0
    over_time: int = 0
    over_memory: int = 0
    hangs: int = 0
    crashes: int = 0
    peak_mb: float = 0.0
    peak_index: int = -1
    causes: dict[str, list[int]] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    timings: list[Timing] = field(default_factory=list)
    hashes: dict[int, str] = field(default_factory=dict)

    def finished(self, done: Finished, findings: list[Finding]) -> None:
        self.inputs += 1
        self.hashes[done.index] = done.sha1 + "|".join(done.steps)
        for result in done.results:
            self.calls += 1
            if result.peak_mb > self.peak_mb:
                self.peak_mb, self.peak_index = result.peak_mb, done.index
            timing = Timing(result.seconds, done.index, result.call, done.seed, done.steps)
            self.timings = sorted([*self.timings, timing], key=lambda t: -t.seconds)[:5]
        for finding in findings:
            self.found(finding)

    def found(self, finding: Finding) -> None:
        if finding.kind == "exception":
            self.exceptions += 1
            self.causes.setdefault(finding.signature, []).append(finding.index)
            self.messages.setdefault(finding.signature, finding.message)
        self.over_time += finding.kind in ("slow", "hang")
        self.over_memory += finding.kind == "memory"
        self.hangs += finding.kind == "hang"
        self.crashes += finding.kind == "crash"

    def report(self, *, seconds: float, saved: tuple[Path, ...]) -> Report:
        causes = tuple(
            Cause(signature=sig, count=len(ix), first=ix[0], message=self.messages[sig])
            for sig, ix in sorted(self.causes.items(), key=lambda kv: -len(kv[1]))
        )
        digest = hashlib.sha1("\n".join(self.hashes[i] for i in sorted(self.hashes)).encode())
        return Report(
            inputs=self.inputs, calls=self.calls, seconds=seconds, exceptions=self.exceptions,
            causes=causes, over_time=self.over_time, slowest=tuple(self.timings),
            over_memory=self.over_memory, peak_mb=self.peak_mb, peak_index=self.peak_index,
            hangs=self.hangs, crashes=self.crashes, saved=saved, digest=digest.hexdigest(),
        )  # fmt: skip


def _trouble_finding(trouble: Trouble) -> Finding:
    return Finding(
        kind=trouble.kind, signature=f"{trouble.kind}: " + signature_of_steps(trouble.steps),
        index=trouble.index, call=trouble.call, seconds=trouble.seconds,
        peak_mb=trouble.peak_mb, message=trouble.message, traceback="",
    )  # fmt: skip


def run(options: FuzzOptions, *, seeds: tuple[Seed, ...] | None = None,
        target: Target = run_call) -> Report:  # fmt: skip
    """Fuzz `target` with options.inputs mutated inputs; save regressions; report."""
    seeds = seeds if seeds is not None else load_seeds()
    saver = Saver(options=options, seeds=seeds)
    tally = Tally()
    start = time.monotonic()
    with Pool(options=options, seeds=seeds, target=target) as pool:
        for event in pool.events(options.indices or range(options.inputs)):
            if isinstance(event, Finished):
                findings = findings_of(event, options=options)
                tally.finished(event, findings)
            else:
                findings = [_trouble_finding(event)]
                tally.found(findings[0])
            for finding in findings:
                saver.save(finding)
            _progress(tally, options=options, start=start)
    return tally.report(seconds=time.monotonic() - start, saved=saver.saved())


def _progress(tally: Tally, *, options: FuzzOptions, start: float) -> None:
    if not options.progress or tally.inputs % 500:
        return
    took = time.monotonic() - start
    print(
        f"[{took:7.0f} s] {tally.inputs} inputs, {tally.exceptions} exceptions, "
        f"{tally.over_time} over time, {tally.hangs} hangs, {tally.crashes} crashes, "
        f"peak {tally.peak_mb:.0f} MB, {tally.inputs / max(took, 1e-9):.1f} pages/s",
        file=sys.stderr,
        flush=True,
    )


def format_report(report: Report, *, options: FuzzOptions) -> str:
    lines = [
        f"inputs run: {report.inputs} ({report.calls} calls) in {report.seconds:.0f} s, "
        f"{report.pages_per_second:.1f} pages/s on {options.jobs} workers (seed {options.seed})",
        f"exceptions outside ScraperError: {report.exceptions}, "
        f"{len(report.causes)} distinct (type and place)",
    ]
    lines += [
        f"  {c.count:6} x {c.signature} (first #{c.first}): {c.message}" for c in report.causes
    ]
    lines.append(
        f"calls over {options.time_budget:g} s: {report.over_time} "
        f"({report.hangs} killed past {options.kill_after:g} s); worker crashes: {report.crashes}"
    )
    lines += [
        f"  {t.seconds:7.2f} s  #{t.index} {t.call} on {t.seed}: {'; '.join(t.steps)}"
        for t in report.slowest
    ]
    lines.append(
        f"peak memory: {report.peak_mb:.0f} MB (input #{report.peak_index}); "
        f"calls over {options.memory_budget_mb:g} MB: {report.over_memory}"
    )
    lines.append(f"regression fixtures saved: {len(report.saved)} in {options.out}")
    return "\n".join(lines)


def parse_args(argv: list[str]) -> FuzzOptions:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--inputs", type=int, default=1000, help="how many mutated inputs to run")
    add("--jobs", type=int, default=2, help="worker processes")
    add("--seed", type=int, default=1, help="the run's seed: same seed, same inputs")
    add("--time-budget", type=float, default=2.0, help="seconds per call before it is slow")
    add("--kill-after", type=float, default=10.0, help="seconds before a worker is killed")
    add("--memory-budget", type=float, default=1024.0, help="MB of peak RSS per call")
    add("--memory-limit", type=float, default=4096.0, help="MB of RSS before a kill")
    add("--out", type=Path, default=REGRESSIONS, help="where regression fixtures go")
    add("--per-cause", type=int, default=3, help="fixtures kept per distinct cause")
    add("--time-limit", type=float, default=None, help="stop starting inputs after this")
    add("--max-saved", type=int, default=150, help="fixtures kept in all")
    add("--progress", action="store_true", help="print progress every 500 inputs")
    add("--index", type=int, action="append", default=[], help="rerun this input (repeat)")
    ns = parser.parse_args(argv)
    return FuzzOptions(
        inputs=ns.inputs, jobs=ns.jobs, seed=ns.seed, time_budget=ns.time_budget,
        kill_after=ns.kill_after, memory_budget_mb=ns.memory_budget,
        memory_limit_mb=ns.memory_limit, out=ns.out, per_cause=ns.per_cause,
        max_saved=ns.max_saved, indices=tuple(ns.index),
        time_limit=ns.time_limit, progress=ns.progress,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    options = parse_args(sys.argv[1:] if argv is None else argv)
    report = run(options)
    print(format_report(report, options=options))
    return 1 if report.causes or report.over_time or report.crashes else 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["FuzzOptions", "Report", "ScraperError", "main", "run", "run_call"]
