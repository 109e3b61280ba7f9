"""Stage 4, rules: per-site rules, data not code. Loading and validation (`_load`), the
bounded text patterns (`_patterns`) and the text directives (`_text`); the rule-author
tools behind `scrape-rules` are the public module `scraper.rules.tools`."""

from scraper.rules._load import (
    FIXTURE_KEYS,
    HTML_KEYS,
    METADATA_FIELDS,
    SPAN_KEYS,
    TEXT_KEYS,
    TOP_KEYS,
    Fixture,
    Rule,
    RuleCheck,
    RuleSet,
    apply_text_rule,
    check_rule,
    check_rule_text,
    default_user_rules_dir,
    load_rule,
    load_rules,
    load_user_rules,
    parse_rule,
    rule_for_page,
    shipped_rules,
    shipped_rules_dir,
)
from scraper.rules._patterns import PatternError, Span, compile_pattern, compile_span
from scraper.rules._text import TextRule, apply_text_directives

__all__ = [
    "FIXTURE_KEYS",
    "HTML_KEYS",
    "METADATA_FIELDS",
    "SPAN_KEYS",
    "TEXT_KEYS",
    "TOP_KEYS",
    "Fixture",
    "PatternError",
    "Rule",
    "RuleCheck",
    "RuleSet",
    "Span",
    "TextRule",
    "apply_text_directives",
    "apply_text_rule",
    "check_rule",
    "check_rule_text",
    "compile_pattern",
    "compile_span",
    "default_user_rules_dir",
    "load_rule",
    "load_rules",
    "load_user_rules",
    "parse_rule",
    "rule_for_page",
    "shipped_rules",
    "shipped_rules_dir",
]
