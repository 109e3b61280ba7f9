"""Every regression fixture that fuzz/mutate.py saved in fuzz/regressions/ replays to an
Article or a ScraperError, within the time budget it was recorded with. A fixture whose
sidecar names a `known` cause not fixed yet is skipped with that cause as the reason."""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from scraper import Article, ScraperError

FUZZ = Path(__file__).resolve().parent.parent / "fuzz"
REGRESSIONS = FUZZ / "regressions"
sys.path.insert(0, str(FUZZ))

from cases import Call, decode  # noqa: E402
from mutate import run_call  # noqa: E402

SIDECARS = sorted(REGRESSIONS.glob("*.json"))

pytestmark = pytest.mark.slow


def _load(sidecar: Path) -> tuple[dict[str, Any], Call]:
    meta: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
    data = (REGRESSIONS / meta["file"]).read_bytes()
    data = gzip.decompress(data) if meta["file"].endswith(".gz") else data
    page: str | bytes = decode(data, errors="surrogatepass") if meta["input"] == "str" else data
    return meta, Call(name=meta["call"], page=page, url=meta["url"])


def test_the_folder_explains_itself() -> None:
    assert (REGRESSIONS / "README.md").is_file()
    for sidecar in SIDECARS:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        assert (REGRESSIONS / meta["file"]).is_file(), sidecar.name
        assert (REGRESSIONS / meta["file"]).stat().st_size <= 200 * 1024, sidecar.name


@pytest.mark.parametrize("sidecar", SIDECARS, ids=[p.stem for p in SIDECARS])
def test_a_regression_replays_cleanly(sidecar: Path) -> None:
    meta, call = _load(sidecar)
    if meta.get("known"):
        pytest.skip(f"known cause, not fixed yet: {meta['known']}")
    start = time.perf_counter()
    try:
        result = run_call(call)
    except ScraperError:
        result = None
    took = time.perf_counter() - start
    assert result is None or isinstance(result, Article)
    assert took <= meta["time_budget_s"], f"{took:.2f} s over {meta['time_budget_s']} s"
