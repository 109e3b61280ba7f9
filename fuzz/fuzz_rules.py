"""Coverage-guided fuzzing of the rule loader (atheris / libFuzzer).

A rule file is user input: any bytes must load as a Rule or raise RuleError, and a rule
that loads must run on a page (its selectors and text patterns) without any other error
and without hanging. Run (see README, "Fuzzing"):

    .venv/bin/python fuzz/fuzz_rules.py -max_total_time=600 -timeout=10 \
        -rss_limit_mb=2048 -max_len=16384 fuzz/corpus/rules

The first run fills fuzz/corpus/rules with the shipped rule files.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import atheris

# The checkout's scraper, not an installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["scraper"]):
    from scraper import ScraperError, Settings, extract
    from scraper.errors import RuleError
    from scraper.pipeline import clean_text
    from scraper.rules import RuleSet, parse_rule

from _common import corpus_args, rule_seeds

PATH = Path("fuzz.toml")
PAGE = (
    "<html><head><title>T</title></head><body><article><h1>T</h1>"
    + "<p>Photo by Jane Doe / AFP. Related Articles: the words of a sentence, said.</p>" * 5
    + "<div class='ad'>This advertisement has not loaded yet, but it continues below.</div>"
    + "</article></body></html>"
)
TEXT = "Breaking: REUTERS reports.\n\n" + "A paragraph of words, long enough to keep.\n\n" * 5


def test_one(data: bytes) -> None:
    try:
        rule = parse_rule(data, path=PATH)
    except RuleError:
        return
    settings = Settings(rules=RuleSet(rules=(rule,)))
    url = f"https://{rule.domains[0]}/a" if rule.domains else None
    for run in (lambda: extract(PAGE, url=url, settings=settings),
                lambda: clean_text(TEXT, url=url, settings=settings)):  # fmt: skip
        with contextlib.suppress(ScraperError):
            run()


def main() -> None:
    args = corpus_args(sys.argv, name="rules", seeds=rule_seeds())
    atheris.Setup(args, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
