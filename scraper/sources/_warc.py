"""WARC and WARC.gz files as sources: every HTML response is a page, named by its URL.

Read with FastWARC (C++, streaming): the archive is walked lazily, one record at a time,
so a multi-gigabyte CC-NEWS file costs the memory of one page. Records that are not
pages (images, redirects, errors, truncated or malformed ones) come out as `Record`s
with a `skipped` reason, to be counted, never raised: one bad record costs nothing else.
A malformed record is stepped over by resynchronising on the next gzip member (or the
next `WARC/1.` line of an uncompressed file).
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from scraper import parse
from scraper.errors import SourceError
from scraper.model import RawPage, Source

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_COUNT_CAP = 1 << 30  # counting reads bodies only to step over them


@dataclass(frozen=True, slots=True)
class Record:
    """One response record of a WARC: its page, or why it is not one."""

    source: Source  # kind "file"; location "<warc>@<offset>", named by the record's URL
    page: RawPage | None = None
    skipped: str | None = None  # "not HTML", "HTTP 404", "truncated", "malformed", ...
    detail: str | None = None  # what exactly (the content type, the parser's message)


def is_warc(path: str | Path) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


def record_at(location: str) -> tuple[Path, int] | None:
    """The WARC file and offset a record's location ("<warc>@<offset>") names, if it
    names one (and is not itself the name of a file)."""
    path, at, offset = location.rpartition("@")
    if not at or not offset.isdigit() or not is_warc(path) or Path(location).exists():
        return None
    return Path(path), int(offset)


def read_record(path: Path, *, offset: int, max_bytes: int) -> RawPage:
    """The page of the record at `offset` (as `records` found it): how a worker that
    can read the archive gets a page without it travelling from the parent."""
    location = f"{path}@{offset}"
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            record = next(iter(_iterate(handle)), None)
            if record is None or record.stream_pos != offset:
                raise SourceError("no WARC record at this offset", source=location)
            found = _record(record, path=path, offset=offset, max_bytes=max_bytes)
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", source=location) from None
    if found.page is None:
        raise SourceError(f"not a page: {found.skipped}", source=location)
    return found.page


def records(path: Path, *, max_bytes: int) -> Iterator[Record]:
    """The response and resource records of a WARC file, lazily, in file order.
    Raises SourceError only when the file cannot be opened at all."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None
    with handle:
        yield from _records(handle, path=path, max_bytes=max_bytes)


def _records(handle: BinaryIO, *, path: Path, max_bytes: int) -> Iterator[Record]:
    gzipped = path.name.lower().endswith(".gz")
    start, owed = 0, None  # owed: a bad stretch seen after a good record, not yet reported
    while True:
        handle.seek(start)
        last = -1
        try:
            for record in _iterate(handle):
                if owed is not None:
                    yield owed
                    owed = None
                last = record.stream_pos  # where the record starts in the file
                yield _record(record, path=path, offset=last, max_bytes=max_bytes)
            break
        except OSError as exc:  # FastWARC's word for a record it cannot parse
            if last < 0:  # the record at `start` itself is bad: report it, look past it
                yield _malformed(path, offset=start, detail=str(exc))
                owed = None
            else:  # somewhere after the record at `last`: resume at the next one
                owed = _malformed(path, offset=last + 1, detail=str(exc))
            resume = _next_record(handle, after=max(last, start) + 1, gzipped=gzipped)
            if resume is None:
                break
            start = resume
    if owed is not None:
        yield owed


def _iterate(handle: BinaryIO) -> ArchiveIterator:
    return ArchiveIterator(
        handle,
        record_types=WarcRecordType.response | WarcRecordType.resource,
        parse_http=True,
        auto_decode="all",
        strict_mode=False,
    )


def _record(record: WarcRecord, *, path: Path, offset: int, max_bytes: int) -> Record:
    url = record.headers.get("WARC-Target-URI")
    url = url.strip("<> ") if url else None
    name = url or f"{path.name}@{offset}"
    src = Source(kind="file", location=f"{path}@{offset}", name=name, url=url)
    if record.headers.get("WARC-Truncated"):
        return Record(src, skipped="truncated", detail=record.headers.get("WARC-Truncated"))
    if record.is_http and record.http_headers.status_code != 200:
        return Record(src, skipped=f"HTTP {record.http_headers.status_code}")
    ctype = _content_type(record)
    body = record.reader.read(max_bytes + 1)
    if len(body) > max_bytes:
        return Record(src, skipped="too large", detail=f"over {max_bytes} bytes")
    if len(body) < record.content_length and not _decoded(record):
        return Record(src, skipped="truncated", detail=f"{len(body)} of {record.content_length}")
    if ctype not in HTML_TYPES and not (ctype is None and parse.looks_like_html(body)):
        return Record(src, skipped="not HTML", detail=ctype or "no content type")
    charset = record.http_charset if record.is_http else None
    headers = (("content-type", ctype),) if ctype else ()
    return Record(src, page=RawPage(body, "html", url=url, charset=charset, headers=headers))


def _content_type(record: WarcRecord) -> str | None:
    value = record.http_content_type if record.is_http else record.headers.get("Content-Type")
    return value.split(";")[0].strip().lower() or None if value else None


def _decoded(record: WarcRecord) -> bool:
    """Whether the body was inflated or de-chunked (its length then differs by design)."""
    if not record.is_http:
        return False
    headers = record.http_headers
    return bool(headers.get("Content-Encoding") or headers.get("Transfer-Encoding"))


def _malformed(path: Path, *, offset: int, detail: str) -> Record:
    src = Source(kind="file", location=f"{path}@{offset}", name=f"{path.name}@{offset}")
    return Record(src, skipped="malformed", detail=detail)


def _next_record(handle: BinaryIO, *, after: int, gzipped: bool) -> int | None:
    """The offset of the next place a record may start, past `after`."""
    try:
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
            found = view.find(_GZIP_MAGIC if gzipped else _WARC_MAGIC, after)
    except ValueError:  # an empty file cannot be mapped
        return None
    return None if found < 0 else found


def count(path: Path) -> int:
    """How many Records `records` gives for the file (for progress totals): it reads the
    archive through, but parses no page. 0 for a file that cannot be read."""
    try:
        return sum(1 for _ in records(path, max_bytes=_COUNT_CAP))
    except SourceError:
        return 0
