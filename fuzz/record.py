"""What fuzz/mutate.py keeps: a finding per failed or over-budget call, and regression
fixtures for them in fuzz/regressions/ (the input and a JSON sidecar), at most
`per_cause` per distinct cause, the smallest inputs preferred."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from cases import Case, Seed, make_case
from options import FuzzOptions
from pool import Finished

MAX_FILE_BYTES = 200 * 1024  # larger inputs are saved gzipped, or not at all
OP_RE = re.compile(r"^([a-z]+\.[a-z0-9_]+)")


@dataclass(frozen=True)
class Finding:
    """One call that broke a promise: kind is exception, slow, memory, hang or crash."""

    kind: str
    signature: str
    index: int
    call: str
    seconds: float
    peak_mb: float
    message: str
    traceback: str
    size: int = 0


def signature_of_steps(steps: tuple[str, ...]) -> str:
    """The mutation operations of a chain, without their arguments, sorted."""
    ops = sorted({m.group(1) for s in steps if (m := OP_RE.match(s))})
    return "+".join(ops) or "none"


def findings_of(done: Finished, *, options: FuzzOptions) -> list[Finding]:
    found = []
    ops = signature_of_steps(done.steps)
    for result in done.results:
        base = Finding("", "", done.index, result.call, result.seconds, result.peak_mb,
                       message="", traceback="", size=done.size)  # fmt: skip
        if failure := result.failure:
            signature = f"{failure.type} at {failure.where}"
            found.append(replace(base, kind="exception", signature=signature,
                                 message=failure.message, traceback=failure.traceback))  # fmt: skip
        if result.seconds > options.time_budget:
            found.append(replace(base, kind="slow", signature=f"slow: {ops}"))
        if result.peak_mb > options.memory_budget_mb:
            found.append(replace(base, kind="memory", signature=f"memory: {ops}"))
    return found


def sidecar(case: Case, finding: Finding, *, options: FuzzOptions, file: str) -> dict[str, object]:
    return {
        "kind": finding.kind,
        "known": None,
        "signature": finding.signature,
        "file": file,
        "seed": options.seed,
        "index": case.index,
        "page": case.seed,
        "mutations": list(case.steps),
        "call": finding.call,
        "url": case.url,
        "input": "str" if isinstance(case.page, str) else "bytes",
        "message": finding.message,
        "traceback": finding.traceback,
        "seconds": round(finding.seconds, 3),
        "peak_mb": round(finding.peak_mb, 1),
        "time_budget_s": options.time_budget,
        "memory_budget_mb": options.memory_budget_mb,
    }


class Saver:
    """Writes regression fixtures: per signature the `per_cause` smallest inputs seen,
    `max_saved` files in all. The input is rebuilt from (seed, index)."""

    def __init__(self, *, options: FuzzOptions, seeds: tuple[Seed, ...]) -> None:
        self.options = options
        self.seeds = seeds
        self.kept: dict[str, list[tuple[int, Path]]] = {}

    def saved(self) -> tuple[Path, ...]:
        return tuple(sorted(p for kept in self.kept.values() for _size, p in kept))

    def _wanted(self, finding: Finding) -> bool:
        kept = self.kept.get(finding.signature, [])
        if len(kept) < self.options.per_cause:
            return len(self.saved()) < self.options.max_saved
        return finding.size < max(size for size, _p in kept)

    def save(self, finding: Finding) -> Path | None:
        if not self._wanted(finding):
            return None
        case = make_case(self.seeds, seed=self.options.seed, index=finding.index)
        path = self._write(case, finding)
        if path is None:
            return None
        sizes = {p: size for size, p in self.kept.get(finding.signature, [])}
        sizes[path] = len(case.data)  # the same input twice (both calls) is kept once
        kept = sorted((size, p) for p, size in sizes.items())
        for _size, doomed in kept[self.options.per_cause :]:
            doomed.unlink(missing_ok=True)
            doomed.with_name(doomed.name.split(".")[0] + ".json").unlink(missing_ok=True)
        self.kept[finding.signature] = kept[: self.options.per_cause]
        return path

    def _write(self, case: Case, finding: Finding) -> Path | None:
        data = case.data
        suffix = ".txt" if case.kind == "text" else ".html"
        if len(data) > MAX_FILE_BYTES:
            data, suffix = gzip.compress(data, mtime=0), suffix + ".gz"
            if len(data) > MAX_FILE_BYTES:
                return None
        stem = f"{finding.kind}-{case.sha1}"
        self.options.out.mkdir(parents=True, exist_ok=True)
        path = self.options.out / (stem + suffix)
        path.write_bytes(data)
        meta = sidecar(case, finding, options=self.options, file=path.name)
        (self.options.out / (stem + ".json")).write_text(json.dumps(meta, indent=1) + "\n")
        return path
