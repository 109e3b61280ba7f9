"""Engines that clean pages in parallel: a pool of worker processes on this machine,
or a Dask cluster. The unit of work is one page: a `Task` in, a `Result` out, both
small picklable frozen records; `clean` (scraper.pipeline.process on one page) is the
only code that runs in a worker. The caller (scraper.batch._run) keeps the order, names the
outputs and writes them, so nothing a worker does depends on scheduling.

A page that crashes its worker (a segfault, an out-of-memory kill) or runs past the
time limit fails alone: the local pool kills and replaces that one worker and reports
the page as failed; every other page goes on.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from typing import Any, Literal, Protocol

from scraper import sources
from scraper.errors import (
    DecodeError,
    ExtractionError,
    FetchError,
    OutputError,
    PageTooSlowError,
    RuleError,
    ScraperError,
    SourceError,
)
from scraper.model import Article, RawPage, Source
from scraper.pipeline import process
from scraper.settings import Settings

EngineName = Literal["local", "dask"]
TIMEOUT, CRASHED, INTERNAL = "timeout", "worker crashed", "internal error"
REASONS: tuple[tuple[type[ScraperError], str], ...] = (
    (PageTooSlowError, TIMEOUT),  # the page's own budget ran out (before the worker's kill)
    (ExtractionError, "no article text"),
    (DecodeError, "not decodable"),
    (SourceError, "unreadable"),
    (FetchError, "fetch failed"),
    (RuleError, "bad rule"),
    (OutputError, "not written"),
)
_READY = "ready"  # a new worker's first message
DASK_MISSING = (
    "Dask is not installed: pip install 'dask[distributed]>=2024.1' "
    "(the scrape-news[dask] extra installs the same)"
)
STARTUP = 60.0  # seconds a new worker may take to start, before its first page's limit


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
            raw = sources.read_local(src, settings=settings, stdin=None)
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
    tasks: deque[Task] = field(default_factory=deque)  # sent, in the order it cleans them
    deadline: float = 0.0  # when the task it is on (tasks[0]) runs out of time
    started: bool = False  # it said it is ready


Work = Callable[[Task, Settings], Result]


def _serve(conn: Connection, settings: Settings, work: Work) -> None:
    """A worker process: clean Tasks from the pipe until told to stop (None or EOF)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    conn.send(_READY)  # started: the time limit of its first page counts from here
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(work(task, settings))


class ProcessPool:
    """`jobs` worker processes, each fed through its own pipe and holding at most
    PREFETCH Tasks (one, if it carries its page), so that the parent always knows which
    page a worker is on: a worker that dies or overruns `time_limit` fails that page only
    and is replaced (the pages queued behind it go to another worker)."""

    PREFETCH = 2  # tasks sent ahead to a worker: it never waits while the parent writes

    def __init__(
        self, *, jobs: int, settings: Settings, time_limit: float, work: Work = clean
    ) -> None:
        self._jobs = max(jobs, 1)
        self._work = work  # a module-level function (workers import it by name)
        self._settings = settings
        self._limit = time_limit
        self._context = _context()
        self._workers: list[_Worker] = []
        self._backlog: deque[Task] = deque()
        self._ready: deque[Result] = deque()

    @property
    def pending(self) -> int:
        held = sum(len(worker.tasks) for worker in self._workers)
        return len(self._backlog) + held + len(self._ready)

    def submit(self, task: Task) -> None:
        self._backlog.append(task)
        self._dispatch()

    def next_result(self, *, block: bool) -> Result | None:
        self._poll(timeout=0.0)
        while block and not self._ready and any(w.tasks for w in self._workers):
            nearest = min(w.deadline for w in self._workers if w.tasks)
            self._poll(timeout=max(nearest - time.monotonic(), 0.0) + 0.01)
        return self._ready.popleft() if self._ready else None

    def close(self) -> None:
        for worker in self._workers:
            _stop(worker, polite=not worker.tasks)
        self._workers.clear()
        self._backlog.clear()

    def _dispatch(self) -> None:
        while self._backlog:
            if len(self._workers) < self._jobs:
                self._workers.append(self._start())
            worker = min(self._workers, key=lambda w: len(w.tasks))
            # A page travelling with its task may not fit the pipe's buffer: it goes to an
            # idle worker only, so that sending it never waits on a busy (or hung) one.
            ahead = self.PREFETCH if self._backlog[0].page is None else 1
            if len(worker.tasks) >= ahead:
                return
            task = self._backlog.popleft()
            try:
                worker.conn.send(task)
            except (OSError, ValueError):  # died while idle: replace it, resend its tasks
                self._backlog.appendleft(task)
                self._replace(worker)
                continue
            if not worker.tasks:
                grace = 0.0 if worker.started else STARTUP
                worker.deadline = time.monotonic() + self._limit + grace
            worker.tasks.append(task)

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
        busy = [w for w in self._workers if w.tasks]
        if not busy:
            return
        waitables: list[Any] = [w.conn for w in busy]
        waitables += [w.process.sentinel for w in busy]
        ready = set(wait(waitables, timeout=timeout))
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                self._receive(worker)
            elif worker.deadline <= time.monotonic():
                seconds = f"{self._limit:g}"
                self._fail(worker, f"took longer than {seconds} s (worker stopped)", TIMEOUT)
        self._dispatch()

    def _receive(self, worker: _Worker) -> None:
        while worker.tasks:
            try:
                result = worker.conn.recv() if worker.conn.poll() else None
            except (EOFError, OSError):
                result = None
            if result == _READY:
                worker.started = True
                worker.deadline = time.monotonic() + self._limit
                continue
            if not isinstance(result, Result):
                break
            worker.tasks.popleft()
            worker.deadline = time.monotonic() + self._limit
            self._ready.append(result)
        if worker.process.is_alive() or not worker.tasks:
            return
        worker.process.join(timeout=1.0)
        code = worker.process.exitcode
        self._fail(worker, f"the worker cleaning it died (exit code {code})", CRASHED)

    def _fail(self, worker: _Worker, message: str, reason: str) -> None:
        task = worker.tasks.popleft()
        error = f"{task.source.location}: {message}"
        self._ready.append(Result(task.key, error=error, reason=reason))
        self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """Stop a worker; the tasks it still held go back to the head of the backlog."""
        self._workers.remove(worker)
        _stop(worker, polite=False)
        self._backlog.extendleft(reversed(worker.tasks))
        worker.tasks.clear()


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
    """forkserver: workers start from a clean single-threaded server, so a worker never
    inherits the parent's threads (the fetcher's event loop) or locks.

    Nothing is preloaded in the server: on Python 3.11 it starts with the current
    directory first on sys.path and would import a `scraper/` folder found there (a
    checkout) instead of the package that is running. Each worker is set up with the
    parent's sys.path before it imports anything, so it runs the same package."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    return multiprocessing.get_context("forkserver")


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
            raise SourceError(DASK_MISSING, source="--engine dask") from None
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


def check_engine(engine: EngineName) -> None:
    """Raise SourceError (naming --engine) when the engine cannot run here: Dask is an
    optional dependency."""
    if engine == "dask" and importlib.util.find_spec("distributed") is None:
        raise SourceError(DASK_MISSING, source="--engine dask")
