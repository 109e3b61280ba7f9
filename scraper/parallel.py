"""Engines that clean pages in parallel: a pool of worker processes on this machine,
or a Dask cluster. The unit of work is one page: a `Task` in, a `Result` out, both
small picklable frozen records; `clean` (scraper.pipeline.process on one page) is the
only code that runs in a worker. The caller (scraper.batch) keeps the order, names the
outputs and writes them, so nothing a worker does depends on scheduling.

A page that crashes its worker (a segfault, an out-of-memory kill) or runs past the
time limit fails alone: the local pool kills and replaces that one worker and reports
the page as failed; every other page goes on.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any, Literal, Protocol

from scraper import source
from scraper.errors import (
    DecodeError,
    ExtractionError,
    FetchError,
    OutputError,
    RuleError,
    ScraperError,
    SourceError,
)
from scraper.model import Article, RawPage, Source
from scraper.pipeline import process
from scraper.settings import Settings

EngineName = Literal["local", "dask"]
REASONS: tuple[tuple[type[ScraperError], str], ...] = (
    (ExtractionError, "no article text"),
    (DecodeError, "not decodable"),
    (SourceError, "unreadable"),
    (FetchError, "fetch failed"),
    (RuleError, "bad rule"),
    (OutputError, "not written"),
)
TIMEOUT, CRASHED, INTERNAL = "timeout", "worker crashed", "internal error"


@dataclass(frozen=True, slots=True)
class Task:
    """One page to clean. `page` None: the worker reads the file `source` names."""

    key: int
    source: Source
    page: RawPage | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """What came of a Task: the Article, or the error and its short reason."""

    key: int
    article: Article | None = None
    error: str | None = None
    reason: str | None = None  # a category for the summary: "no article text", "timeout", ...


def reason_of(exc: BaseException) -> str:
    for kind, reason in REASONS:
        if isinstance(exc, kind):
            return reason
    return INTERNAL


def clean(task: Task, settings: Settings) -> Result:
    """Read (when needed) and clean one page. Never raises: errors become the Result."""
    src = task.source
    try:
        raw = task.page
        if raw is None:
            raw = source.read_local(src, settings=settings, stdin=None)
        url = raw.url or src.url
        article = process(raw, source_name=src.location, url=url, settings=settings)
    except ScraperError as exc:
        return Result(task.key, error=str(exc), reason=reason_of(exc))
    except Exception as exc:  # a bug must not cost the other pages their output
        return Result(task.key, error=f"{src.location}: internal error: {exc!r}", reason=INTERNAL)
    return Result(task.key, article=article)


class Engine(Protocol):
    """Takes Tasks, gives back their Results in any order."""

    @property
    def pending(self) -> int: ...

    def submit(self, task: Task) -> None: ...

    def next_result(self, *, block: bool) -> Result | None: ...

    def close(self) -> None: ...


class Inline:
    """No parallelism: each page is cleaned in this process when its result is asked for."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._tasks: deque[Task] = deque()

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def submit(self, task: Task) -> None:
        self._tasks.append(task)

    def next_result(self, *, block: bool) -> Result | None:
        if not block or not self._tasks:
            return None
        return clean(self._tasks.popleft(), self._settings)

    def close(self) -> None:
        self._tasks.clear()


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    task: Task | None = None
    deadline: float = 0.0


Work = Callable[[Task, Settings], Result]


def _serve(conn: Connection, settings: Settings, work: Work) -> None:
    """A worker process: clean Tasks from the pipe until told to stop (None or EOF)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(work(task, settings))


class ProcessPool:
    """`jobs` worker processes, each fed one Task at a time through its own pipe, so
    the parent always knows which page a worker holds: a worker that dies or overruns
    `time_limit` fails that page only, and is replaced."""

    def __init__(
        self, *, jobs: int, settings: Settings, time_limit: float, work: Work = clean
    ) -> None:
        self._jobs = max(jobs, 1)
        self._work = work  # a module-level function (workers import it by name)
        self._settings = settings
        self._limit = time_limit
        self._context = _context()
        self._idle: list[_Worker] = []
        self._busy: list[_Worker] = []
        self._backlog: deque[Task] = deque()
        self._ready: deque[Result] = deque()

    @property
    def pending(self) -> int:
        return len(self._backlog) + len(self._busy) + len(self._ready)

    def submit(self, task: Task) -> None:
        self._backlog.append(task)
        self._dispatch()

    def next_result(self, *, block: bool) -> Result | None:
        self._poll(timeout=0.0)
        while block and not self._ready and self._busy:
            nearest = min(worker.deadline for worker in self._busy)
            self._poll(timeout=max(nearest - time.monotonic(), 0.0) + 0.01)
        return self._ready.popleft() if self._ready else None

    def close(self) -> None:
        for worker in self._idle + self._busy:
            _stop(worker, polite=worker.task is None)
        self._idle.clear()
        self._busy.clear()
        self._backlog.clear()

    def _dispatch(self) -> None:
        while self._backlog:
            if not self._idle and len(self._busy) < self._jobs:
                self._idle.append(self._start())
            if not self._idle:
                return
            worker = self._idle.pop()
            task = self._backlog.popleft()
            try:
                worker.conn.send(task)
            except (OSError, ValueError):  # died while idle: replace it, resend
                _stop(worker, polite=False)
                self._backlog.appendleft(task)
                continue
            worker.task, worker.deadline = task, time.monotonic() + self._limit
            self._busy.append(worker)

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        proc = self._context.Process(
            target=_serve,
            args=(child, self._settings, self._work),
            daemon=True,
            name="scrape-worker",
        )
        proc.start()
        child.close()
        return _Worker(process=proc, conn=parent)

    def _poll(self, *, timeout: float) -> None:
        if not self._busy:
            return
        waitables: list[Any] = [w.conn for w in self._busy] + [
            w.process.sentinel for w in self._busy
        ]
        ready = set(wait(waitables, timeout=timeout))
        now = time.monotonic()
        for worker in list(self._busy):
            if worker.conn in ready or worker.process.sentinel in ready:
                self._receive(worker)
            elif worker.deadline <= now:
                seconds = f"{self._limit:g}"
                self._fail(worker, f"took longer than {seconds} s (worker stopped)", TIMEOUT)
        self._dispatch()

    def _receive(self, worker: _Worker) -> None:
        try:
            result = worker.conn.recv() if worker.conn.poll() else None
        except (EOFError, OSError):
            result = None
        if isinstance(result, Result):
            self._busy.remove(worker)
            worker.task = None
            self._idle.append(worker)
            self._ready.append(result)
            return
        worker.process.join(timeout=1.0)
        code = worker.process.exitcode
        self._fail(worker, f"the worker cleaning it died (exit code {code})", CRASHED)

    def _fail(self, worker: _Worker, message: str, reason: str) -> None:
        self._busy.remove(worker)
        _stop(worker, polite=False)
        task = worker.task
        assert task is not None
        self._ready.append(
            Result(task.key, error=f"{task.source.location}: {message}", reason=reason)
        )


def _stop(worker: _Worker, *, polite: bool) -> None:
    if polite:
        with contextlib.suppress(OSError, ValueError):
            worker.conn.send(None)
        worker.process.join(timeout=2.0)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(timeout=5.0)
    worker.conn.close()


def _context() -> ForkServerContext | SpawnContext:
    """forkserver: workers start from a clean single-threaded server that has already
    imported the pipeline, so a replacement is quick and never inherits the parent's
    threads (the fetcher's event loop) or locks."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["scraper.parallel"])
    return context


class DaskPool:
    """The same contract on a Dask cluster (dask.distributed): `scheduler` is the address
    of a running one; None starts a LocalCluster of `jobs` single-threaded worker
    processes on loopback. Workers must be able to import `scraper` and read the input
    files; pages read here (WARC records, stdin) travel with their Task."""

    def __init__(
        self, *, jobs: int, settings: Settings, time_limit: float, scheduler: str | None
    ) -> None:
        try:
            distributed = _distributed()
        except ImportError:
            raise SourceError(
                "--engine dask needs Dask: pip install 'scrape[dask]'", source="--engine"
            ) from None
        self._limit = time_limit
        self._cluster: Any = None
        if scheduler is None:
            self._cluster = distributed.LocalCluster(
                n_workers=max(jobs, 1),
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
            )
            scheduler = self._cluster.scheduler_address
        self._client: Any = distributed.Client(scheduler)
        self._settings: Any = self._client.scatter(settings, broadcast=True)
        self._futures: dict[Any, tuple[Task, float]] = {}
        self._ready: deque[Result] = deque()

    @property
    def pending(self) -> int:
        return len(self._futures) + len(self._ready)

    def submit(self, task: Task) -> None:
        future = self._client.submit(clean, task, self._settings, pure=False, retries=0)
        self._futures[future] = (task, time.monotonic() + self._limit)

    def next_result(self, *, block: bool) -> Result | None:
        dask_wait = _distributed().wait
        self._harvest()
        while block and not self._ready and self._futures:
            nearest = min(deadline for _, deadline in self._futures.values())
            timeout = max(nearest - time.monotonic(), 0.0) + 0.01
            dask_wait(list(self._futures), timeout=timeout, return_when="FIRST_COMPLETED")
            self._harvest()
        return self._ready.popleft() if self._ready else None

    def _harvest(self) -> None:
        now = time.monotonic()
        for future, (task, deadline) in list(self._futures.items()):
            if future.done():
                del self._futures[future]
                self._ready.append(_dask_result(future, task))
            elif deadline <= now:
                del self._futures[future]
                future.cancel()
                error = f"{task.source.location}: took longer than {self._limit:g} s"
                self._ready.append(Result(task.key, error=error, reason=TIMEOUT))

    def close(self) -> None:
        self._futures.clear()
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _distributed() -> Any:
    """dask.distributed, an optional dependency (the `dask` extra), imported on use."""
    return importlib.import_module("distributed")


def _dask_result(future: Any, task: Task) -> Result:
    try:
        result = future.result()
    except Exception as exc:  # the worker died (KilledWorker) or the task was lost
        error = f"{task.source.location}: the worker cleaning it failed: {exc!r}"
        return Result(task.key, error=error, reason=CRASHED)
    assert isinstance(result, Result)
    return result


def start(
    *,
    engine: EngineName,
    jobs: int,
    settings: Settings,
    time_limit: float,
    scheduler: str | None = None,
) -> Engine:
    """The engine asked for: Dask, a process pool, or (one job, no pool) Inline."""
    starters: dict[str, Callable[[], Engine]] = {
        "dask": lambda: DaskPool(
            jobs=jobs, settings=settings, time_limit=time_limit, scheduler=scheduler
        ),
        "local": lambda: ProcessPool(jobs=jobs, settings=settings, time_limit=time_limit),
    }
    return starters[engine]()
