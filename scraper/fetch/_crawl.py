"""Many URLs at once, politely: an asyncio loop in a background thread drives
scraper.fetch's fetch_async while the caller's thread extracts the pages that are done.

    with Crawler(settings.fetch) as crawler:
        crawler.submit(Job(key=1, url="https://example.com/a"))
        result = crawler.next_result()

Politeness, per host (scheme, host and port): at most `per_host` requests in flight,
their starts at least `delay` seconds apart (or the robots.txt Crawl-delay, bounded),
and robots.txt obeyed (fetched once per host, parsed by Protego; RFC 9309: a 4xx means
no rules, an unreachable one means nothing may be fetched). Only a Disallow skips a URL;
one not fetched because robots.txt was unreachable has failed, with that reason. All
hosts together have at most `concurrency` requests in flight. Connect errors, timeouts,
408, 429 and 5xx are retried with exponential backoff and jitter, honouring Retry-After
up to a bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import random
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import httpx
from protego import Protego

from scraper.errors import (
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    RetryableStatusError,
    RobotsUnavailableError,
    ScraperError,
    TransportError,
)
from scraper.fetch import _client as client
from scraper.model import Fetched
from scraper.settings import FetchSettings

_RETRYABLE = (TransportError, FetchTimeout, RetryableStatusError)
_ROBOTS_MAX_BYTES = 512 * 1024  # read of a robots.txt (RFC 9309: parse at least 500 KiB)
_ROBOTS_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Job:
    """One URL to fetch; `key` is the caller's, handed back in the Result."""

    key: int
    url: str
    listing: bool = False  # may be a sitemap or feed: XML and gzip content types accepted


@dataclass(frozen=True, slots=True)
class Result:
    """What became of a Job: the response, an error, or a reason it was skipped."""

    key: int
    url: str
    fetched: Fetched | None = None
    error: ScraperError | None = None
    skipped: str | None = None  # e.g. disallowed by robots.txt
    attempts: int = 1


@dataclass(slots=True)
class _Host:
    """Politeness state of one host (touched on the loop's thread only)."""

    slots: asyncio.Semaphore
    delay: float
    next_start: float = 0.0
    robots: asyncio.Future[Protego | FetchError] | None = None  # rules, or why none are known


@dataclass(frozen=True, slots=True)
class _Want:
    """What a request takes: the content types, and whether a body over the cap is cut
    to it (robots.txt) rather than refused."""

    accept: frozenset[str]
    truncate: bool = False


@dataclass(slots=True)
class _Attempts:
    count: int = 0
    errors: list[ScraperError] = field(default_factory=list)


class Crawler:
    """Fetches submitted Jobs concurrently on a private event loop thread."""

    def __init__(self, settings: FetchSettings, *, seed: int | None = None) -> None:
        self.settings = settings
        self._results: queue.Queue[Result] = queue.Queue()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._futures: set[Future[None]] = set()
        self._hosts: dict[str, _Host] = {}
        self._rng = random.Random(seed)
        self._client: httpx.AsyncClient | None = None
        self._slots: asyncio.Semaphore | None = None
        self.pending = 0  # submitted, result not yet taken (the caller's thread only)

    def __enter__(self) -> Crawler:
        self._thread.start()
        self._call(self._open())
        return self

    def __exit__(self, *exc: object) -> None:
        for future in list(self._futures):
            future.cancel()
        with contextlib.suppress(Exception):
            self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def submit(self, job: Job) -> None:
        """Queue a job; its Result comes out of next_result()."""
        future = asyncio.run_coroutine_threadsafe(self._run(job), self._loop)
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)
        self.pending += 1

    def next_result(self, *, block: bool = True) -> Result | None:
        """The next finished job, in completion order; None when none is ready and
        not `block`."""
        try:
            result = self._results.get(block=block)
        except queue.Empty:
            return None
        self.pending -= 1
        return result

    def _call(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result()  # type: ignore[arg-type]

    async def _open(self) -> None:
        self._client = client.new_async_client(self.settings)
        self._slots = asyncio.Semaphore(self.settings.concurrency)

    async def _close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        # Async generators left suspended (a body abandoned at its cap, a response closed
        # unread) are finalised here, while the loop runs, not by the garbage collector
        # after it is closed ("Task was destroyed but it is pending").
        await asyncio.get_running_loop().shutdown_asyncgens()

    async def _run(self, job: Job) -> None:
        tries = _Attempts()
        try:
            result = await self._fetch_job(job, tries)
        except ScraperError as exc:
            result = Result(key=job.key, url=job.url, error=exc, attempts=tries.count)
        except Exception as exc:  # a bug must not lose the job's result
            error = FetchError(f"internal error: {exc!r}", url=job.url)
            result = Result(key=job.key, url=job.url, error=error, attempts=tries.count)
        self._results.put(result)

    async def _fetch_job(self, job: Job, tries: _Attempts) -> Result:
        client.check_url(job.url)  # before robots.txt and the host's delay
        host = self._host(job.url)
        if self.settings.robots:
            refusal = await self._robots_refusal(job.url, host)
            if refusal is not None:
                return Result(key=job.key, url=job.url, skipped=refusal, attempts=0)
        want = _Want(accept=client.LISTING_TYPES if job.listing else client.PAGE_TYPES)
        fetched = await self._with_retries(job.url, host, self.settings, want, tries)
        return Result(key=job.key, url=job.url, fetched=fetched, attempts=tries.count)

    def _host(self, url: str) -> _Host:
        split = urlsplit(url)
        key = f"{split.scheme}://{split.netloc}".lower()
        host = self._hosts.get(key)
        if host is None:
            host = _Host(slots=asyncio.Semaphore(self.settings.per_host), delay=self.settings.delay)
            self._hosts[key] = host
        return host

    async def _with_retries(
        self,
        url: str,
        host: _Host,
        settings: FetchSettings,
        want: _Want,
        tries: _Attempts,
    ) -> Fetched:
        while True:
            tries.count += 1
            try:
                return await self._polite_fetch(url, host, settings, want)
            except _RETRYABLE as exc:
                if tries.count > settings.retries:
                    raise
                wait = self._wait_before_retry(exc, attempt=tries.count)
                host.next_start = max(host.next_start, time.monotonic() + wait)
                await asyncio.sleep(wait)

    def _wait_before_retry(self, exc: FetchError, *, attempt: int) -> float:
        """Retry-After when the server gave one (raising when it asks for more than the
        bound), else exponential backoff with jitter."""
        bound = self.settings.max_retry_wait
        told = exc.retry_after if isinstance(exc, RetryableStatusError) else None
        if told is not None:
            if told > bound:
                raise RetryableStatusError(
                    f"{exc.message} (Retry-After {told:g} s is over the {bound:g} s bound)",
                    url=exc.url or "",
                    status=exc.status or 0,
                    retry_after=told,
                ) from None
            return told
        backoff = self.settings.backoff * 2 ** (attempt - 1)
        return float(min(backoff * self._rng.uniform(0.5, 1.5), bound))

    async def _polite_fetch(
        self, url: str, host: _Host, settings: FetchSettings, want: _Want
    ) -> Fetched:
        """The request, once a host slot and a global one are held and the host's
        delay has passed since its last request started. The start is stamped at the
        send, after the global slot (stamping it when the request was scheduled let a
        request delayed by the global limit start close behind the next one)."""
        assert self._client is not None and self._slots is not None
        async with host.slots:
            await _host_turn(host)  # waiting here holds no global slot
            async with self._slots:
                await _host_turn(host)  # another request may have started meanwhile
                host.next_start = time.monotonic() + host.delay

                def sent() -> None:  # connecting took time: the delay counts from here
                    host.next_start = max(host.next_start, time.monotonic() + host.delay)

                return await client.fetch_async(
                    url,
                    settings=settings,
                    client=self._client,
                    accept=want.accept,
                    truncate=want.truncate,
                    on_send=sent,
                )

    async def _robots_refusal(self, url: str, host: _Host) -> str | None:
        """None when robots.txt lets us fetch `url`, the reason when it disallows it.
        Raises RobotsUnavailableError (naming `url`) when robots.txt could not be had."""
        if host.robots is None:
            future: asyncio.Future[Protego | FetchError] = (
                asyncio.get_running_loop().create_future()
            )
            host.robots = future
            try:
                future.set_result(await self._load_robots(url, host))
            except BaseException:  # cancelled: the jobs waiting on it must not hang
                future.set_result(FetchError("robots.txt could not be read", url=url))
                raise
        rules = await host.robots
        if isinstance(rules, FetchError):
            raise RobotsUnavailableError(rules.message, url=url, status=rules.status)
        if not rules.can_fetch(url, self.settings.user_agent):
            return "disallowed by robots.txt"
        return None

    async def _load_robots(self, url: str, host: _Host) -> Protego | FetchError:
        split = urlsplit(url)
        robots_url = f"{split.scheme}://{split.netloc}/robots.txt"
        settings = replace(
            self.settings,
            max_bytes=_ROBOTS_MAX_BYTES + 1,  # one byte more tells a longer file
            timeout=min(self.settings.timeout, _ROBOTS_TIMEOUT),
        )
        want = _Want(accept=client.PAGE_TYPES, truncate=True)
        tries = _Attempts()
        try:
            got = await self._with_retries(robots_url, host, settings, want, tries)
        except _RETRYABLE as exc:  # unreachable: RFC 9309 says assume complete disallow
            after = f", after {tries.count} attempts" if tries.count > 1 else ""
            return FetchError(
                f"robots.txt unreachable ({exc.message}{after}), so nothing on the host is fetched",
                url=robots_url,
                status=exc.status,
            )
        except (HTTPStatusError, FetchError):  # 4xx, not text: no rules
            return Protego.parse("")
        rules = Protego.parse(_robots_text(got.content))
        delay = rules.crawl_delay(self.settings.user_agent)
        if delay is not None:
            host.delay = max(host.delay, min(float(delay), self.settings.max_crawl_delay))
        return rules


async def _host_turn(host: _Host) -> None:
    """Wait until the host's next request may start (its delay, or a retry's wait)."""
    while (wait := host.next_start - time.monotonic()) > 0:
        await asyncio.sleep(wait)


def _robots_text(content: bytes) -> str:
    """The robots.txt to parse: all of it, or, when it is longer than _ROBOTS_MAX_BYTES,
    the lines that end within them (RFC 9309 2.5 lets a crawler stop after 500 KiB;
    rules past the cap are not seen, and a line the cap cuts is dropped, not half read)."""
    if len(content) > _ROBOTS_MAX_BYTES:
        content = content[: content.rfind(b"\n", 0, _ROBOTS_MAX_BYTES) + 1]
    return content.decode("utf-8", errors="replace")
