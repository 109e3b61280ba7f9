"""Batch benchmark (a script, not a test): the pages of ../shared/corpus replicated to
at least --files files in a temporary directory, and the same pages packed in one
WARC.gz; `scrape` cleans each input with --jobs 1, --jobs 2 and --engine dask (a local
cluster of 2 workers), writing JSON files. Reports pages/s and peak memory (resident
set of the whole process tree, sampled every 0.1 s with psutil, and of the main process).

    .venv/bin/python benchmarks/batch_bench.py [--files 20000] [--runs dir-1,warc-2,...]

Every run writes into its own fresh output directory; outputs of all runs are
compared at the end (same articles whatever the input kind and engine).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper import fetch  # noqa: E402
from scraper.model import Fetched  # noqa: E402
from tests import warcfile  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
RUNS = {
    "dir-jobs1": ("dir", ["-j", "1"]),
    "dir-jobs2": ("dir", ["-j", "2"]),
    "dir-dask2": ("dir", ["--engine", "dask", "-j", "2"]),
    "warc-jobs1": ("warc", ["-j", "1"]),
    "warc-jobs2": ("warc", ["-j", "2"]),
    "warc-dask2": ("warc", ["--engine", "dask", "-j", "2"]),
}


def build(work: Path, files: int) -> tuple[Path, Path, int]:
    """The replicated directory and the WARC of the same pages; the page count."""
    pages = sorted(CORPUS.glob("*/*/page.html.gz"))
    copies = -(-files // len(pages))
    folder, warc = work / "pages", work / "pages.warc.gz"

    def records():  # type: ignore[no-untyped-def]
        for copy in range(copies):
            for page in pages:
                body = gzip.decompress(page.read_bytes())
                rel = f"c{copy:03d}/{page.parent.parent.name}/{page.parent.name}"
                url = f"https://bench.example/{rel}.html"
                fetched = Fetched(url=url, content=body, mime="text/html", charset=None, headers=())
                fetch.save_page(folder, rel, requested=url, fetched=fetched)  # page + its URL
                yield warcfile.response(url, body)

    warcfile.write(warc, records())
    return folder, warc, copies * len(pages)


def snapshot(work: Path) -> Path:
    """A copy of the code as it is now: every run measures the same code, however the
    checkout changes meanwhile."""
    code = work / "code"
    for part in ("scraper", "rules"):
        shutil.copytree(ROOT / part, code / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "cli.py", code / "cli.py")
    return code


def measure(args: list[str], *, code: Path) -> dict[str, float]:
    command = [sys.executable, "-c", "from cli import main; main()", *args]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=code, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main = psutil.Process(proc.pid)
    peak_tree = peak_main = 0
    cpu: dict[int, float] = {}  # last seen user+sys seconds of every process of the tree
    while proc.poll() is None:
        try:
            tree = [main, *main.children(recursive=True)]
            rss = [p.memory_info().rss for p in tree]
            for p in tree:
                times = p.cpu_times()
                cpu[p.pid] = times.user + times.system
        except psutil.Error:
            continue
        peak_tree, peak_main = max(peak_tree, sum(rss)), max(peak_main, rss[0])
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    summary = proc.stderr.read().decode().strip().splitlines() if proc.stderr else []
    return {
        "seconds": seconds,
        "cpu_s": sum(cpu.values()),  # user+sys of the whole tree (sampled: a lower bound)
        "peak_tree_mb": peak_tree / 2**20,
        "peak_main_mb": peak_main / 2**20,
        "summary": summary[-1] if summary else "",  # type: ignore[dict-item]
    }


def articles(out: Path) -> dict[str, str]:
    found = {}
    for path in out.rglob("*.json"):
        record = json.loads(path.read_text())
        record.pop("source")  # a file path or a WARC offset
        found[record["url"] or path.relative_to(out).as_posix()] = json.dumps(record)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--runs", default=",".join(RUNS))
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scrape-batch-") as tmp:
        work = Path(tmp)
        code = snapshot(work)
        folder, warc, pages = build(work, options.files)
        print(f"{pages} pages; WARC.gz {warc.stat().st_size / 2**20:.0f} MiB", flush=True)
        results, texts = {}, {}
        for name in options.runs.split(","):
            kind, extra = RUNS[name]
            out = work / f"out-{name}"
            source = str(folder if kind == "dir" else warc)
            args = [source, "-o", str(out), "-f", "json", "--time-limit", "120", *extra]
            result = measure(args, code=code)
            result["pages_per_s"] = pages / result["seconds"]
            result["load_avg_1m"] = os.getloadavg()[0]  # others' work on the machine
            results[name] = result
            print(json.dumps({name: result}), flush=True)
            texts[name] = articles(out)
            shutil.rmtree(out)
        first = next(iter(texts.values()))
        same = {name: found == first for name, found in texts.items()}
        print(json.dumps({"same_articles_as_first_run": same}))
        for name, found in texts.items():
            differ = sorted(k for k in first.keys() | found.keys() if first.get(k) != found.get(k))
            if differ:
                print(f"{name}: {len(differ)} differ, e.g. {differ[0]}")
                print(f"  first: {first.get(differ[0], '')[:300]}")
                print(f"  {name}: {found.get(differ[0], '')[:300]}")
        if "dir-jobs1" in results and "dir-jobs2" in results:
            ratio = results["dir-jobs2"]["pages_per_s"] / results["dir-jobs1"]["pages_per_s"]
            print(f"scaling dir jobs2/jobs1: {ratio:.2f}x")
        if "warc-jobs1" in results and "warc-jobs2" in results:
            ratio = results["warc-jobs2"]["pages_per_s"] / results["warc-jobs1"]["pages_per_s"]
            print(f"scaling warc jobs2/jobs1: {ratio:.2f}x")


if __name__ == "__main__":
    main()
