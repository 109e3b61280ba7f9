"""Resume: a run killed with SIGKILL mid-way keeps every output it finished, leaves
nothing that looks complete, and a rerun ends with exactly the files of a run that
was never interrupted."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from scraper import output

ROOT = Path(__file__).parents[1]
PAGES = sorted((ROOT / "fixtures" / "corpus").glob("*/*/page.html.gz"))  # licences beside
COPIES = 6


def replicated(folder: Path) -> int:
    for copy in range(COPIES):
        for i, page in enumerate(PAGES):
            path = folder / f"c{copy:02d}" / f"{i:02d}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(gzip.decompress(page.read_bytes()))
    return COPIES * len(PAGES)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def scrape(*args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from cli import main; main()", *args]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )


def test_sigkill_then_rerun_gives_the_uninterrupted_outputs(tmp_path: Path) -> None:
    total = replicated(tmp_path / "pages")
    out = tmp_path / "out"
    args = (str(tmp_path / "pages"), "-o", str(out), "-f", "markdown", "-j", "2")
    run = scrape(*args)
    try:
        deadline = time.monotonic() + 60
        while len(list(out.rglob("*.json"))) < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert run.poll() is None, "the run ended before it could be killed"
        os.kill(run.pid, signal.SIGKILL)
        run.wait(timeout=10)
    finally:
        run.kill()
        run.communicate()
    killed = tree(out)
    done_before = sum(name.endswith(".json") for name in killed)
    assert 10 <= done_before < total
    for name in killed:  # a finished source has both files; nothing else looks finished
        if name.endswith(".json"):
            assert name.removesuffix(".json") + ".md" in killed
        else:
            assert name.endswith(".md") or name.endswith(".part")

    rerun = scrape(*args)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    summary = err.decode().strip().splitlines()[-1]
    assert summary == f"scrape: {total - done_before} done, 0 failed, {done_before} skipped"

    fresh = tmp_path / "fresh"
    result = CliRunner().invoke(app, [*args[:1], "-o", str(fresh), *args[3:]])
    assert result.exit_code == 0, result.stderr
    assert tree(out) == tree(fresh)  # no leftover temporary file either
    assert len(tree(fresh)) == 2 * total


def test_a_partial_source_is_not_done_and_is_rewritten(tmp_path: Path) -> None:
    page = tmp_path / "in" / "a.html"
    page.parent.mkdir()
    page.write_bytes(gzip.decompress(PAGES[0].read_bytes()))
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.md").write_text("half a page")  # its .json never came: not done
    (out / ".a.json.part").write_text("{")  # a temporary file cut short
    assert not output.is_done(out, "a", fmt="markdown")
    result = CliRunner().invoke(app, [str(page.parent), "-o", str(out), "-f", "markdown"])
    assert result.stderr.splitlines()[-1] == "scrape: 1 done, 0 failed, 0 skipped"
    assert sorted(tree(out)) == ["a.json", "a.md"]
    assert (out / "a.md").read_text() != "half a page"


ARTICLE = ROOT / "fixtures" / "pages" / "article.html"


def scrape_into(out: Path, *args: str, stdin: bytes | None = None) -> list[str]:
    """Run the command in-process; the stderr lines (the summary last: -v asks for it
    for a single source too)."""
    result = CliRunner().invoke(app, [*args, "-o", str(out), "-v"], input=stdin)
    return result.stderr.splitlines()


def test_a_new_format_writes_its_own_file_and_keeps_the_others(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(ARTICLE, tmp_path / "in" / "a.html")
    out, pages = tmp_path / "out", str(tmp_path / "in")
    assert scrape_into(out, pages, "-f", "json")[-1] == "scrape: 1 done, 0 failed, 0 skipped"
    record = (out / "a.json").read_bytes()
    assert scrape_into(out, pages, "-f", "markdown")[-1] == "scrape: 1 done, 0 failed, 0 skipped"
    assert (out / "a.md").read_text().startswith("# River towns brace")
    assert scrape_into(out, pages, "-f", "markdown")[-1] == "scrape: 0 done, 0 failed, 1 skipped"
    assert scrape_into(out, pages, "-f", "text")[-1] == "scrape: 1 done, 0 failed, 0 skipped"
    assert sorted(tree(out)) == ["a.json", "a.md", "a.txt"]
    assert (out / "a.json").read_bytes() == record
    assert scrape_into(out, pages, "-f", "jsonl")[-1] == "scrape: 0 done, 0 failed, 1 skipped"


def test_a_different_earlier_json_is_not_clobbered(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(ARTICLE, tmp_path / "in" / "a.html")
    out, pages = tmp_path / "out", str(tmp_path / "in")
    out.mkdir()
    (out / "a.json").write_text('{"title": "an earlier extraction"}\n')
    lines = scrape_into(out, pages, "-f", "markdown")
    assert lines[-1] == "scrape: 0 done, 1 failed, 0 skipped"
    assert str(out / "a.json") in lines[0] and "--force" in lines[0]
    assert tree(out) == {"a.json": b'{"title": "an earlier extraction"}\n'}
    lines = scrape_into(out, pages, "-f", "markdown", "--force")
    assert lines[-1] == "scrape: 1 done, 0 failed, 0 skipped"
    assert sorted(tree(out)) == ["a.json", "a.md"]


def stdin_name(data: bytes) -> str:
    return "stdin-" + hashlib.sha256(data).hexdigest()[:12]


def test_stdin_runs_are_named_by_their_content(tmp_path: Path) -> None:
    first = ARTICLE.read_bytes()
    second = b"A title\nThe first paragraph of a plain text dump, long enough to count.\n"
    out = tmp_path / "out"
    assert scrape_into(out, "-", stdin=first)[-1] == "scrape: 1 done, 0 failed, 0 skipped"
    assert scrape_into(out, "-", stdin=second)[-1] == "scrape: 1 done, 0 failed, 0 skipped"
    assert scrape_into(out, "-", stdin=first)[-1] == "scrape: 0 done, 0 failed, 1 skipped"
    names = sorted({stdin_name(first), stdin_name(second)})
    assert sorted(tree(out)) == [f"{n}.{s}" for n in names for s in ("json", "txt")]
    assert "first paragraph" in (out / f"{stdin_name(second)}.txt").read_text()


def test_stdin_with_url_is_named_by_the_url(tmp_path: Path) -> None:
    out, url = tmp_path / "out", "https://news.example.com/x"
    lines = scrape_into(out, "-", "--url", url, "-f", "json", stdin=ARTICLE.read_bytes())
    assert lines[-1] == "scrape: 1 done, 0 failed, 0 skipped"
    assert sorted(tree(out)) == ["news.example.com_x.json"]


def test_a_new_source_that_slugs_alike_is_extracted_and_the_old_one_kept(tmp_path: Path) -> None:
    """story.html, then story.htm added: the rerun extracts story.htm and skips story.html,
    and ends with exactly the files of one run over both, in either order."""
    pages, out = tmp_path / "in", tmp_path / "out"
    pages.mkdir()
    (pages / "story.html").write_bytes(ARTICLE.read_bytes())
    assert scrape_into(out, str(pages))[-1] == "scrape: 1 done, 0 failed, 0 skipped"
    (pages / "story.htm").write_bytes(ARTICLE.read_bytes().replace(b"River", b"Lake"))
    assert scrape_into(out, str(pages))[-1] == "scrape: 1 done, 0 failed, 1 skipped"
    assert sorted(tree(out)) == ["story.htm.json", "story.htm.txt", "story.json", "story.txt"]
    assert b"Lake" in tree(out)["story.htm.json"] and b"Lake" not in tree(out)["story.json"]
    fresh = tmp_path / "fresh"  # the folder gave story.htm first; here it comes last
    scrape_into(fresh, str(pages / "story.html"), str(pages / "story.htm"))
    assert tree(fresh) == tree(out)


def test_one_file_name_from_two_folders_gets_two_names(tmp_path: Path) -> None:
    """Sources with the same name (story.html given from two folders) still get two
    names: the later one's carries `--` and a digest of its location."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.html").write_bytes(ARTICLE.read_bytes())
    out = tmp_path / "out"
    scrape_into(out, str(tmp_path / "a" / "story.html"), str(tmp_path / "b" / "story.html"))
    names = sorted(tree(out))
    assert names[:2] == [
        "story--" + output.digest(str(tmp_path / "b" / "story.html")) + ".json",
        "story--" + output.digest(str(tmp_path / "b" / "story.html")) + ".txt",
    ]
    assert names[2:] == ["story.json", "story.txt"]
