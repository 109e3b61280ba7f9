"""Sources: expansion of arguments, reading files, gzip, stdin."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from scraper.errors import SourceError
from scraper.model import Source
from scraper.settings import Settings
from scraper.source import expand, read_local

HTML = b"<!doctype html><html><body><p>Hello.</p></body></html>"


def test_expand_kinds(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "b.html").write_bytes(HTML)
    (tmp_path / "d" / "sub" / "a.htm.gz").write_bytes(gzip.compress(HTML))
    (tmp_path / "d" / "notes.txt").write_text("x")
    (tmp_path / "d" / "image.png").write_bytes(b"\x89PNG")
    found = list(expand(["-", "https://x.test/a", str(tmp_path / "d"), "missing.html"]))
    assert [s.kind for s in found] == ["stdin", "url", "file", "file", "file", "file"]
    assert [s.name for s in found[2:5]] == ["b.html", "notes.txt", "sub/a.htm.gz"]
    assert found[-1] == Source(kind="file", location="missing.html", name="missing.html")


def test_read_gzip_and_kind(tmp_path: Path) -> None:
    path = tmp_path / "a.html.gz"
    path.write_bytes(gzip.compress(HTML))
    raw = read_local(Source("file", str(path), "a"), settings=Settings(), stdin=None)
    assert raw.content == HTML and raw.kind == "html"


def test_gzip_bomb_costs_at_most_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "bomb.html.gz"
    path.write_bytes(gzip.compress(b"<p>" + b"a" * 5_000_000))
    with pytest.raises(SourceError, match="limit"):
        read_local(
            Source("file", str(path), "b"), settings=Settings(max_input_bytes=1_000_000), stdin=None
        )


def test_missing_file_names_the_source() -> None:
    with pytest.raises(SourceError) as info:
        read_local(Source("file", "nope.html", "nope"), settings=Settings(), stdin=None)
    assert str(info.value) == "nope.html: no such file"


def test_stdin_is_sniffed() -> None:
    src = Source("stdin", "-", "stdin")
    assert read_local(src, settings=Settings(), stdin=io.BytesIO(HTML)).kind == "html"
    assert read_local(src, settings=Settings(), stdin=io.BytesIO(b"Just text.\n")).kind == "text"
