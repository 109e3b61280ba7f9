"""Output stage: render an Article as text, Markdown or JSON; name and write files.

Files are written atomically (a hidden temporary file in the same directory, then a
rename), so an interrupted run never leaves a partial file that looks complete, and
the rerun that rewrites the source replaces the leftover temporary file. No write
follows a symbolic link planted in the output directory: at a folder on the way, at
the temporary name or at the output's name, a link is refused (OutputError naming it)
and whatever it points to is left untouched.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
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
_KEPT_SUFFIX = re.compile(r"\.(htm|xhtml|txt|gz)$")  # kept in a file's name (.html is not)
_DIGEST_END = re.compile(r"-[0-9a-f]{10}$")
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_NOT_THROUGH = "is a symbolic link: refused, never written through"
_NOT_FILE = "exists and is not a regular file"


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
    """A stable, safe relative path (no suffix) for the outputs of the source named `name`.

    A function of the name alone, and one-to-one: two different names never get the
    same output name (nor two that differ only in case), whatever order they come in.
    The name is exact when the source can be told back from it: a URL's host and path
    with each `/` written `_` (`https://example.com/news/story` ->
    `example.com_news_story`); a file's relative path, `.html` dropped (`sub/story.html`
    -> `sub/story`; `story.htm` and `story.txt` keep their suffix). Only lower-case
    letters, digits, `.`, `-` and `_` are exact; otherwise (http:, a query, a trailing
    part cut, upper case, other characters, a name over 80 characters, `story` without a
    suffix...) the readable part is followed by `-` and 10 hex digits of the SHA-1 of the
    whole name. An exact name never ends like that, so the two kinds never meet. Every
    component is reduced to [A-Za-z0-9._-], so the result never escapes the output
    directory, whatever the input holds."""
    slug = _url_slug(name) if "://" in name else _path_slug(name)
    parts = [p for p in slug.parts if p] or ["page"]
    if slug.exact and parts == slug.parts and _exact(parts):
        return "/".join(parts)
    return "/".join([*parts[:-1], _with_digest(parts[-1], name)])


def stdin_name(content: bytes) -> str:
    """The name of stdin given without --url: `stdin-` and the first 12 hex digits of
    the SHA-256 of the bytes read, so the same input always gets the same name."""
    return "stdin-" + hashlib.sha256(content).hexdigest()[:12]


def digest(text: str) -> str:
    """10 hex digits of the SHA-1 of text: what tells apart names that read alike."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class _Slug:
    parts: list[str]  # the safe components
    exact: bool  # whether the name can be told back from the components alone


def _path_slug(name: str) -> _Slug:
    given = name.split("/")
    parts = [p for p in re.split(r"[\\/]+", name) if p]
    exact = given == parts and len(parts) <= MAX_PARTS
    if parts:
        last = parts[-1]
        stem = last.removesuffix(".html")
        exact = exact and (stem if _KEPT_SUFFIX.search(stem) else stem + ".html") == last
        parts[-1] = stem
    safe = [_safe_component(p) for p in parts[-MAX_PARTS:]]
    return _Slug(safe, exact=exact and safe == parts)


def _url_slug(url: str) -> _Slug:
    try:
        split = urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL" ("https://[::1/a"): its text, made safe
        text = "_".join(p for p in re.split(r"[\\/]+", url) if p)
        return _Slug([_safe_component(text)], exact=False)
    flat = split.netloc + split.path.replace("/", "_")
    safe = _safe_component(flat)
    # Exact only when the URL can be rebuilt: https, a lower-case host alone (no port,
    # user or password), no query or fragment, and no `_` standing for itself.
    exact = (
        url == f"https://{split.netloc}{split.path}"
        and split.netloc == split.hostname
        and "_" not in split.netloc + split.path
        and safe == flat
    )
    return _Slug([safe], exact=exact)


def _exact(parts: list[str]) -> bool:
    """Whether safe components can stand as they are: lower case, and the last one not
    ending like a digest (`-` and 10 hex digits)."""
    return all(p == p.lower() for p in parts) and not _DIGEST_END.search(parts[-1])


def _with_digest(part: str, name: str) -> str:
    readable = part[: MAX_PART - 11].rstrip(".-_ ") or "page"
    return f"{readable}-{digest(name)}"


def _safe_component(part: str) -> str:
    ascii_part = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
    safe = _UNSAFE.sub("-", ascii_part).lstrip(".-_ ").rstrip(".- ")
    if len(safe) > MAX_PART:
        safe = safe[:MAX_PART].rstrip(".- ")
    if safe.split(".")[0].lower() in _RESERVED:
        safe = "_" + safe
    return safe


def write_atomic(path: Path, data: str | bytes, *, force: bool, root: Path | None = None) -> None:
    """Write data (text as UTF-8) to path via a temporary file and a rename.

    Never overwrites an existing file unless force, and never writes through a symbolic
    link: folders between `root` (default: path's folder) and path are created or entered
    without following links, the temporary file is created new (O_EXCL | O_NOFOLLOW), and
    a link at path itself is refused. Raises OutputError naming the path."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    base = path.parent if root is None else root
    try:
        folder = _open_folder(base, path.parent.relative_to(base).parts)
    except (OSError, ValueError) as exc:
        raise OutputError(f"cannot write: {_reason(exc)}", file=str(path)) from None
    try:
        _check_target(folder, path, force=force)
        _write_in(folder, path, payload)
    finally:
        os.close(folder)


def _reason(exc: OSError | ValueError) -> str:
    if isinstance(exc, OSError) and exc.errno in (errno.ELOOP, errno.ENOTDIR):
        return "a folder on the way is a symbolic link or not a folder"
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)


def _open_folder(base: Path, parts: tuple[str, ...]) -> int:
    """A descriptor of base/parts..., each part created if missing and entered without
    following a symbolic link (base itself, the folder the user named, may be one)."""
    base.mkdir(parents=True, exist_ok=True)
    folder = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, dir_fd=folder)
            inner = os.open(part, _FOLDER_FLAGS, dir_fd=folder)
            os.close(folder)
            folder = inner
    except BaseException:
        os.close(folder)
        raise
    return folder


def _check_target(folder: int, path: Path, *, force: bool) -> None:
    """path (in folder) may be written: absent, or (with force) a regular file."""
    try:
        found = os.lstat(path.name, dir_fd=folder)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"cannot write: {_reason(exc)}", file=str(path)) from None
    if stat.S_ISLNK(found.st_mode):
        raise OutputError(_NOT_THROUGH, file=str(path))
    if not stat.S_ISREG(found.st_mode):
        raise OutputError(_NOT_FILE, file=str(path))
    if not force:
        raise OutputError("exists (use --force to overwrite)", file=str(path))


def _write_in(folder: int, path: Path, payload: bytes) -> None:
    # One temporary name per output: a run killed mid-write leaves at most this hidden
    # file, which the rerun that rewrites the source removes (if it is a regular file)
    # before creating its own, new, never through a link.
    tmp = f".{path.name}.part"
    try:
        handle = _create(folder, tmp, path=path)
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path.name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException as exc:  # a failure, or Ctrl-C / SIGTERM at any point of it
        _discard(folder, tmp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write: {_reason(exc)}", file=str(path)) from None
        raise


def _discard(folder: int, tmp: str) -> None:
    """Remove the temporary file if it is there and a regular file (never a link)."""
    with contextlib.suppress(OSError):
        if stat.S_ISREG(os.lstat(tmp, dir_fd=folder).st_mode):
            os.unlink(tmp, dir_fd=folder)


def _create(folder: int, tmp: str, *, path: Path) -> int:
    """A new temporary file `tmp` in folder; a stale regular one (a killed run's) is
    removed first; anything else there (a link, a folder) is refused."""
    try:
        return os.open(tmp, _NEW_FILE_FLAGS, 0o666, dir_fd=folder)
    except FileExistsError:
        pass
    mode = os.lstat(tmp, dir_fd=folder).st_mode
    if not stat.S_ISREG(mode):
        where = str(path.with_name(tmp))
        raise OutputError(_NOT_THROUGH if stat.S_ISLNK(mode) else _NOT_FILE, file=where)
    os.unlink(tmp, dir_fd=folder)
    return os.open(tmp, _NEW_FILE_FLAGS, 0o666, dir_fd=folder)


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
    return all(_is_file(path) for path in outputs_for(directory, name, fmt=fmt))


def _is_file(path: Path) -> bool:
    """Whether path is a regular file, not a link to one (an output is never a link)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


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
    keep = not force and _is_file(marker.path)
    if keep:
        _check_same(marker)
    for file in files:
        if not (keep and _is_file(file.path)):
            write_atomic(file.path, file.data, force=not keep, root=directory)
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
    if path.is_symlink():
        raise OutputError(_NOT_THROUGH, file=str(path))
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
