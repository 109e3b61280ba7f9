"""Fetched pages kept on disk: `--save-html DIR` (to clean them again later, offline,
with new rules) and `--cache DIR` (so that a rerun does not download them again).

Each page is two files: the body exactly as received (after Content-Encoding is undone)
as NAME.html or NAME.txt, and NAME.html.meta.json beside it: the requested and final
URL, content type, charset and response headers. `scrape DIR` reads the page files back;
the sidecar gives them their URL and transport charset again. Files are written to a
temporary file and renamed, so a cut run leaves no half page; a symbolic link planted in
DIR (at a fan-out folder, the temporary name or the page's name) is refused, never
written through (scraper.output.write_atomic).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scraper.model import Fetched
from scraper.output import write_atomic

META_SUFFIX = ".meta.json"
_SUFFIXES = (".html", ".txt")


@dataclass(frozen=True, slots=True)
class Saved:
    """What a sidecar says about a saved page."""

    url: str
    charset: str | None
    mime: str
    headers: tuple[tuple[str, str], ...]


def save_page(directory: Path, name: str, *, requested: str, fetched: Fetched) -> Path:
    """Write the page and its sidecar under directory; the page's path. Raises OutputError."""
    suffix = ".txt" if fetched.mime == "text/plain" else ".html"
    page = directory / (name + suffix)
    meta = {
        "url": fetched.url,
        "requested": requested,
        "mime": fetched.mime,
        "charset": fetched.charset,
        "headers": [list(pair) for pair in fetched.headers],
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_atomic(page, fetched.content, force=True, root=directory)
    text = json.dumps(meta, ensure_ascii=False, indent=1)
    write_atomic(sidecar(page), text, force=True, root=directory)
    return page


def sidecar(page: Path) -> Path:
    return page.with_name(page.name + META_SUFFIX)


def read_sidecar(page: Path) -> Saved | None:
    """The sidecar of a saved page, or None when there is none (or it is unreadable)."""
    try:
        meta: Any = json.loads(sidecar(page).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or not isinstance(meta.get("url"), str):
        return None
    headers = meta.get("headers") or []
    return Saved(
        url=meta["url"],
        charset=meta.get("charset") if isinstance(meta.get("charset"), str) else None,
        mime=str(meta.get("mime") or ""),
        headers=tuple((str(k), str(v)) for k, v in headers),
    )


def cache_name(url: str) -> str:
    """Where a URL lives in the cache: a hash, fanned out over 256 folders."""
    digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{digest[:2]}/{digest}"


def lookup_cached(directory: Path, url: str) -> Fetched | None:
    """The cached response for a requested URL, or None."""
    base = directory / cache_name(url)
    for suffix in _SUFFIXES:
        page = base.with_name(base.name + suffix)
        saved = read_sidecar(page)
        if saved is None:
            continue
        try:
            content = page.read_bytes()
        except OSError:
            continue
        return Fetched(
            url=saved.url,
            content=content,
            mime=saved.mime,
            charset=saved.charset,
            headers=saved.headers,
        )
    return None


def store_cached(directory: Path, url: str, fetched: Fetched) -> Path:
    return save_page(directory, cache_name(url), requested=url, fetched=fetched)
