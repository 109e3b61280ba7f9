"""Batch: the pipeline over many sources (`_run`: order, names, resume, fetching ahead),
the pages cleaned by an engine (`_engines`: worker processes, or a Dask cluster)."""

from scraper.batch._engines import (
    CRASHED,
    INTERNAL,
    TIMEOUT,
    Engine,
    EngineName,
    Inline,
    ProcessPool,
    Result,
    Task,
    check_engine,
    clean,
    reason_of,
    start,
)
from scraper.batch._run import (
    ALREADY_DONE,
    DEFAULT_TIME_LIMIT,
    Outcome,
    RunOptions,
    Status,
    run,
)

__all__ = [
    "ALREADY_DONE",
    "CRASHED",
    "DEFAULT_TIME_LIMIT",
    "INTERNAL",
    "TIMEOUT",
    "Engine",
    "EngineName",
    "Inline",
    "Outcome",
    "ProcessPool",
    "Result",
    "RunOptions",
    "Status",
    "Task",
    "check_engine",
    "clean",
    "reason_of",
    "run",
    "start",
]
