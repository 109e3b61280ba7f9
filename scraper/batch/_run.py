"""Run the pipeline over many sources: name outputs, skip what is done, fetch URLs
concurrently (scraper.fetch), expand sitemaps and feeds (scraper.sources), extract,
write, and report one Outcome per source. One bad source never costs the others.

Outcomes come out in input order (URLs found in a sitemap or feed follow as they are
found), whatever order the fetches finish in; fetching runs ahead of extraction by a
bounded window, so memory stays flat over any number of sources.

Local pages (files, WARC records, stdin) are cleaned by an engine (scraper.batch._engines):
worker processes (`jobs`) or a Dask cluster; this process alone names and writes the
outputs, in input order, so `jobs` and the engine never change what is written.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from scraper import fetch, output, sources
from scraper.batch import _engines as parallel
from scraper.errors import ScraperError, SourceError
from scraper.model import Article, Fetched, RawPage, Source
from scraper.pipeline import process
from scraper.settings import Settings

Status = Literal["done", "failed", "skipped", "listed"]
_WINDOW_PER_SLOT = 8  # sources admitted ahead of the output, per concurrent request
_WINDOW_PER_JOB = 4  # pages handed to the engine ahead of the output, per job
ALREADY_DONE = "already done"
DEFAULT_TIME_LIMIT = 60.0


@dataclass(frozen=True, slots=True)
class RunOptions:
    fmt: output.Format = "text"
    output_dir: Path | None = None
    force: bool = False
    jobs: int = 1  # worker processes (local engine) or pages in flight per job (dask)
    engine: parallel.EngineName = "local"
    scheduler: str | None = None  # a Dask scheduler's address; None starts a local cluster
    time_limit: float = DEFAULT_TIME_LIMIT  # seconds one page may take in a worker


@dataclass(frozen=True, slots=True)
class Outcome:
    source: Source
    status: Status
    article: Article | None = None
    error: str | None = None  # why it failed or was skipped; for "listed", what was found
    paths: tuple[Path, ...] = ()
    reason: str | None = None  # a short category of the failure or skip, for the summary

    def record(self) -> dict[str, object]:
        """The JSON object for this source: the article, or the error (a skipped
        source's also says "status": "skipped", its error being the reason)."""
        if self.article is not None:
            return self.article.to_dict()
        record = output.error_record(
            source=self.source.location, url=self.source.url, error=self.error or self.status
        )
        if self.status != "failed":
            record["status"] = self.status
        return record


def run(
    sources: Iterable[sources.Input],
    *,
    settings: Settings,
    options: RunOptions,
    stdin: BinaryIO | None = None,
) -> Generator[Outcome, None, None]:
    """Process sources, lazily, yielding an Outcome for each (in input order). Closing
    the generator stops the run: its workers and fetches."""
    with _Batch(settings=settings, options=options, stdin=stdin) as runner:
        yield from runner.run(sources)


@dataclass(slots=True)
class _Root:
    """The sitemap or feed source that discovered URLs come from: --limit counts here."""

    pages: int = 0
    sitemaps: int = 0


@dataclass(slots=True)
class _Item:
    """One admitted source, from admission until its Outcome is out."""

    src: Source
    name: str
    listing: bool = False  # a source argument that may be a sitemap or feed
    root: _Root | None = None
    outcome: Outcome | None = None  # known at admission (already done)
    result: fetch.CrawlResult | None = None
    page: RawPage | None = None  # read here (stdin), cleaned by the engine
    cleaned: parallel.Result | None = None
    waiting: bool = field(default=False)  # submitted to the crawler, no result yet
    engine: bool = False  # submitted to the engine, no result yet


class _Batch:
    def __init__(self, *, settings: Settings, options: RunOptions, stdin: BinaryIO | None):
        self.settings = settings
        self.options = options
        self.stdin = stdin
        self._names = _UniqueNames()
        self._order: deque[_Item] = deque()  # admitted, Outcome not yet given, in order
        self._found: deque[_Item] = deque()  # discovered by listings, not yet admitted
        self._keys: dict[int, _Item] = {}  # submitted to the crawler, by job key
        self._tasks: dict[int, _Item] = {}  # submitted to the engine, by task key
        self._next_key = 0
        self._seen: set[str] = set()
        self._stack = ExitStack()
        self._crawler: fetch.Crawler | None = None
        self._engine: parallel.Engine | None = None
        self._single = False  # only one input: clean it here, start no workers
        self._window = max(
            settings.fetch.concurrency * _WINDOW_PER_SLOT, options.jobs * _WINDOW_PER_JOB, 16
        )

    def __enter__(self) -> _Batch:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def run(self, sources: Iterable[sources.Input]) -> Iterator[Outcome]:
        inputs = iter(sources)
        first = list(itertools.islice(inputs, 2))
        self._single = len(first) < 2 and self.options.engine == "local"
        inputs = itertools.chain(first, inputs)
        more = True
        while True:
            if len(self._order) < self._window and (self._found or more):
                if self._found:
                    self._admit(self._found.popleft())
                else:
                    given = next(inputs, None)
                    more = given is not None
                    if given is not None:
                        self._admit(self._given(given))
                yield from self._emit(block=False)
            elif self._order:
                yield from self._emit(block=True)
            else:
                return

    def _given(self, given: sources.Input) -> _Item:
        if isinstance(given, Source) and given.kind == "stdin":
            return self._stdin(given)
        if isinstance(given, Source):
            return self._item(given, listing=given.kind == "url")
        if isinstance(given, SourceError):  # an argument that gave nothing, a bad folder
            where = given.source or "?"
            src = Source(kind="file", location=where, name=where)
            fail = Outcome(src, "failed", error=str(given), reason=parallel.reason_of(given))
            return _Item(src=src, name="", outcome=fail)
        if given.page is None:  # a WARC record that is no page: counted, never named
            error = f"{given.source.location}: {given.skipped}" + (
                f" ({given.detail})" if given.detail else ""
            )
            skip = Outcome(given.source, "skipped", error=error, reason=given.skipped)
            return _Item(src=given.source, name="", outcome=skip)
        # Only the record's place travels: the worker reads it from the archive again
        # (a seek and one small inflate), so no page crosses a pipe or the network.
        return self._item(given.source)

    def _stdin(self, src: Source) -> _Item:
        """Stdin is read at admission (workers cannot read it): without --url, its
        outputs are named from its content, so that another input gets other files."""
        try:
            page = sources.read_local(src, settings=self.settings, stdin=self.stdin)
        except ScraperError as exc:
            failed = Outcome(src, "failed", error=str(exc), reason=parallel.reason_of(exc))
            return _Item(src=src, name="", outcome=failed)
        name = output.output_name(src.name) if src.url else output.stdin_name(page.content)
        item = self._item(src, name=name)
        item.page = page
        return item

    def _item(
        self,
        src: Source,
        *,
        listing: bool = False,
        root: _Root | None = None,
        name: str | None = None,
    ) -> _Item:
        """`name`: the outputs' name, when not the one of the source's name."""
        name = self._names.claim(name or output.output_name(src.name), location=src.location)
        item = _Item(src=src, name=name, listing=listing, root=root)
        if self._done(name):
            item.outcome = Outcome(src, "skipped", error=ALREADY_DONE, reason=ALREADY_DONE)
        return item

    def _done(self, name: str) -> bool:
        """Whether earlier runs wrote every file this format needs (never with --force)."""
        options = self.options
        if options.output_dir is None or options.force:
            return False
        return output.is_done(options.output_dir, name, fmt=options.fmt)

    def _admit(self, item: _Item) -> None:
        self._order.append(item)
        if item.outcome is not None:
            item.page = None
            return
        if item.src.kind != "url":
            self._submit(item)
            return
        url = item.src.location
        cache = self.settings.fetch.cache
        hit = fetch.lookup_cached(cache, url) if cache is not None else None
        if hit is not None:
            item.result = fetch.CrawlResult(key=0, url=url, fetched=hit, attempts=0)
            return
        self._next_key += 1
        key = self._next_key
        self._keys[key] = item
        item.waiting = True
        self._crawler_started().submit(fetch.Job(key=key, url=url, listing=item.listing))

    def _submit(self, item: _Item) -> None:
        """Hand a local page to the engine (stdin's page was read at admission)."""
        self._next_key += 1
        key = self._next_key
        self._tasks[key] = item
        item.engine = True
        task = parallel.Task(key=key, source=item.src, page=item.page)
        item.page = None  # the engine holds it now; the item must not keep it alive
        self._engine_started().submit(task)

    def _engine_started(self) -> parallel.Engine:
        if self._engine is None:
            options = self.options
            if self._single:
                self._engine = parallel.Inline(self.settings)
            else:
                self._engine = parallel.start(
                    engine=options.engine,
                    jobs=options.jobs,
                    settings=self.settings,
                    time_limit=options.time_limit,
                    scheduler=options.scheduler,
                )
            self._stack.callback(self._engine.close)
        return self._engine

    def _crawler_started(self) -> fetch.Crawler:
        if self._crawler is None:
            self._crawler = self._stack.enter_context(fetch.Crawler(self.settings.fetch))
        return self._crawler

    def _emit(self, *, block: bool) -> Iterator[Outcome]:
        """Outcomes of the items at the head of the order that are ready; when `block`,
        wait until at least the head is."""
        self._collect(block=False)
        while self._order:
            head = self._order[0]
            if head.waiting or head.engine:
                if not block:
                    return
                self._collect(block=True, engine=head.engine)
                continue
            self._order.popleft()
            block = False
            yield self._finish(head)

    def _collect(self, *, block: bool, engine: bool = False) -> None:
        """Take finished pages from the engine and finished fetches from the crawler;
        when `block`, wait for at least one (from the engine if `engine`)."""
        self._cleaned(block=block and engine)
        if self._crawler is None:
            return
        block = block and not engine
        while self._crawler.pending:
            result = self._crawler.next_result(block=block)
            if result is None:
                return
            item = self._keys.pop(result.key)
            item.result, item.waiting = result, False
            block = False

    def _cleaned(self, *, block: bool) -> None:
        if self._engine is None:
            return
        while self._engine.pending:
            cleaned = self._engine.next_result(block=block)
            if cleaned is None:
                return
            item = self._tasks.pop(cleaned.key)
            item.cleaned, item.engine = cleaned, False
            block = False

    def _finish(self, item: _Item) -> Outcome:
        src = item.src
        try:
            return self._outcome(item)
        except ScraperError as exc:
            return Outcome(src, "failed", error=str(exc), reason=parallel.reason_of(exc))
        except Exception as exc:  # a bug must not cost the other sources their output
            error = f"{src.location}: internal error: {exc!r}"
            return Outcome(src, "failed", error=error, reason=parallel.INTERNAL)

    def _outcome(self, item: _Item) -> Outcome:
        if item.outcome is not None:
            return item.outcome
        src = item.src
        if item.cleaned is not None:
            cleaned = item.cleaned
            if cleaned.article is None:
                return Outcome(src, "failed", error=cleaned.error, reason=cleaned.reason)
            return self._write(item, cleaned.article)
        result = item.result
        assert result is not None
        if result.skipped is not None:
            error = f"{src.location}: {result.skipped}"
            return Outcome(src, "skipped", error=error, reason="robots.txt")
        if result.error is not None:
            tries = f" (after {result.attempts} attempts)" if result.attempts > 1 else ""
            return Outcome(src, "failed", error=f"{result.error}{tries}", reason="fetch failed")
        assert result.fetched is not None
        return self._fetched(item, result.fetched, from_cache=result.attempts == 0)

    def _fetched(self, item: _Item, fetched: Fetched, *, from_cache: bool) -> Outcome:
        src = item.src
        if item.listing:
            cap = self.settings.fetch.max_bytes
            listing = sources.read_listing(fetched, settings=self.settings.discover, cap=cap)
            if listing is not None:
                return self._expand(item, listing)
        raw = fetch.as_page(fetched)
        if not from_cache and self.settings.fetch.cache is not None:
            fetch.store_cached(self.settings.fetch.cache, src.location, fetched)
        if self.settings.fetch.save_html is not None:
            fetch.save_page(
                self.settings.fetch.save_html, item.name, requested=src.location, fetched=fetched
            )
        url = raw.url or src.url
        article = process(raw, source_name=src.location, url=url, settings=self.settings)
        return self._write(item, article)

    def _write(self, item: _Item, article: Article) -> Outcome:
        paths: list[Path] = []
        directory = self.options.output_dir
        if directory is not None:
            paths = output.write_article(
                directory, article, name=item.name, fmt=self.options.fmt, force=self.options.force
            )
        return Outcome(source=item.src, status="done", article=article, paths=tuple(paths))

    def _expand(self, item: _Item, listing: sources.Listing) -> Outcome:
        root = item.root or _Root()
        limits = self.settings.discover
        pages = sitemaps = 0
        for url in listing.sitemaps:
            if root.sitemaps < limits.max_sitemaps and url not in self._seen:
                self._seen.add(url)
                root.sitemaps += 1
                sitemaps += 1
                found = Source(kind="url", location=url, name=url, url=url)
                self._found.append(self._item(found, listing=True, root=root))
        for url in listing.pages:
            if (limits.limit is None or root.pages < limits.limit) and url not in self._seen:
                self._seen.add(url)
                root.pages += 1
                pages += 1
                self._found.append(self._item(Source("url", url, url, url=url), root=root))
        found_what = f"{pages} article URLs" + (f", {sitemaps} sitemaps" if sitemaps else "")
        return Outcome(source=item.src, status="listed", error=f"{listing.kind}: {found_what}")


class _UniqueNames:
    """Output names, unique within a run. output.output_name is one-to-one, so only
    sources with the same name meet here (one file name given from two folders, two
    records of one URL in a WARC): the later one's name gets `--` and a digest of its
    location, a form output_name never gives."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, name: str, *, location: str) -> str:
        """`name` (from output_name), or, when a source of this run has it already, a
        name made from it and `location`."""
        if name.casefold() in self._taken:
            name = f"{name}--{output.digest(location)}"
        self._taken.add(name.casefold())
        return name
