"""Every shipped rule turns each of its saved pages into the expected text and metadata,
and earns its place.

Text dumps must come out exactly; HTML pages (whose gold is fundus's annotation, split into
paragraphs its own way) must match it by the benchmark's word-4-gram shingles, both ways
(see scraper.rules.tools.check_fixture, which `scrape-rules test` runs too).

A rule earns its place (scraper.rules.tools.rule_health, which `scrape-rules check` runs too):
no fixture is worse with the rule than with none (lower F1, a title, authors or date field
lost, an `absent` cruft string let in), at least one is better (higher F1, or the same F1
with a field right or an `absent` string gone that was not without it), and every CSS
selector of the rule (each comma-separated part) matches something on one of its HTML
fixture pages, as parsed, before anything is removed.

Each fixture page is read and parsed once per session (the `loaded` fixture).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scraper.rules import Fixture, Rule, load_rule
from scraper.rules.tools import FixturePage, check_page, health_lines, load_page, rule_health

RULES = sorted((Path(__file__).resolve().parent.parent / "rules").glob("*.toml"))
Loader = Callable[[Fixture], FixturePage]


@pytest.fixture(scope="session")
def loaded() -> Loader:
    """A fixture's page, read and parsed once per session."""
    pages: dict[Path, FixturePage] = {}

    def load(fixture: Fixture) -> FixturePage:
        if fixture.page not in pages:
            pages[fixture.page] = load_page(fixture)
        return pages[fixture.page]

    return load


def _cases() -> list[Any]:
    return [
        pytest.param(rule, fixture, id=f"{rule.name}:{fixture.page.name}")
        for rule in map(load_rule, RULES)
        for fixture in rule.fixtures
    ]


@pytest.mark.parametrize(("rule", "fixture"), _cases())
def test_rule_fixture(rule: Rule, fixture: Fixture, loaded: Loader) -> None:
    result = check_page(rule, loaded(fixture))
    assert result.ok, "\n".join([*result.problems, result.diff])


@pytest.mark.parametrize("rule", [pytest.param(load_rule(p), id=p.stem) for p in RULES])
def test_rule_earns_its_place(rule: Rule, loaded: Loader) -> None:
    health = rule_health(rule, pages=[loaded(fixture) for fixture in rule.fixtures])
    report = "\n".join([f"{rule.name}: {health.verdict}", *health_lines(health)])
    assert health.wins, report
    assert not health.dead, report


def test_every_shipped_rule_has_a_fixture() -> None:
    assert RULES
    for path in RULES:
        rule = load_rule(path)
        assert rule.fixtures, rule.name
        for fixture in rule.fixtures:
            assert fixture.page.is_file() and fixture.expected.is_file(), fixture
