"""The command line: through Typer's runner, and through the installed command."""

from __future__ import annotations

import gzip
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import scraper
from cli import app
from scraper.output import output_name
from tests import terminal
from tests.httpserver import redirect, respond, serve

PAGE = Path(__file__).parents[1] / "fixtures" / "pages" / "article.html"
FIRST = "Residents of the low-lying river towns"
runner = CliRunner()


def invoke(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_one_source_text_to_stdout_and_nothing_on_stderr() -> None:
    code, out, err = invoke(str(PAGE))
    assert code == 0, err
    assert out.startswith(FIRST)
    assert "Comments" not in out and "Home" not in out and "All rights reserved" not in out
    assert "\n\n" in out  # paragraphs separated by a blank line
    assert err == ""  # `scrape URL | ...` is silent on stderr when all is well


def test_several_sources_or_verbose_get_the_summary(tmp_path: Path) -> None:
    code, _, err = invoke(str(PAGE), str(PAGE))
    assert code == 0 and err.splitlines()[-1] == "scrape: 2 done, 0 failed, 0 skipped"
    code, _, err = invoke(str(PAGE), "-v")
    assert err.splitlines() == [f"done: {PAGE}", "scrape: 1 done, 0 failed, 0 skipped"]


def test_json_single_object_with_every_field() -> None:
    code, out, _ = invoke(str(PAGE), "-f", "json", "--url", "https://news.example.com/x")
    record = json.loads(out)
    assert code == 0 and isinstance(record, dict)
    assert set(record) == {
        "url", "canonical_url", "title", "authors", "date", "date_modified", "site_name",
        "description", "language", "tags", "image", "text", "rule", "source",
    }  # fmt: skip
    assert record["title"] == "River towns brace for record floods"
    assert record["authors"] == ["Jane Doe"]
    assert record["url"] == "https://news.example.com/x"
    assert record["date"].startswith("2024-03-05")


def test_markdown_has_title_heading_and_list() -> None:
    code, out, _ = invoke(str(PAGE), "-f", "markdown")
    assert code == 0
    assert out.startswith("# River towns brace for record floods\n\n")
    assert "## What the forecast says" in out and "- Schools will close on Tuesday." in out


def test_a_bad_source_does_not_cost_the_others(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.html"
    binary.write_bytes(bytes(range(256)) * 64)
    code, out, err = invoke(str(empty), str(PAGE), "missing.html", str(binary), "-f", "json")
    records = json.loads(out)
    assert code == 1
    assert [("error" in r) for r in records] == [True, False, True, True]
    assert records[2] == {
        "source": "missing.html",
        "url": None,
        "error": "missing.html: no such file",
    }
    lines = err.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == "scrape: 1 done, 3 failed, 0 skipped"
    assert all(line.startswith("error: ") for line in lines[:3])
    assert str(empty) in lines[0] and "missing.html" in lines[1] and str(binary) in lines[2]
    assert "Traceback" not in err


def test_unknown_scheme_is_an_error() -> None:
    code, _, err = invoke("ftp://example.com/a")
    assert code == 1 and "ftp://example.com/a" in err and "scheme" in err


def test_url_with_several_sources_is_a_usage_error() -> None:
    code, _, err = invoke(str(PAGE), str(PAGE), "--url", "https://x.test/")
    assert code == 2 and "--url" in err


def test_stdin_html_and_text() -> None:
    code, out, _ = invoke("-", stdin=PAGE.read_bytes())
    assert code == 0 and out.startswith(FIRST)
    text = "A title\nThis is the first paragraph of a plain text dump, long enough to count.\n"
    code, out, _ = invoke("-", "-f", "jsonl", stdin=text.encode())
    assert code == 0 and "first paragraph" in json.loads(out)["text"]


def test_output_dir_writes_resumes_and_forces(tmp_path: Path) -> None:
    pages = tmp_path / "saved"
    (pages / "sub").mkdir(parents=True)
    shutil.copy(PAGE, pages / "one.html")
    (pages / "sub" / "two.html.gz").write_bytes(gzip.compress(PAGE.read_bytes()))
    out_dir = tmp_path / "out"
    code, out, err = invoke(str(pages), "-o", str(out_dir))
    assert code == 0 and out == ""
    written = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
    assert written == ["one.json", "one.txt", "sub/two.html.gz.json", "sub/two.html.gz.txt"]
    (out_dir / "one.txt").write_text("kept")
    code, _, err = invoke(str(pages), "-o", str(out_dir))
    assert code == 0 and "0 done, 0 failed, 2 skipped" in err
    assert (out_dir / "one.txt").read_text() == "kept"
    code, _, err = invoke(str(pages), "-o", str(out_dir), "--force")
    assert "2 done" in err and (out_dir / "one.txt").read_text().startswith(FIRST)


def test_jsonl_streams_one_object_per_source(tmp_path: Path) -> None:
    for name in ("a.html", "b.html"):
        shutil.copy(PAGE, tmp_path / name)
    code, out, _ = invoke(str(tmp_path), "-f", "jsonl")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 2
    assert [json.loads(line)["source"] for line in lines] == [
        str(tmp_path / "a.html"),
        str(tmp_path / "b.html"),
    ]


def test_installed_command_runs_without_the_checkout(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [terminal.installed(), str(PAGE), "-f", "json"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"] == "River towns brace for record floods"


@pytest.mark.parametrize("args", [[], ["--format", "xml", "x.html"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert invoke(*args)[0] == 2


def test_urls_from_a_real_server_with_one_failing(tmp_path: Path) -> None:
    routes = {
        "/news/story": respond(PAGE.read_bytes()),
        "/gone": respond(b"not here", status=404),
        "/moved": redirect("/news/story"),
    }
    with serve(routes) as base:
        args = [f"{base}/news/story", f"{base}/gone", f"{base}/moved", "-f", "jsonl"]
        code, out, err = invoke(*args, "--timeout", "5")
        written_code, _, _ = invoke(f"{base}/news/story", "-o", str(tmp_path), "-q")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert records[0]["title"] == "River towns brace for record floods"
    assert records[0]["url"] == f"{base}/news/story"
    assert records[1]["source"] == f"{base}/gone" and "404" in records[1]["error"]
    assert records[2]["url"] == f"{base}/news/story"  # the final URL after the redirect
    assert f"error: {base}/gone" in err and "404" in err
    assert written_code == 0
    name = output_name(f"{base}/news/story")  # http, a port: lossy, a digest follows
    assert name.startswith("127.0.0.1-" + base.rsplit(":", 1)[1] + "_news_story-")
    assert [p.name for p in sorted(tmp_path.iterdir())] == [f"{name}.json", f"{name}.txt"]


def test_the_seed_dump_cleans_exactly_from_the_command_line() -> None:
    root = Path(__file__).parents[1] / "fixtures"
    seed = root / "seed" / "000_a9e1ee360a756296.txt"
    expected = json.loads((root / "rules" / "daily8" / "seed.expected.json").read_text())
    code, out, _ = invoke(str(seed), "--format", "json")
    record = json.loads(out)
    assert code == 0 and record["rule"] == "daily8"
    assert record["text"] == expected["text"]
    assert record["title"] == "Start by Expanding Beyond Trade"
    assert record["authors"] == ["Mark Siegel"]
    paragraphs = record["text"].split("\n\n")
    assert paragraphs[0].startswith("Hudson Institute's Japan Chair challenges")
    assert paragraphs[-1].endswith("that Japan and America can both describe as wins.")


@pytest.mark.parametrize("where", ["a-file", "under-a-file"])
def test_an_output_directory_that_cannot_be_is_one_usage_error(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a directory")
    target = blocker if where == "a-file" else blocker / "out"
    code, out, err = invoke(str(PAGE), str(PAGE), "-o", str(target))
    assert code == 2 and out == ""
    assert err.splitlines() == [err.strip()] and str(target) in err  # one line, naming it
    assert blocker.read_text() == "a file, not a directory"


def test_the_dask_engine_without_dask_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    code, out, err = invoke(str(PAGE), "--engine", "dask")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert "pip install 'dask[distributed]" in err and "Traceback" not in err


def test_help_shows_defaults_and_brackets_in_panels() -> None:
    result = CliRunner().invoke(app, ["-h"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = result.stdout
    assert "[default: (all cores)]" in text or "[default: all cores]" in text
    assert "'dask[distributed]'" in text  # rich markup would eat the [distributed]
    for panel in ("Input", "Output", "Fetching", "Batch", "Rules"):
        assert f"─ {panel} ─" in text


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.strip() == f"scrape {scraper.__version__}"


def test_verbose_lines_name_their_source(tmp_path: Path) -> None:
    out = tmp_path / "out"
    invoke(str(PAGE), "-o", str(out))
    code, _, err = invoke(str(PAGE), "-o", str(out), "-v")
    assert code == 0
    assert err.splitlines()[0] == f"skipped: {PAGE}: already done"


def test_the_distribution_name_is_ours_everywhere() -> None:
    """`scrape` on the package index is somebody else's project: install lines name the
    distribution this project is (scrape-news), or the dependency itself."""
    assert importlib.metadata.distribution("scrape-news").entry_points.names >= {
        "scrape",
        "scrape-rules",
    }
    root = Path(__file__).parents[1]
    texts = [root / "README.md", root / "cli.py", *sorted((root / "scraper").rglob("*.py"))]
    for path in texts:
        assert "scrape[" not in path.read_text(encoding="utf-8"), path


def test_names_are_printed_literally(tmp_path: Path) -> None:
    """No rich markup or emoji code in a file name is rendered on stderr."""
    page = tmp_path / "a:fire:b[bold]c.html"
    page.write_bytes(b"")
    code, _, err = invoke(str(page), "-v")
    assert code == 1 and f"error: {page}" in err
