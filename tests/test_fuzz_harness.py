"""fuzz/mutate.py, the mutation fuzzer: it reports, saves a regression fixture for a
planted failure (an injected target), kills a hung worker, notices a dead one, and is
deterministic given a seed. Small generated seed pages keep it fast."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parent.parent / "fuzz"
sys.path.insert(0, str(FUZZ))

from cases import Call, Seed, load_seeds, make_case  # noqa: E402
from mutate import format_report, run, run_call  # noqa: E402
from mutations import FAMILIES, mutate  # noqa: E402
from options import FuzzOptions  # noqa: E402

PARA = b"<p>A sentence of the story, long enough to count as a paragraph of text.</p>"
SEEDS = (
    Seed("marked.html", "html", b"<html><body><article><h1>T</h1>" + PARA * 3
         + b"<p>FUZZMARK here</p></article></body></html>", "https://example.com/a"),
    Seed("plain.html", "html", b"<html><head><title>T</title></head><body><article>"
         + PARA * 4 + b"</article></body></html>", None),
    Seed("dump.txt", "text", b"Title\n\n" + b"A paragraph of a text dump, said.\n\n" * 4, None),
)  # fmt: skip


def _marked(call: Call) -> bool:
    page = call.page if isinstance(call.page, bytes) else call.page.encode("utf-8", "replace")
    return b"FUZZMARK" in page


def planted(call: Call) -> object:
    if _marked(call):
        raise ValueError("planted failure")
    return None


def quick(call: Call) -> object:
    return None


def options(tmp_path: Path, **changes: object) -> FuzzOptions:
    base = {"inputs": 30, "jobs": 2, "seed": 7, "out": tmp_path / "regressions"}
    return FuzzOptions(**{**base, **changes})  # type: ignore[arg-type]


def test_a_planted_failure_is_counted_and_saved(tmp_path: Path) -> None:
    report = run(options(tmp_path), seeds=SEEDS, target=planted)
    assert report.inputs == 30 and report.calls == 60
    assert report.exceptions > 0
    assert [c.signature.split(" at ")[0] for c in report.causes] == ["ValueError"]
    assert report.causes[0].message == "planted failure"
    assert 0 < len(report.saved) <= 3  # one cause, at most three fixtures
    for path in report.saved:
        meta = json.loads(path.with_name(path.name.split(".")[0] + ".json").read_text())
        assert meta["kind"] == "exception" and meta["seed"] == 7 and meta["mutations"]
        assert "ValueError: planted failure" in meta["traceback"]
        page = path.read_bytes()
        assert b"FUZZMARK" in page  # the saved input reproduces it
        with pytest.raises(ValueError):
            planted(Call(name=meta["call"], page=page, url=meta["url"]))
    text = format_report(report, options=options(tmp_path))
    assert "inputs run: 30 (60 calls)" in text
    assert "exceptions outside ScraperError:" in text and "distinct" in text


def test_same_seed_same_inputs(tmp_path: Path) -> None:
    first = run(options(tmp_path, jobs=2), seeds=SEEDS, target=quick)
    again = run(options(tmp_path, jobs=1), seeds=SEEDS, target=quick)
    other = run(options(tmp_path, seed=8), seeds=SEEDS, target=quick)
    assert first.digest == again.digest != other.digest
    assert make_case(SEEDS, seed=7, index=3) == make_case(SEEDS, seed=7, index=3)
    rerun = run(options(tmp_path, indices=(3, 5)), seeds=SEEDS, target=quick)
    assert rerun.inputs == 2


def test_a_hung_worker_is_killed_replaced_and_recorded(tmp_path: Path) -> None:
    def hang(call: Call) -> object:
        if _marked(call):
            time.sleep(60)
        return None

    chosen = options(tmp_path, inputs=6, kill_after=0.3, time_budget=0.1)
    report = run(chosen, seeds=SEEDS[:1], target=hang)
    assert report.inputs + report.hangs == 6
    assert report.hangs >= 1 and report.over_time >= report.hangs
    assert any(p.name.startswith("hang-") for p in report.saved)


def test_a_dead_worker_is_recorded(tmp_path: Path) -> None:
    def die(call: Call) -> object:
        if _marked(call):
            os._exit(3)
        return None

    report = run(options(tmp_path, inputs=4), seeds=SEEDS[:1], target=die)
    assert report.crashes >= 1
    assert any(p.name.startswith("crash-") for p in report.saved)


def test_the_real_target_on_small_pages(tmp_path: Path) -> None:
    report = run(options(tmp_path, inputs=12), seeds=SEEDS[1:], target=run_call)
    assert report.inputs == 12 and report.calls == 24 and report.peak_mb > 0


def test_every_family_mutates_a_fixture_page() -> None:
    page = next(s for s in load_seeds() if s.name.endswith("fixtures/pages/article.html"))
    import random

    for family, ops in FAMILIES.items():
        for op in ops:
            out, what = op(random.Random(1), page.data)
            assert isinstance(out, bytes) and what, f"{family}.{op.__name__}"
    chain = mutate(random.Random(2), page.data, count=4)
    assert len(chain.steps) == 4
