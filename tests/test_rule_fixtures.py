"""Every shipped rule turns each of its saved pages into the expected text and metadata.

Text dumps must come out exactly; HTML pages (whose gold is fundus's annotation, split into
paragraphs its own way) must match it by the benchmark's word-4-gram shingles, both ways
(see scraper.ruletools.check_fixture, which `scrape-rules test` runs too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scraper.rules import Fixture, Rule, load_rule
from scraper.rules.tools import check_fixture

RULES = sorted((Path(__file__).resolve().parent.parent / "rules").glob("*.toml"))


def _cases() -> list[Any]:
    return [
        pytest.param(rule, fixture, id=f"{rule.name}:{fixture.page.name}")
        for rule in map(load_rule, RULES)
        for fixture in rule.fixtures
    ]


@pytest.mark.parametrize(("rule", "fixture"), _cases())
def test_rule_fixture(rule: Rule, fixture: Fixture) -> None:
    result = check_fixture(rule, fixture)
    assert result.ok, "\n".join([*result.problems, result.diff])


def test_every_shipped_rule_has_a_fixture() -> None:
    assert RULES
    for path in RULES:
        rule = load_rule(path)
        assert rule.fixtures, rule.name
        for fixture in rule.fixtures:
            assert fixture.page.is_file() and fixture.expected.is_file(), fixture
