"""WARC files as sources: response records become pages named by their URL; records
that are no page (non-HTML, non-200, truncated, malformed) are skipped and counted."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from scraper import sources
from scraper.errors import SourceError
from scraper.model import Source
from scraper.settings import Settings
from tests import warcfile

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"  # licences beside the pages
PAGES = sorted(CORPUS.glob("fundus/*/page.html.gz"))[:3]


def page(i: int) -> bytes:
    return gzip.decompress(PAGES[i].read_bytes())


def url(i: int) -> str:
    return f"https://news.example.org/2024/story-{i}.html"


def mixed_records() -> list[bytes]:
    return [
        warcfile.response(url(0), page(0)),
        warcfile.response("https://news.example.org/logo.png", b"\x89PNG\r\n", ctype="image/png"),
        warcfile.response("https://news.example.org/gone", b"<html>gone</html>", status=404),
        b"this is no WARC record at all\r\n\r\n",
        warcfile.response(url(1), page(1)),
    ]


@pytest.mark.parametrize("suffix", [".warc.gz", ".warc"])
def test_pages_and_skips_in_file_order(tmp_path: Path, suffix: str) -> None:
    path = warcfile.write(tmp_path / f"crawl{suffix}", mixed_records())
    got = list(sources.records(path, max_bytes=10**7))
    pages = [r for r in got if r.page is not None]
    assert [r.source.url for r in pages] == [url(0), url(1)]
    assert [r.page.content for r in pages if r.page] == [page(0), page(1)]
    assert all(
        r.source.name == r.source.url and r.page.url == r.source.url for r in pages if r.page
    )
    skips = [r.skipped for r in got if r.page is None]
    assert skips == ["not HTML", "HTTP 404", "malformed"]
    offsets = [int(r.source.location.rsplit("@", 1)[1]) for r in got]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)


def test_a_cut_file_ends_in_a_truncated_record_not_an_error(tmp_path: Path) -> None:
    whole = warcfile.write(
        tmp_path / "a.warc.gz", [warcfile.response(url(i), page(i)) for i in range(2)]
    )
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole.read_bytes()[:-200])
    got = list(sources.records(cut, max_bytes=10**7))
    assert [r.skipped for r in got] == [None, "truncated"]
    assert got[1].source.url == url(1)


def test_declared_truncation_and_size_cap(tmp_path: Path) -> None:
    record = warcfile.response(url(0), page(0)).replace(
        b"WARC-Type: response\r\n", b"WARC-Type: response\r\nWARC-Truncated: length\r\n"
    )
    path = warcfile.write(tmp_path / "t.warc.gz", [record, warcfile.response(url(1), page(1))])
    assert [r.skipped for r in sources.records(path, max_bytes=10**7)] == ["truncated", None]
    assert [r.skipped for r in sources.records(path, max_bytes=1000)] == ["truncated", "too large"]


def test_count_agrees_with_expand(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    warcfile.write(tmp_path / "d" / "x.warc.gz", mixed_records())
    (tmp_path / "d" / "b.html").write_bytes(page(2))
    args = [str(tmp_path / "d"), str(tmp_path / "d" / "x.warc.gz")]
    assert sources.count(args) == len(list(sources.expand(args))) == 1 + 2 * 5


def test_glob_is_sorted_lazy_and_named_below_its_fixed_folder(tmp_path: Path) -> None:
    for rel in ["b/2.html", "a/1.html", "a/deep/3.htm", "a/skip.json", "a/.hidden.html", "c.html"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("<p>x</p>")
    found = sources.glob(str(tmp_path / "**" / "*.htm*"))
    assert next(found).name == "c.html"  # lazily: one at a time
    assert [s.name for s in found] == ["a/1.html", "a/deep/3.htm", "b/2.html"]
    assert [s.name for s in sources.glob(str(tmp_path / "a" / "*.html"))] == ["1.html"]


def test_cli_cleans_a_warc_and_counts_the_skips(tmp_path: Path) -> None:
    path = warcfile.write(tmp_path / "crawl.warc.gz", mixed_records())
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [str(path), "-o", str(out), "-f", "json", "-j", "2"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "scrape: 2 done, 0 failed, 3 skipped"
    assert "malformed" in result.stderr and "logo.png" not in result.stderr  # non-HTML is quiet
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert files == [f"news.example.org_2024_story-{i}.html.json" for i in (0, 1)]
    record = json.loads((out / files[0]).read_text())
    assert record["url"] == url(0) and record["text"]
    assert record["source"] == f"{path}@0"


def test_a_record_is_read_again_from_its_location(tmp_path: Path) -> None:
    path = warcfile.write(tmp_path / "crawl.warc.gz", mixed_records())
    found = list(sources.records(path, max_bytes=10**7))
    for record in found:
        if record.page is not None:
            again = sources.read_local(record.source, settings=Settings(), stdin=None)
            assert again == record.page
        else:
            with pytest.raises(SourceError, match=record.source.location):
                sources.read_local(record.source, settings=Settings(), stdin=None)
    with pytest.raises(SourceError, match="@7: "):
        sources.read_local(Source("file", f"{path}@7", "x"), settings=Settings(), stdin=None)


def test_jsonl_streams_articles_and_only_the_skips_worth_a_record(tmp_path: Path) -> None:
    path = warcfile.write(tmp_path / "crawl.warc", mixed_records())
    result = CliRunner().invoke(app, [str(path), "-f", "jsonl", "-j", "1"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("url") for r in records if "text" in r] == [url(0), url(1)]
    assert [r["status"] for r in records if "text" not in r] == ["skipped"]  # the malformed one
    assert "malformed" in records[1]["error"]
