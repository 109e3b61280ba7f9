"""Source stage: turn command-line arguments into Sources, and read local ones.

Directories, globs and WARC files are walked lazily and in a stable (sorted) order,
so a million saved pages cost no memory up front and output names never depend on
timing. A WARC gives `warc.Record`s (the page read from the archive), the rest Sources. An
argument that gives nothing to read (an empty directory, a glob matching nothing) and a
folder that cannot be read give a SourceError in their place, in order, for the batch to
report as failed: nothing to do is no success, and one bad input costs no other its output.
"""

from __future__ import annotations

import fnmatch
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from scraper import fetch, parse
from scraper.errors import SourceError
from scraper.model import PageKind, RawPage, Source
from scraper.settings import Settings
from scraper.sources import _warc as warc

# Saved pages, as browsers and mirrors (wget, HTTrack) name them.
HTML_SUFFIXES = frozenset(
    {".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp", ".cfm"}
)
TEXT_SUFFIXES = frozenset({".txt"})
URL_PREFIXES = ("http://", "https://")
GLOB_CHARS = frozenset("*?[")
# What expand() gives: a source to read, a page already read, or why an argument gave none.
Input = Source | warc.Record | SourceError
MAX_WARC_RECORD = 100 * 1024 * 1024  # bytes of one record's body (Settings.max_input_bytes)
GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 4096  # of a file without a suffix, read to tell whether it is a page
# An HTML document's start, after a BOM, an XML declaration and comments.
_HTML_HEAD = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html|head|body)(?=[\s>])",
    re.IGNORECASE | re.DOTALL,
)


def expand(
    args: Iterable[str], *, url: str | None = None, max_bytes: int = MAX_WARC_RECORD
) -> Iterator[Input]:
    """One Source per argument; a directory or glob gives one per page file in it, a
    WARC file one Record per response record (`max_bytes`: the cap on one record).
    Never raises for one argument: a SourceError takes its place (see the module)."""
    for arg in args:
        if arg == "-":
            yield Source(kind="stdin", location="-", name=url or "stdin", url=url)
        elif arg.startswith(URL_PREFIXES) or "://" in arg:
            yield Source(kind="url", location=arg, name=arg, url=arg)
        elif Path(arg).is_dir():
            pages = _pages(walk(Path(arg)), max_bytes=max_bytes)
            yield from _some(pages, empty=SourceError("no page files in the directory", source=arg))
        elif is_glob(arg) and not Path(arg).exists():
            pages = _pages(glob(arg), max_bytes=max_bytes)
            yield from _some(pages, empty=SourceError("the glob matches no page files", source=arg))
        elif warc.is_warc(arg):
            records = _records(Path(arg), max_bytes=max_bytes)
            yield from _some(records, empty=SourceError("no records in the WARC file", source=arg))
        else:
            yield Source(kind="file", location=arg, name=Path(arg).name, url=url)


def _pages(sources: Iterable[Source | SourceError], *, max_bytes: int) -> Iterator[Input]:
    for src in sources:
        if isinstance(src, Source) and warc.is_warc(src.location):
            yield from _records(Path(src.location), max_bytes=max_bytes)
        else:
            yield src


def _records(path: Path, *, max_bytes: int) -> Iterator[Input]:
    """A WARC's records; a WARC that cannot be opened gives its SourceError."""
    try:
        yield from warc.records(path, max_bytes=max_bytes)
    except SourceError as exc:
        yield exc


def _some(inputs: Iterable[Input], *, empty: SourceError) -> Iterator[Input]:
    """The inputs, or `empty` when there are none."""
    found = False
    for given in inputs:
        found = True
        yield given
    if not found:
        yield empty


def count(args: Iterable[str]) -> int:
    """How many inputs expand() gives for these arguments, found without reading pages
    (a WARC's records are counted from their headers): the total for a progress bar."""
    total = 0
    for arg in args:
        if arg == "-" or arg.startswith(URL_PREFIXES) or "://" in arg:
            total += 1
            continue
        path = Path(arg)
        files = (
            walk(path)
            if path.is_dir()
            else glob(arg)
            if is_glob(arg) and not path.exists()
            else [Source("file", arg, arg)]
        )
        found = sum(_count_one(src) for src in files)
        total += max(found, 1)  # nothing found: one SourceError
    return total


def _count_one(src: Source | SourceError) -> int:
    if isinstance(src, Source) and warc.is_warc(src.location):
        return warc.count(Path(src.location)) or 1  # unreadable: one SourceError
    return 1


def url_list(path: str, *, stdin: BinaryIO | None) -> Iterator[Source]:
    """The URLs of a list file (`-`: stdin), one per line; blank lines and `#` comments
    are skipped. The file is opened now (raising SourceError), its lines read lazily."""
    if path == "-":
        if stdin is None:
            raise SourceError("no standard input", source="-")
        return _url_lines(stdin)
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 (closed by _url_lines)
    except FileNotFoundError:
        raise SourceError("no such file", source=path) from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", source=path) from None
    return _url_lines(handle, close=True)


def _url_lines(handle: BinaryIO, *, close: bool = False) -> Iterator[Source]:
    try:
        for raw in handle:
            line = raw.decode("utf-8", errors="replace").strip().lstrip("\ufeff")
            if line and not line.startswith("#"):
                yield Source(kind="url", location=line, name=line, url=line)
    finally:
        if close:
            handle.close()


def walk(root: Path) -> Iterator[Source | SourceError]:
    """Every page file (and WARC) below root, recursively, sorted, named by its
    relative path; a folder that cannot be read gives a SourceError in its place."""
    errors: list[OSError] = []  # os.walk reports an unreadable folder here, then goes on
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        yield from _unreadable(errors)
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath, filename)
            if is_input_file(path):
                name = path.relative_to(root).as_posix()
                yield Source(kind="file", location=str(path), name=name)
    yield from _unreadable(errors)


def _unreadable(errors: list[OSError]) -> Iterator[SourceError]:
    while errors:
        yield _folder_error(errors.pop(0))


def _folder_error(exc: OSError) -> SourceError:
    """The SourceError of a folder that cannot be listed, naming it."""
    why = (exc.strerror or str(exc)).lower()
    return SourceError(f"cannot read the folder: {why}", source=str(exc.filename or "?"))


def gives_many(arg: str) -> bool:
    """Whether an argument may stand for many inputs: a directory, a glob or a WARC."""
    if arg == "-" or "://" in arg:
        return False
    return Path(arg).is_dir() or warc.is_warc(arg) or (is_glob(arg) and not Path(arg).exists())


def is_glob(arg: str) -> bool:
    return not GLOB_CHARS.isdisjoint(arg)


def glob(pattern: str) -> Iterator[Source | SourceError]:
    """The page files (and WARCs) a glob pattern matches (`**` spans folders), walked
    lazily in sorted order, named by their path below the pattern's fixed folder; a
    folder that cannot be read gives a SourceError in its place."""
    parts = Path(pattern).parts
    fixed = next((i for i, part in enumerate(parts) if is_glob(part)), len(parts))
    root = Path(*parts[:fixed]) if fixed else Path(".")
    for path in _glob_walk(root, parts[fixed:]):
        if isinstance(path, SourceError):
            yield path
        elif is_input_file(path):
            yield Source(kind="file", location=str(path), name=path.relative_to(root).as_posix())


def _glob_walk(folder: Path, parts: tuple[str, ...]) -> Iterator[Path | SourceError]:
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        yield _folder_error(exc)
        return
    if head == "**":
        yield from _glob_walk(folder, rest)
        for entry in entries:
            if entry.is_dir() and not entry.name.startswith("."):
                yield from _glob_walk(Path(entry.path), parts)
        return
    hidden_ok = head.startswith(".")
    for entry in entries:
        if not fnmatch.fnmatchcase(entry.name, head) or (
            entry.name.startswith(".") and not hidden_ok
        ):
            continue
        if rest and entry.is_dir():
            yield from _glob_walk(Path(entry.path), rest)
        elif not rest and entry.is_file():
            yield Path(entry.path)


def is_input_file(path: Path) -> bool:
    """Whether a file met in a directory or glob is read: a page by its suffix, a WARC,
    or a file without a suffix (as wget and HTTrack save pages) that starts like HTML.
    Only those are opened, so that a walk stays cheap however many files there are."""
    if page_kind(path) is not None or warc.is_warc(path):
        return True
    return not _suffixes(path) and path.is_file() and _starts_like_html(path)


def _starts_like_html(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return True  # let reading it report why it cannot be read
    return _HTML_HEAD.match(head) is not None


def _suffixes(path: Path) -> list[str]:
    """The file's last two suffixes, lowercased; a query string that wget kept in the
    name ("story.php?id=3") is no part of them."""
    return [s.lower() for s in Path(path.name.split("?", 1)[0]).suffixes[-2:]]


def page_kind(path: Path) -> PageKind | None:
    """'html' or 'text' by the file's suffix (a trailing .gz is looked through)."""
    suffixes = _suffixes(path)
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if not suffixes:
        return None
    if suffixes[-1] in HTML_SUFFIXES:
        return "html"
    if suffixes[-1] in TEXT_SUFFIXES:
        return "text"
    return None


def read_local(src: Source, *, settings: Settings, stdin: BinaryIO | None) -> RawPage:
    """Read a file, a WARC record ("<warc>@<offset>") or stdin into a RawPage. Raises
    SourceError naming the source."""
    limit = settings.max_input_bytes
    if src.kind == "stdin":
        if stdin is None:
            raise SourceError("no standard input", source="-")
        data = _read_capped(stdin, limit=limit, source="-")
        if data.startswith(GZIP_MAGIC):  # `cat page.html.gz | scrape -`
            data = gunzip(data, limit=limit, source="-")
        kind: PageKind | None = None
    elif (record := warc.record_at(src.location)) is not None:
        return warc.read_record(record[0], offset=record[1], max_bytes=limit)
    else:
        path = Path(src.location)
        data = _read_file(path, limit=limit)
        kind = page_kind(path)
        if path.suffix.lower() == ".gz":
            data = gunzip(data, limit=limit, source=src.location)
        saved = fetch.read_sidecar(path)  # a page kept by --save-html
        if saved is not None:
            url = src.url or saved.url
            kind = kind or "html"
            return RawPage(data, kind, url=url, charset=saved.charset, headers=saved.headers)
    if kind is None:
        kind = "html" if parse.looks_like_html(data) else "text"
    return RawPage(content=data, kind=kind, url=src.url)


def _read_file(path: Path, *, limit: int) -> bytes:
    try:
        with path.open("rb") as handle:
            return _read_capped(handle, limit=limit, source=str(path))
    except FileNotFoundError:
        raise SourceError("no such file", source=str(path)) from None
    except IsADirectoryError:
        raise SourceError("is a directory", source=str(path)) from None
    except PermissionError:
        raise SourceError("permission denied", source=str(path)) from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None


def _read_capped(handle: BinaryIO, *, limit: int, source: str) -> bytes:
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise SourceError(f"larger than the {limit // (1024 * 1024)} MB input limit", source=source)
    return data


def gunzip(data: bytes, *, limit: int, source: str) -> bytes:
    """Decompress, never producing more than limit bytes (a gzip bomb costs the cap)."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error:
        raise SourceError("not a valid gzip file", source=source) from None
    if len(out) > limit or decompressor.unconsumed_tail:
        raise SourceError("larger than the input limit once decompressed", source=source)
    return out


__all__ = [
    "count",
    "expand",
    "gives_many",
    "glob",
    "gunzip",
    "is_input_file",
    "page_kind",
    "read_local",
    "url_list",
    "walk",
]
