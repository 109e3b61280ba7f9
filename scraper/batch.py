"""Run the pipeline over many sources: name outputs, skip what is done, write,
and report one Outcome per source. One bad source never costs the others."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import httpx

from scraper import fetch, output
from scraper.errors import ScraperError
from scraper.model import Article, Source
from scraper.pipeline import pipeline
from scraper.settings import Settings

Status = Literal["done", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class RunOptions:
    fmt: output.Format = "text"
    output_dir: Path | None = None
    force: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    source: Source
    status: Status
    article: Article | None = None
    error: str | None = None
    paths: tuple[Path, ...] = ()

    def record(self) -> dict[str, object]:
        """The JSON object for this source: the article, or the error."""
        if self.article is not None:
            return self.article.to_dict()
        return output.error_record(
            source=self.source.location, url=self.source.url, error=self.error or self.status
        )


def run(
    sources: Iterable[Source],
    *,
    settings: Settings,
    options: RunOptions,
    stdin: BinaryIO | None = None,
) -> Iterator[Outcome]:
    """Process sources one by one, lazily, yielding an Outcome for each."""
    names = _UniqueNames()
    with _SharedClient() as client:
        for src in sources:
            name = names.claim(src)
            yield _run_one(
                src, name=name, settings=settings, options=options, stdin=stdin, client=client
            )


def _run_one(
    src: Source,
    *,
    name: str,
    settings: Settings,
    options: RunOptions,
    stdin: BinaryIO | None,
    client: _SharedClient,
) -> Outcome:
    directory = options.output_dir
    if directory is not None and not options.force and output.is_done(directory, name):
        return Outcome(source=src, status="skipped", error="already done")
    try:
        http = client.get() if src.kind == "url" else None
        article = pipeline(src, settings=settings, stdin=stdin, client=http)
        paths: list[Path] = []
        if directory is not None:
            paths = output.write_article(directory, article, name=name, fmt=options.fmt, force=True)
    except ScraperError as exc:
        return Outcome(source=src, status="failed", error=str(exc))
    except Exception as exc:  # a bug must not cost the other sources their output
        return Outcome(
            source=src, status="failed", error=f"{src.location}: internal error: {exc!r}"
        )
    return Outcome(source=src, status="done", article=article, paths=tuple(paths))


class _SharedClient:
    """One HTTP client for the whole run, made on the first URL only."""

    def __init__(self) -> None:
        self._client: httpx.Client | None = None

    def get(self) -> httpx.Client:
        if self._client is None:
            self._client = fetch.new_client()
        return self._client

    def __enter__(self) -> _SharedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()


class _UniqueNames:
    """Output names, made unique within a run: a second source that maps to a
    name already taken gets a suffix from a hash of its location."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, src: Source) -> str:
        name = output.output_name(src.name)
        if name.casefold() in self._taken:
            digest = hashlib.sha1(src.location.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            name = f"{name}-{digest}"
        self._taken.add(name.casefold())
        return name
