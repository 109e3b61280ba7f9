"""Each shipped rule's fixtures scored without and with the rule (word-4-gram shingles;
"meta": the title, authors and date fields right, as scrape-rules test judges them),
from scraper.rules.tools.rule_health, the judgement `scrape-rules check` prints.

Usage: .venv/bin/python benchmarks/rules_fixture_scores.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper.errors import ScraperError
from scraper.rules import shipped_rules
from scraper.rules.tools import Outcome, rule_health


def _cell(outcome: Outcome) -> str:
    if outcome.error:
        return f"error: {outcome.error}"
    meta = ",".join(sorted(outcome.right)) or "-"
    return f"P {outcome.precision:.3f} R {outcome.recall:.3f} meta {meta}"


def main() -> None:
    print(f"{'rule':14} {'fixture':28} {'without the rule':44} | with the rule")
    for rule in shipped_rules().rules:
        try:
            health = rule_health(rule)
        except ScraperError as exc:
            print(f"{rule.name:14} error: {exc}")
            continue
        for gain in health.fixtures:
            before, after = _cell(gain.without_rule), _cell(gain.with_rule)
            print(f"{rule.name:14} {gain.fixture.page.name:28} {before:44} | {after}")


if __name__ == "__main__":
    main()
