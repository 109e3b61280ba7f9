"""Reading the development corpus: one Case per `<source>/<case-id>/` folder,
its page decoded once, before any extractor runs, so every extractor gets the same str."""

from __future__ import annotations

import codecs
import gzip
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOURCES = ("fundus", "readability", "trafilatura")
FALLBACK_URL = "https://example.com/article.html"
SNIFF_BYTES = 16_384
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG encoding labels that mean a superset of what Python's codec of that name decodes.
WHATWG = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "tis-620": "cp874",
}


class CorpusError(Exception):
    """The corpus is missing or a case in it cannot be read."""


@dataclass(frozen=True, slots=True)
class Expected:
    title: str | None
    authors: tuple[str, ...]
    date: str | None
    site_name: str | None
    description: str | None
    language: str | None
    text: str | None
    want: tuple[str, ...]  # the `with` snippets
    avoid: tuple[str, ...]  # the `without` snippets


@dataclass(frozen=True, slots=True)
class Case:
    source: str
    case: str
    url: str
    html: str
    charset: str  # how `html` was decoded
    expected: Expected


def default_corpus() -> Path:
    return Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def declared_charset(content: bytes) -> str | None:
    """The charset the page declares: a byte-order mark, else a <meta> charset."""
    for bom, name in BOMS:
        if content.startswith(bom):
            return name
    match = META_CHARSET.search(content[:SNIFF_BYTES])
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").lower()
    if label in WHATWG:
        return WHATWG[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode(content: bytes) -> tuple[str, str]:
    """Decode page bytes once for every extractor: a byte-order mark wins; bytes that are
    valid UTF-8 are UTF-8 (a stale <meta> of a page served as UTF-8 is common, valid UTF-8
    by accident rare); else the declared charset, bad bytes replaced as a browser does;
    else charset-normalizer's guess."""
    declared = declared_charset(content)
    if declared and declared.startswith("utf-16"):
        return content.decode(declared, "replace").lstrip("\ufeff"), declared
    try:
        return content.decode("utf-8").lstrip("\ufeff"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        return content.decode(declared, "replace"), declared
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    if best is not None:
        return str(best), best.encoding
    return content.decode("utf-8", "replace"), "utf-8/replace"


def authors_of(data: dict[str, Any]) -> tuple[str, ...]:
    """Expected `authors` list when present, else `author` split on `;`."""
    listed = data.get("authors")
    if isinstance(listed, list):
        return tuple(str(name) for name in listed if str(name).strip())
    single = data.get("author")
    if not single:
        return ()
    return tuple(name.strip() for name in str(single).split(";") if name.strip())


def expected_of(data: dict[str, Any]) -> Expected:
    return Expected(
        title=data.get("title"),
        authors=authors_of(data),
        date=data.get("date"),
        site_name=data.get("site_name"),
        description=data.get("description"),
        language=data.get("language"),
        text=data.get("text") or None,
        want=tuple(data.get("with") or ()),
        avoid=tuple(data.get("without") or ()),
    )


def page_url(folder: Path, data: dict[str, Any]) -> str:
    """The page's URL; the harness URL of source.json, or a placeholder, when it has none."""
    if data.get("url"):
        return str(data["url"])
    meta = folder / "source.json"
    if meta.is_file():
        harness = json.loads(meta.read_text(encoding="utf-8")).get("harness_url")
        if harness:
            return str(harness)
    return FALLBACK_URL


def read_case(folder: Path, *, source: str) -> Case:
    try:
        data = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        content = gzip.decompress((folder / "page.html.gz").read_bytes())
    except (OSError, ValueError) as err:
        raise CorpusError(f"{folder}: cannot read case: {err}") from err
    html, charset = decode(content)
    return Case(source, folder.name, page_url(folder, data), html, charset, expected_of(data))


def case_folders(corpus: Path, *, sources: Sequence[str]) -> Iterator[tuple[str, Path]]:
    for source in sources:
        folder = corpus / source
        if not folder.is_dir():
            raise CorpusError(f"{folder}: no such corpus source")
        for case in sorted(folder.iterdir()):
            if (case / "expected.json").is_file():
                yield source, case


def load(corpus: Path, *, sources: Sequence[str], limit: int | None = None) -> list[Case]:
    """Every case of the chosen sources (the first `limit` of each, if given)."""
    if not corpus.is_dir():
        raise CorpusError(
            f"corpus not found at {corpus}: pass --corpus DIR (the folder with fundus/, "
            "readability/, trafilatura/)"
        )
    cases: list[Case] = []
    counts: dict[str, int] = {}
    for source, folder in case_folders(corpus, sources=sources):
        if limit is not None and counts.get(source, 0) >= limit:
            continue
        counts[source] = counts.get(source, 0) + 1
        cases.append(read_case(folder, source=source))
    return cases
