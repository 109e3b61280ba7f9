"""A batch with hostile pages among good ones: each hostile page is reported and skipped
with its reason, every other page is done, and a rerun writes nothing new.

(A page that kills or hangs its worker: tests/test_parallel.py::
test_a_page_that_kills_or_hangs_its_worker_fails_alone. kill -9 mid-run, then a rerun
giving exactly the outputs of an uninterrupted run: tests/test_resume.py.)
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = sorted((ROOT / "fixtures" / "corpus").glob("*/*/page.html.gz"))[:6]  # licences beside
P = "<p>The quick brown fox, said the report, jumps over the lazy dog. Again and again.</p>"
HOSTILE: dict[str, bytes] = {
    "deep.html": ("<html><body>" + "<div><span>" * 20_000 + P).encode(),
    "tags.html": ("<html><body>" + P + "<i></i>" * 300_000).encode(),
    "binary.html": b"<html>\x00\x01\x02" + bytes(range(256)) * 40,
    "empty.html": b" \n\t ",
    "no-text.html": b"<html><body><nav><a href=/>Home</a></nav></body></html>",
    "bad-gzip.html.gz": b"\x1f\x8b\x08\x00not really gzip",
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "cli.py", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["2"])
def test_hostile_pages_fail_alone_and_a_rerun_adds_nothing(tmp_path: Path, jobs: str) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for i, page in enumerate(GOOD):
        (pages / f"good{i}.html").write_bytes(gzip.decompress(page.read_bytes()))
    for name, data in HOSTILE.items():
        (pages / name).write_bytes(data)
    out = tmp_path / "out"
    first = run(str(pages), "-o", str(out), "-j", jobs, "-q", "-v")
    assert first.returncode == 1, first.stderr
    for name in HOSTILE:
        line = next((ln for ln in first.stderr.splitlines() if name in ln), "")
        assert line, (name, first.stderr)
    assert "too complex" in first.stderr and "binary" in first.stderr
    done = sorted(p.name for p in out.glob("*.json"))
    assert done == sorted(f"good{i}.json" for i in range(len(GOOD)))
    written = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = run(str(pages), "-o", str(out), "-j", jobs, "-q")
    assert again.returncode == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == written
