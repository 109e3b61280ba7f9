"""The installed `scrape` as people run it: at a terminal with stdout piped to another
tool or to a file, with a terminal on all three streams, from inside the checkout and
from another folder, and stopped with Ctrl-C or SIGTERM (tests/terminal.py)."""

from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path

import pytest

from tests import terminal

ROOT = Path(__file__).parents[1]
CORPUS = ROOT / "fixtures" / "corpus"
PAGE = ROOT / "fixtures" / "pages" / "article.html"
SUMMARY = "scrape: {} done, 0 failed, 0 skipped"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of saved pages: the corpus fixtures, each under its own name."""
    folder = tmp_path_factory.mktemp("saved")
    for page in sorted(CORPUS.glob("*/*/page.html.gz")):
        shutil.copy(page, folder / f"{page.parent.parent.name}-{page.parent.name}.html.gz")
    return folder


def pages_in(folder: Path) -> int:
    return len(list(folder.iterdir()))


def records(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_jsonl_piped_from_a_terminal_reaches_the_pipe(saved: Path, tmp_path: Path) -> None:
    """`scrape saved/ -f jsonl | jq -r .title` at a terminal."""
    ran = terminal.run([terminal.installed(), str(saved), "-f", "jsonl", "-j", "2"], cwd=tmp_path)
    assert ran.code == 0, ran.terminal
    assert len(records(ran.stdout)) == pages_in(saved)
    assert all(record["title"] for record in records(ran.stdout))
    assert "\x1b" not in ran.stdout  # no terminal drawing in the data
    assert SUMMARY.format(pages_in(saved)) in ran.terminal
    assert "{" not in ran.terminal  # no record drawn on the terminal


def test_progress_on_the_terminal_while_records_go_to_the_pipe(tmp_path: Path) -> None:
    many = tmp_path / "many"
    many.mkdir()
    for i in range(150):
        shutil.copy(PAGE, many / f"page{i:03}.html")
    ran = terminal.run([terminal.installed(), str(many), "-f", "jsonl", "-j", "2"], cwd=tmp_path)
    assert ran.code == 0, ran.terminal
    assert len(records(ran.stdout)) == 150
    assert "pages/s" in ran.terminal  # the bar was drawn on the terminal (stderr)
    assert "pages/s" not in ran.stdout


def test_all_three_on_a_terminal(saved: Path, tmp_path: Path) -> None:
    """Records on a terminal stdout, and with -o the files and a bar on stderr."""
    text = terminal.run(
        [terminal.installed(), str(saved), "-j", "2"], cwd=tmp_path, stdout_tty=True
    )
    assert text.code == 0, text.terminal
    assert text.stdout.count("\n") > pages_in(saved)  # every article's text
    assert "pages/s" not in text.stdout and "pages/s" not in text.terminal  # no bar over it
    assert SUMMARY.format(pages_in(saved)) in text.terminal
    out = tmp_path / "out"
    files = terminal.run(
        [terminal.installed(), str(saved), "-o", str(out), "-j", "2"],
        cwd=tmp_path,
        stdout_tty=True,
    )
    assert files.code == 0, files.terminal
    assert files.stdout == ""
    assert len(list(out.glob("*.json"))) == pages_in(saved)
    assert SUMMARY.format(pages_in(saved)) in files.terminal


@pytest.mark.parametrize("where", ["checkout", "elsewhere", "beside-another-scraper"])
def test_worker_processes_run_in_any_folder(saved: Path, tmp_path: Path, where: str) -> None:
    """Workers run the package that is running, whatever `scraper/` folder the current
    directory holds: the checkout's (the same code, or the very package with -e), or
    somebody else's."""
    cwd = ROOT if where == "checkout" else tmp_path
    if where == "beside-another-scraper":
        (tmp_path / "scraper").mkdir()
        (tmp_path / "scraper" / "__init__.py").write_text("# somebody else's scraper\n")
    ran = terminal.run([terminal.installed(), str(saved), "-f", "jsonl", "-j", "2"], cwd=cwd)
    assert ran.code == 0, ran.terminal
    assert len(records(ran.stdout)) == pages_in(saved)
    assert "Traceback" not in ran.terminal


def test_a_single_source_prints_nothing_on_the_terminal(tmp_path: Path) -> None:
    ran = terminal.run([terminal.installed(), str(PAGE)], cwd=tmp_path)
    assert ran.code == 0
    assert ran.stdout.startswith("Residents of the low-lying river towns")
    assert ran.terminal == ""


@pytest.mark.parametrize(
    ("stop", "code"), [(b"\x03", 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
def test_stopped_runs_report_and_leave_nothing_half_written(
    tmp_path: Path, stop: bytes | signal.Signals, code: int
) -> None:
    many = tmp_path / "many"
    many.mkdir()
    for i in range(400):
        shutil.copy(PAGE, many / f"page{i:03}.html")
    out = tmp_path / "out"
    run = terminal.start(
        [terminal.installed(), str(many), "-o", str(out), "-f", "jsonl", "-v", "-j", "2"],
        cwd=tmp_path,
    )
    run.wait_for_stdout(lambda _: len(list(out.glob("*.json"))) >= 5, timeout=60)
    if isinstance(stop, bytes):
        run.type(stop)  # Ctrl-C typed at the terminal: the whole process group gets SIGINT
    else:
        run.signal(stop)  # `kill PID`: the scrape process alone
    ran = run.finish(timeout=60)
    assert ran.code == code, ran.terminal
    assert "Traceback" not in ran.terminal
    lines = ran.lines()
    assert "scrape: interrupted" in lines
    done = sum(line.count(f"done: {many}") for line in lines)  # a line may follow the bar
    assert f"scrape: {done} done, 0 failed, 0 skipped" in lines
    assert 0 < done < 400
    written = sorted(out.iterdir())
    assert not [path for path in written if path.name.startswith(".")]  # no temporary file
    assert all(json.loads(path.read_text())["title"] for path in written)
    resumed = terminal.run(
        [terminal.installed(), str(many), "-o", str(out), "-j", "2"], cwd=tmp_path
    )
    assert resumed.code == 0, resumed.terminal
    assert len(list(out.glob("*.json"))) == 400


def test_python_dash_m_scraper_runs_the_command(tmp_path: Path) -> None:
    """`python -m scraper` is the same command, from any folder."""
    python = str(Path(terminal.installed()).parent / "python")
    ran = terminal.run([python, "-m", "scraper", str(PAGE), "-f", "jsonl"], cwd=tmp_path)
    assert ran.code == 0, ran.terminal
    assert records(ran.stdout)[0]["title"] == "River towns brace for record floods"
