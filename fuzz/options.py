"""The options of one fuzz/mutate.py run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REGRESSIONS = Path(__file__).resolve().parent / "regressions"


@dataclass(frozen=True)
class FuzzOptions:
    """How many inputs, on how many workers, from which seed, with which budgets:
    a call over `time_budget` seconds or `memory_budget_mb` of peak RSS is recorded; a
    worker still busy after `kill_after` seconds or over `memory_limit_mb` is killed.
    `time_limit` stops handing out inputs after that many seconds; `indices` reruns the
    inputs of those indices (from a report or a sidecar) instead of the first `inputs`."""

    inputs: int = 1000
    jobs: int = 2
    seed: int = 1
    time_budget: float = 2.0
    kill_after: float = 10.0
    memory_budget_mb: float = 1024.0
    memory_limit_mb: float = 4096.0
    out: Path = REGRESSIONS
    per_cause: int = 3
    max_saved: int = 150
    time_limit: float | None = None
    progress: bool = False
    indices: tuple[int, ...] = ()  # run these inputs instead of 0 .. inputs-1
