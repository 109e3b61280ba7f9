"""Each shipped rule's fixtures scored without and with the rule (word-4-gram shingles;
"meta ok": title, authors and date as scrape-rules test judges them).

Usage: .venv/bin/python benchmarks/rules_fixture_scores.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper.errors import ScraperError
from scraper.evaluate import score_page
from scraper.rules import Fixture, Rule, shipped_rules
from scraper.rules.tools import metadata_problems, run_fixture


def _cell(rule: Rule | None, fixture: Fixture, want: dict[str, object]) -> str:
    try:
        article = run_fixture(rule, fixture)
    except ScraperError as exc:
        return f"error: {exc}"
    score = score_page(str(want["text"]), article.text)
    meta = "ok" if not metadata_problems(article, want) else "off"
    return f"P {score.precision:.3f} R {score.recall:.3f} meta {meta}"


def main() -> None:
    print(f"{'rule':14} {'fixture':28} {'without the rule':30} | with the rule")
    for rule in shipped_rules().rules:
        for fixture in rule.fixtures:
            want = json.loads(fixture.expected.read_text(encoding="utf-8"))
            before, after = _cell(None, fixture, want), _cell(rule, fixture, want)
            print(f"{rule.name:14} {fixture.page.name:28} {before:30} | {after}")


if __name__ == "__main__":
    main()
