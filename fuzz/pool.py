"""The worker processes of fuzz/mutate.py. A worker rebuilds each input from (seed, index),
runs its calls and says what happened; the parent kills and replaces a worker whose call
runs past the kill limit or whose memory passes the hard limit, and notices one that died.

Workers are forked (Linux), so the target function needs no pickling: a test can pass any
function, a closure included."""

from __future__ import annotations

import multiprocessing
import resource
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import TracebackType

from cases import Call, Case, Seed, calls_for, make_case
from options import FuzzOptions

from scraper import ScraperError

ROOT = Path(__file__).resolve().parent.parent
TRACEBACK_CHARS = 6000


@dataclass(frozen=True)
class Failure:
    """An exception that is not a ScraperError: its type, message, the innermost frame
    inside scraper/ (`where`) and the traceback's tail."""

    type: str
    message: str
    where: str
    traceback: str


@dataclass(frozen=True)
class CallResult:
    call: str
    seconds: float
    peak_mb: float
    failure: Failure | None


@dataclass(frozen=True)
class Begun:
    """A worker started an input (sent first, so a hang or crash can name it)."""

    index: int
    seed: str
    steps: tuple[str, ...]
    sha1: str
    size: int


@dataclass(frozen=True)
class Started:
    call: str


@dataclass(frozen=True)
class Finished:
    index: int
    seed: str
    steps: tuple[str, ...]
    sha1: str
    size: int
    results: tuple[CallResult, ...]


@dataclass(frozen=True)
class Trouble:
    """A worker killed (kind "hang" or "memory") or dead (kind "crash") during an input."""

    kind: str
    index: int
    call: str
    seed: str
    steps: tuple[str, ...]
    size: int
    seconds: float
    peak_mb: float
    message: str


Target = Callable[[Call], object]


def _status_mb(pid: int | str, key: str) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def reset_peak() -> None:
    """Make this process's peak RSS (VmHWM) start again from its RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass


def peak_mb() -> float:
    """This process's peak RSS since reset_peak(); ru_maxrss (the process's lifetime
    peak) where /proc cannot say."""
    return _status_mb("self", "VmHWM:") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/scraper/" in f.filename] or frames[-1:]
    if not ours:
        return "?"
    frame = ours[-1]
    path = Path(frame.filename)
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    return f"{name}:{frame.lineno} in {frame.name}"


def _failure(exc: Exception) -> Failure:
    text = "".join(traceback.format_exception(exc))
    message = str(exc).splitlines()[0][:300] if str(exc) else ""
    return Failure(type(exc).__name__, message, _where(exc), text[-TRACEBACK_CHARS:])


def timed(target: Target, call: Call) -> CallResult:
    """Run one call: its time, its peak memory, and any exception but a ScraperError."""
    reset_peak()
    failure = None
    start = time.perf_counter()
    try:
        target(call)
    except ScraperError:
        pass
    except Exception as exc:
        failure = _failure(exc)
    seconds = time.perf_counter() - start
    return CallResult(call=call.name, seconds=seconds, peak_mb=peak_mb(), failure=failure)


def _one(conn: Connection, case: Case, target: Target) -> None:
    conn.send(Begun(case.index, case.seed, case.steps, case.sha1, len(case.data)))
    results = []
    for call in calls_for(case):
        conn.send(Started(call.name))
        results.append(timed(target, call))
    conn.send(
        Finished(case.index, case.seed, case.steps, case.sha1, len(case.data), tuple(results))
    )


def serve(conn: Connection, *, seeds: tuple[Seed, ...], seed: int, target: Target) -> None:
    """A worker's loop: an index in, its events out, until None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers
    while (index := conn.recv()) is not None:
        _one(conn, make_case(seeds, seed=seed, index=index), target)


@dataclass
class Slot:
    """One worker and what it is doing (mutable: the parent's bookkeeping)."""

    process: BaseProcess
    conn: Connection
    index: int | None = None
    begun: Begun | None = None
    call: str = ""
    started: float = 0.0


class Pool:
    """`jobs` forked workers; `events` runs indices through them."""

    def __init__(self, *, options: FuzzOptions, seeds: tuple[Seed, ...], target: Target) -> None:
        self.options = options
        self.seeds = seeds
        self.target = target
        self.context = multiprocessing.get_context("fork")
        self.slots = [self._spawn() for _ in range(max(1, options.jobs))]

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        for slot in self.slots:
            self._stop(slot)

    def _spawn(self) -> Slot:
        ours, theirs = self.context.Pipe()
        kwargs = {"seeds": self.seeds, "seed": self.options.seed, "target": self.target}
        process = self.context.Process(target=serve, args=(theirs,), kwargs=kwargs, daemon=True)
        process.start()
        theirs.close()
        return Slot(process=process, conn=ours)

    def _stop(self, slot: Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join()
        slot.conn.close()

    def _replace(self, slot: Slot, *, kind: str, message: str, peak: float = 0.0) -> Trouble:
        begun = slot.begun or Begun(slot.index or -1, "?", (), "", 0)
        seconds = time.monotonic() - slot.started
        self._stop(slot)
        self.slots[self.slots.index(slot)] = self._spawn()
        return Trouble(kind, begun.index, slot.call, begun.seed, begun.steps, begun.size,
                       seconds, peak, message)  # fmt: skip

    def events(self, indices: Iterable[int]) -> Iterator[Finished | Trouble]:
        """Hand out the indices (until options.time_limit); yield what comes back."""
        todo = iter(indices)
        stop_at = time.monotonic() + (self.options.time_limit or float("inf"))
        while True:
            if time.monotonic() < stop_at:
                self._assign(todo)
            busy = [s for s in self.slots if s.index is not None]
            if not busy:
                return
            ready = wait([s.conn for s in busy], timeout=0.2)
            for slot in busy:
                if slot.conn in ready:
                    yield from self._receive(slot)
            yield from self._watch()

    def _assign(self, todo: Iterator[int]) -> None:
        for slot in self.slots:
            if slot.index is None and (index := next(todo, None)) is not None:
                slot.index, slot.begun, slot.call, slot.started = index, None, "", time.monotonic()
                slot.conn.send(index)

    def _receive(self, slot: Slot) -> Iterator[Finished | Trouble]:
        try:
            event = slot.conn.recv()
        except (EOFError, OSError):
            slot.process.join(1)
            code = slot.process.exitcode
            yield self._replace(slot, kind="crash", message=f"worker died, exit code {code}")
            return
        if isinstance(event, Begun):
            slot.begun = event
        elif isinstance(event, Started):
            slot.call, slot.started = event.call, time.monotonic()
        else:
            slot.index = None
            yield event

    def _watch(self) -> Iterator[Trouble]:
        now = time.monotonic()
        for slot in [s for s in self.slots if s.index is not None]:
            if now - slot.started > self.options.kill_after:
                message = f"killed after {self.options.kill_after:g} s"
                yield self._replace(slot, kind="hang", message=message)
                continue
            rss = _status_mb(slot.process.pid or 0, "VmRSS:")
            if rss > self.options.memory_limit_mb:
                message = f"killed at {rss:.0f} MB RSS"
                yield self._replace(slot, kind="memory", message=message, peak=rss)
