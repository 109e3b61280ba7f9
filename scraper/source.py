"""Source stage: turn command-line arguments into Sources, and read local ones.

Directories are walked lazily and in a stable (sorted) order, so a million
saved pages cost no memory up front and output names never depend on timing.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from scraper import archive, parse
from scraper.errors import SourceError
from scraper.model import PageKind, RawPage, Source
from scraper.settings import Settings

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
TEXT_SUFFIXES = frozenset({".txt"})
URL_PREFIXES = ("http://", "https://")


def expand(args: Iterable[str], *, url: str | None = None) -> Iterator[Source]:
    """One Source per argument; a directory gives one per page file inside it."""
    for arg in args:
        if arg == "-":
            yield Source(kind="stdin", location="-", name=url or "stdin", url=url)
        elif arg.startswith(URL_PREFIXES) or "://" in arg:
            yield Source(kind="url", location=arg, name=arg, url=arg)
        elif Path(arg).is_dir():
            yield from walk(Path(arg))
        else:
            yield Source(kind="file", location=arg, name=Path(arg).name, url=url)


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


def walk(root: Path) -> Iterator[Source]:
    """Every page file below root, recursively, sorted, named by its relative path."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(dirpath, filename)
            if page_kind(path) is not None:
                name = path.relative_to(root).as_posix()
                yield Source(kind="file", location=str(path), name=name)


def page_kind(path: Path) -> PageKind | None:
    """'html' or 'text' by the file's suffix (a trailing .gz is looked through)."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
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
    """Read a file or stdin into a RawPage. Raises SourceError naming the source."""
    limit = settings.max_input_bytes
    if src.kind == "stdin":
        if stdin is None:
            raise SourceError("no standard input", source="-")
        data = _read_capped(stdin, limit=limit, source="-")
        kind: PageKind | None = None
    else:
        path = Path(src.location)
        data = _read_file(path, limit=limit)
        kind = page_kind(path)
        if path.suffix.lower() == ".gz":
            data = gunzip(data, limit=limit, source=src.location)
        saved = archive.read_sidecar(path)  # a page kept by --save-html
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


__all__ = ["expand", "gunzip", "page_kind", "read_local", "url_list", "walk"]
