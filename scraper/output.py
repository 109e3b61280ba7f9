"""Output stage: render an Article as text, Markdown or JSON; name and write files.

Files are written atomically (a hidden temporary file in the same directory, then a
rename), so an interrupted run never leaves a partial file that looks complete, and
the rerun that rewrites the source replaces the leftover temporary file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from scraper.errors import OutputError
from scraper.model import Article, Block

Format = Literal["text", "markdown", "json", "jsonl"]
SUFFIX: dict[str, str] = {"text": ".txt", "markdown": ".md"}
MAX_PART = 80  # characters per path component of an output name
MAX_PARTS = 8  # directory levels kept from an input's relative path
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def render_text(article: Article) -> str:
    """The article body, paragraphs separated by one blank line."""
    return article.text


def render_markdown(article: Article) -> str:
    """Title as a heading, then the body with subheadings, lists and quotes."""
    parts = [f"# {article.title}"] if article.title else []
    parts.extend(_markdown_block(block) for block in article.blocks)
    return "\n\n".join(parts)


def _markdown_block(block: Block) -> str:
    if block.kind == "heading":
        return "#" * min(max(block.level, 2), 6) + " " + block.text
    if block.kind == "list_item":
        return "  " * max(block.level - 1, 0) + "- " + block.text
    if block.kind == "quote":
        return "\n".join("> " + line for line in block.text.splitlines())
    if block.kind == "code":
        return "```\n" + block.text + "\n```"
    if block.kind == "table_row":
        return "| " + block.text + " |"
    return block.text


def render_json(record: dict[str, Any], *, indent: int | None = 2) -> str:
    return json.dumps(record, ensure_ascii=False, indent=indent)


def error_record(*, source: str, url: str | None, error: str) -> dict[str, Any]:
    """What a failed source gives in json/jsonl output."""
    return {"source": source, "url": url, "error": error}


def output_name(name: str) -> str:
    """A stable, safe relative path (no suffix) for a source's outputs.

    URLs become host plus path; file names keep their relative folders. Every
    component is reduced to [A-Za-z0-9._-], so the result never escapes the
    output directory, whatever the input holds."""
    if "://" in name:
        parts = _url_parts(name)
    else:
        parts = [p for p in re.split(r"[\\/]+", name) if p]
        if parts:
            parts[-1] = _strip_page_suffix(parts[-1])
    safe = [_safe_component(p) for p in parts[-MAX_PARTS:]]
    safe = [p for p in safe if p] or ["page"]
    return "/".join(safe)


def stdin_name(content: bytes) -> str:
    """The name of stdin given without --url: `stdin-` and the first 12 hex digits of
    the SHA-256 of the bytes read, so the same input always gets the same name."""
    return "stdin-" + hashlib.sha256(content).hexdigest()[:12]


def _url_parts(url: str) -> list[str]:
    try:
        split = urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL" ("https://[::1/a"): its text, made unique
        digest = hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        return ["_".join(p for p in re.split(r"[\\/]+", url) if p) + "-" + digest]
    path = [p for p in split.path.split("/") if p]
    if path:
        path[-1] = _strip_page_suffix(path[-1])
    head = split.netloc or "url"
    flat = "_".join([head, *path]) or "index"
    if split.query:
        flat += "-" + hashlib.sha1(split.query.encode()).hexdigest()[:8]
    return [flat]


def _strip_page_suffix(name: str) -> str:
    return re.sub(r"(\.(html?|xhtml|txt))?(\.gz)?$", "", name, flags=re.IGNORECASE)


def _safe_component(part: str) -> str:
    ascii_part = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
    safe = _UNSAFE.sub("-", ascii_part).strip(".-_ ")
    if len(safe) > MAX_PART:
        digest = hashlib.sha1(part.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        safe = safe[: MAX_PART - 11] + "-" + digest
    if safe.split(".")[0].lower() in _RESERVED:
        safe = "_" + safe
    return safe


def write_atomic(path: Path, data: str | bytes, *, force: bool) -> None:
    """Write data (text as UTF-8) to path via a temporary file and a rename.
    Never overwrites an existing file unless force. Raises OutputError."""
    if path.exists() and not force:
        raise OutputError("exists (use --force to overwrite)", file=str(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # One temporary name per output: a run killed mid-write leaves at most this hidden
    # file, which the rerun that rewrites the source overwrites and renames away.
    tmp = path.with_name(f".{path.name}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror or exc}", file=str(path)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def outputs_for(directory: Path, name: str, *, fmt: Format) -> list[Path]:
    """The files written for one source named `name` (from output_name): the
    text/markdown file first, the .json last, so that a .json on disk means
    the files written before it are complete."""
    base = directory / name
    files = [base.with_name(base.name + SUFFIX[fmt])] if fmt in SUFFIX else []
    return [*files, base.with_name(base.name + ".json")]


def is_done(directory: Path, name: str, *, fmt: Format) -> bool:
    """Whether earlier runs already wrote every file `fmt` needs for this source
    (each is written atomically: one that exists is complete)."""
    return all(path.exists() for path in outputs_for(directory, name, fmt=fmt))


@dataclass(frozen=True, slots=True)
class _File:
    path: Path
    data: str


def write_article(
    directory: Path, article: Article, *, name: str, fmt: Format, force: bool
) -> list[Path]:
    """Write one article's files under directory, the .json last; returns their paths.

    Unless force, a finished source's files are kept: when its .json exists (written
    for another format) only the missing files are written, and the .json must already
    hold what this run would write, else OutputError names it and nothing is written.
    Files without their .json are an interrupted run's: they are rewritten."""
    files = _rendered(directory, article, name=name, fmt=fmt)
    marker = files[-1]
    keep = not force and marker.path.exists()
    if keep:
        _check_same(marker)
    for file in files:
        if not (keep and file.path.exists()):
            write_atomic(file.path, file.data, force=not keep)
    return [file.path for file in files]


def _rendered(directory: Path, article: Article, *, name: str, fmt: Format) -> list[_File]:
    paths = outputs_for(directory, name, fmt=fmt)
    for path in paths:
        _check_inside(directory, path)
    record = _File(paths[-1], render_json(article.to_dict()) + "\n")
    if fmt not in SUFFIX:
        return [record]
    text = render_markdown(article) if fmt == "markdown" else render_text(article)
    return [_File(paths[0], text + "\n"), record]


def _check_same(file: _File) -> None:
    """An existing file must hold exactly `file.data`; raises OutputError otherwise."""
    try:
        same = file.path.read_bytes() == file.data.encode("utf-8")
    except OSError as exc:
        raise OutputError(f"cannot read: {exc.strerror or exc}", file=str(file.path)) from None
    if not same:
        message = "exists with a different extraction (use --force to overwrite)"
        raise OutputError(message, file=str(file.path))


def _check_inside(directory: Path, path: Path) -> None:
    root = directory.resolve()
    if not path.resolve().is_relative_to(root):
        raise OutputError("output name escapes the output directory", file=str(path))


def ensure_directory(directory: Path) -> None:
    """Create the output directory (and its parents) before any work, or raise
    OutputError when it is a file or cannot be created or written to."""
    if directory.exists() and not directory.is_dir():
        raise OutputError("not a directory", file=str(directory))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create: {exc.strerror or exc}", file=str(directory)) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise OutputError("not writable", file=str(directory))
