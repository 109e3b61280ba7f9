"""Cleaning in parallel: worker processes and Dask write exactly what one job writes,
WARC records and saved pages of the same pages give the same articles, and a page
that kills or hangs its worker fails alone."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from scraper import batch, fetch
from scraper.model import Fetched, RawPage, Source
from scraper.settings import Settings
from tests import warcfile

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"  # licences beside the pages
PAGES = sorted(CORPUS.glob("*/*/page.html.gz"))


def url(i: int) -> str:
    return f"https://news.example.org/{i:02d}/story.html"


def pages() -> list[bytes]:
    return [gzip.decompress(path.read_bytes()) for path in PAGES]


def tree(root: Path) -> dict[str, bytes]:
    """Every file below root (hidden ones too), by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def scrape(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def saved_pages(folder: Path) -> Path:
    """The pages as --save-html keeps them (the page, and its URL in a sidecar)."""
    for i, body in enumerate(pages()):
        fetched = Fetched(url=url(i), content=body, mime="text/html", charset=None, headers=())
        fetch.save_page(folder, f"{i:02d}", requested=url(i), fetched=fetched)
    (folder / "zz-empty.html").write_bytes(b"<html><body></body></html>")  # fails: no text
    return folder


def packed(path: Path) -> Path:
    return warcfile.write(path, [warcfile.response(url(i), b) for i, b in enumerate(pages())])


def articles(out: Path) -> dict[str, dict[str, object]]:
    """The written articles by URL, without `source` (a file path or a WARC offset)."""
    found = {}
    for path in out.rglob("*.json"):
        record = json.loads(path.read_text())
        record.pop("source")
        stem = path.relative_to(out).as_posix().removesuffix(".json")
        found[record["url"]] = {**record, "markdown": (out / f"{stem}.md").read_text()}
    return found


def test_jobs_never_change_what_is_written(tmp_path: Path) -> None:
    pages_dir = saved_pages(tmp_path / "pages")
    outs = {}
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"out{jobs}"
        code, _, err = scrape(str(pages_dir), "-o", str(out), "-f", "markdown", "-j", jobs)
        assert (
            code == 1 and err.splitlines()[-1] == f"scrape: {len(PAGES)} done, 1 failed, 0 skipped"
        )
        outs[jobs] = tree(out)
        _, lines, _ = scrape(str(pages_dir), "-f", "jsonl", "-j", jobs)
        outs[f"jsonl{jobs}"] = {"stdout": lines.encode()}
    assert len(outs["1"]) == 2 * len(PAGES)
    assert outs["1"] == outs["2"] == outs["3"]
    assert outs["jsonl1"] == outs["jsonl2"] == outs["jsonl3"]
    assert len(outs["jsonl1"]["stdout"].splitlines()) == len(PAGES) + 1


def test_warc_directory_and_dask_give_the_same_articles(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    pages_dir = saved_pages(tmp_path / "pages")
    warc = packed(tmp_path / "pages.warc.gz")
    runs = {"dir": [str(pages_dir)], "warc": [str(warc)], "warc-1": [str(warc), "-j", "1"]}
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        runs["dask-dir"] = [str(pages_dir), "--engine", "dask", "--scheduler", address]
        runs["dask-warc"] = [str(warc), "--engine", "dask", "--scheduler", address]
        found = {}
        for name, args in runs.items():
            out = tmp_path / name
            code, _, err = scrape(*args, "-o", str(out), "-f", "markdown")
            assert code in (0, 1), err
            found[name] = articles(out)
    assert len(found["dir"]) == len(PAGES)
    assert all(a["text"] for a in found["dir"].values())
    for name in runs:
        assert found[name] == found["dir"], name


def fragile(task: batch.Task, settings: Settings) -> batch.Result:
    """A worker function for the test: some pages kill or hang their worker."""
    if task.source.name == "crash":
        os._exit(3)
    if task.source.name == "hang":
        time.sleep(60)
    return batch.clean(task, settings)


def task(key: int, name: str, *, folder: Path | None) -> batch.Task:
    """A page sent with its task, or (with a folder) a file the worker reads itself."""
    body = gzip.decompress(PAGES[key % len(PAGES)].read_bytes())
    if folder is None:
        src = Source(kind="file", location=f"page-{key}", name=name, url=url(key))
        return batch.Task(key=key, source=src, page=RawPage(body, "html", url=url(key)))
    path = folder / f"page-{key}.html"
    path.write_bytes(body)
    return batch.Task(key=key, source=Source("file", str(path), name, url=url(key)))


@pytest.mark.parametrize("files", [False, True], ids=["pages", "files"])
def test_a_page_that_kills_or_hangs_its_worker_fails_alone(tmp_path: Path, files: bool) -> None:
    folder = tmp_path if files else None  # files: tasks are queued ahead in busy workers
    pool = batch.ProcessPool(jobs=2, settings=Settings(), time_limit=1.5, work=fragile)
    try:
        names = ["ok", "crash", "ok", "hang", "ok", "ok"]
        for key, name in enumerate(names):
            pool.submit(task(key, name, folder=folder))
        started = time.monotonic()
        results = {}
        while pool.pending:
            result = pool.next_result(block=True)
            assert result is not None
            results[result.key] = result
        assert time.monotonic() - started < 10
        assert sorted(results) == list(range(len(names)))
        assert results[1].reason == batch.CRASHED and "exit code 3" in (results[1].error or "")
        assert results[3].reason == batch.TIMEOUT and "page-3" in (results[3].error or "")
        assert all(results[k].article is not None for k in (0, 2, 4, 5)), results
        pool.submit(task(9, "ok", folder=folder))  # the pool still works, with replaced workers
        again = pool.next_result(block=True)
        assert again is not None and again.key == 9 and again.article is not None
    finally:
        pool.close()


def test_worker_errors_are_results_with_a_reason(tmp_path: Path) -> None:
    missing = Source(kind="file", location=str(tmp_path / "gone.html"), name="gone")
    result = batch.clean(batch.Task(key=1, source=missing), Settings())
    assert result.article is None and result.reason == "unreadable" and "gone.html" in result.error
    empty = batch.Task(key=2, source=missing, page=RawPage(b"<p></p>", "html"))
    assert batch.clean(empty, Settings()).reason == "no article text"
