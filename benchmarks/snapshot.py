"""Every corpus page's output, rules on and off, written so that two versions of the code
can be compared byte for byte (a refactoring must not change a single output).

Usage:
    .venv/bin/python benchmarks/snapshot.py --corpus ../shared/corpus --out /tmp/before
    (change the code)
    .venv/bin/python benchmarks/snapshot.py --corpus ../shared/corpus --out /tmp/after
    .venv/bin/python benchmarks/snapshot.py --compare /tmp/before /tmp/after

Each run writes `rules.jsonl` and `no-rules.jsonl` in --out: one line per page, its case
name and either the full JSON record (`Article.to_dict()`, text included) or the error.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import corpus as corpus_module
from scraper import ScraperError, Settings, extract
from scraper.rules import RuleSet

MODES = {"rules": None, "no-rules": RuleSet()}


def snapshot(corpus: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    cases = sorted(corpus.glob("*/*/page.html.gz"))
    for mode, ruleset in MODES.items():
        settings = Settings(rules=ruleset)
        with (out / f"{mode}.jsonl").open("w", encoding="utf-8") as handle:
            for page in cases:
                handle.write(_line(page, settings=settings) + "\n")
        print(f"{mode}: {len(cases)} pages -> {out / f'{mode}.jsonl'}")


def _line(page: Path, *, settings: Settings) -> str:
    case = f"{page.parent.parent.name}/{page.parent.name}"
    expected = json.loads((page.parent / "expected.json").read_text(encoding="utf-8"))
    try:
        record: object = extract(gzip.decompress(page.read_bytes()), url=expected.get("url"),
                                 settings=settings).to_dict()  # fmt: skip
    except ScraperError as exc:
        record = {"error": str(exc)}
    return json.dumps({"case": case, "output": record}, ensure_ascii=False, sort_keys=True)


def compare(before: Path, after: Path) -> int:
    """Print, per mode, how many pages are identical and which differ; 1 if any differ."""
    differ = 0
    for mode in MODES:
        old = (before / f"{mode}.jsonl").read_text(encoding="utf-8").splitlines()
        new = (after / f"{mode}.jsonl").read_text(encoding="utf-8").splitlines()
        changed = [json.loads(a)["case"] for a, b in zip(old, new, strict=True) if a != b]
        same = len(old) - len(changed)
        print(f"{mode}: {same} of {len(old)} pages byte-identical, {len(changed)} differ")
        for case in changed:
            print(f"  differs: {case}")
        differ += len(changed)
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=corpus_module.default_corpus())
    parser.add_argument("--out", type=Path, help="write this version's outputs here")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(compare(*args.compare))
    if args.out is None:
        parser.error("give --out DIR or --compare BEFORE AFTER")
    snapshot(args.corpus, args.out)


if __name__ == "__main__":
    main()
