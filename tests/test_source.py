"""Sources: expansion of arguments, reading files, gzip, stdin."""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from scraper.errors import SourceError
from scraper.model import Source
from scraper.settings import Settings
from scraper.sources import count, expand, read_local

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


ARTICLE = Path(__file__).parents[1] / "fixtures" / "pages" / "article.html"


@contextmanager
def denied(*folders: Path) -> Iterator[None]:
    """Make `folders` unreadable for real: chmod 000, and (root reads anything) drop
    the effective uid to nobody meanwhile. Paths must be relative to the cwd."""
    for folder in folders:
        folder.chmod(0)
    root = os.geteuid() == 0
    try:
        if root:
            os.seteuid(65534)
        yield
    finally:
        if root:
            os.seteuid(0)
        for folder in folders:
            folder.chmod(0o755)


def test_unreadable_folders_give_errors_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for rel in ["d/a.html", "d/locked/b.html", "d/z/c.html", "shut/e.html"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(HTML)
    tmp_path.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    with denied(Path("d/locked"), Path("shut")):
        walked = list(expand(["d", "shut"]))
        globbed = list(expand(["d/*/*.html"]))
    shown = [str(s) if isinstance(s, SourceError) else s.name for s in walked]
    assert shown == [
        "a.html",
        "d/locked: cannot read the folder: permission denied",
        "z/c.html",
        "shut: cannot read the folder: permission denied",
    ]
    assert [str(s) if isinstance(s, SourceError) else s.name for s in globbed] == [
        "d/locked: cannot read the folder: permission denied",
        "z/c.html",
    ]


def test_nothing_to_read_fails_and_the_rest_still_run(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "only.json").write_text("{}")
    args = [
        str(tmp_path / "empty"),
        str(tmp_path / "*.html"),
        str(tmp_path / "gone" / "*.html"),
        str(tmp_path / "gone.warc.gz"),
        str(ARTICLE),
    ]
    result = CliRunner().invoke(app, [*args, "-f", "jsonl", "-j", "1"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert [r.get("error", "")[len(r.get("source", "")) :] for r in records] == [
        ": no page files in the directory",
        ": the glob matches no page files",
        ": cannot read the folder: no such file or directory",
        ": cannot read: No such file or directory",
        "",
    ]
    assert records[-1]["title"] == "River towns brace for record floods"
    assert f"error: {tmp_path / 'empty'}: no page files in the directory" in result.stderr
    assert "scrape: 1 done, 4 failed, 0 skipped" in result.stderr
    assert count(args) == len(list(expand(args))) == 5


def test_cli_unreadable_subfolder_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk runs in this process: an unreadable folder (faked here, as root reads
    any; see the test above for a real one) is one failure, its siblings are cleaned."""
    for rel in ["a.html", "locked/b.html", "z/c.html"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(ARTICLE.read_bytes())
    real = os.scandir

    def scandir(path: str) -> Iterator[os.DirEntry[str]]:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = CliRunner().invoke(app, [str(tmp_path), "-f", "jsonl", "-j", "1"])
    assert result.exit_code == 1
    assert len([line for line in result.stdout.splitlines() if '"title"' in line]) == 2
    assert f"error: {tmp_path / 'locked'}: cannot read the folder: permission denied" in (
        result.stderr
    )
    assert "scrape: 2 done, 1 failed, 0 skipped" in result.stderr


def test_gzip_on_stdin_is_read_like_the_file_and_capped() -> None:
    src = Source("stdin", "-", "stdin")
    page = read_local(src, settings=Settings(), stdin=io.BytesIO(gzip.compress(HTML)))
    assert page.content == HTML and page.kind == "html"
    dump = gzip.compress(b"Just text.\n")
    assert read_local(src, settings=Settings(), stdin=io.BytesIO(dump)).kind == "text"
    bomb = io.BytesIO(gzip.compress(b"<p>" + b"a" * 5_000_000))
    with pytest.raises(SourceError, match="limit"):
        read_local(src, settings=Settings(max_input_bytes=1_000_000), stdin=bomb)


def test_cli_gzip_stdin_matches_the_named_file(tmp_path: Path) -> None:
    named = tmp_path / "page.html.gz"
    named.write_bytes(gzip.compress(ARTICLE.read_bytes()))
    by_name = CliRunner().invoke(app, [str(named)])
    piped = CliRunner().invoke(app, ["-"], input=named.read_bytes())
    assert piped.exit_code == by_name.exit_code == 0, piped.stderr
    assert piped.stdout == by_name.stdout and "Residents" in piped.stdout


def test_walk_takes_mirror_pages_and_sniffs_only_names_without_suffix(tmp_path: Path) -> None:
    pages = {
        "a.shtml": HTML,
        "b.php": HTML,
        "c.asp": HTML,
        "d.aspx": HTML,
        "e.jsp": HTML,
        "f.cfm": HTML,
        "story.php?id=3": HTML,
        "news/story-12": b"\xef\xbb\xbf\n  <!-- saved by wget -->\n<!DOCTYPE HTML>\n<p>x</p>",
        "news/index": b"<HTML><body>x</body></HTML>",
        "news/part": b"<head><title>x</title></head>",
    }
    others = {
        "style.css": b"p {}",
        "data.json": b"{}",
        "logo.png": b"\x89PNG\r\n",
        "fake.json": HTML,  # a known other suffix: never opened
        "news/LICENSE": b"Permission is hereby granted",
        "news/feed": b'<?xml version="1.0"?><rss><channel/></rss>',
    }
    for rel, data in {**pages, **others}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    os.mkfifo(tmp_path / "news" / "pipe")  # never opened: it would block
    found = sorted(s.name for s in expand([str(tmp_path)]) if isinstance(s, Source))
    assert found == sorted(pages)
    assert count([str(tmp_path)]) == len(pages)
    globbed = [s.name for s in expand([str(tmp_path / "news" / "*")]) if isinstance(s, Source)]
    assert globbed == ["index", "part", "story-12"]
