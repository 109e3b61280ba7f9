"""Coverage-guided fuzzing of `extract` (atheris / libFuzzer).

Any input must give an Article or a ScraperError; any other exception, a hang past
libFuzzer's -timeout or memory past -rss_limit_mb is a crash. Run (see README, "Fuzzing"):

    .venv/bin/python fuzz/fuzz_extract.py -max_total_time=600 -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 fuzz/corpus/extract

The first run fills fuzz/corpus/extract with the repository's small fixture pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

# The checkout's scraper, not an installed copy.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["scraper"]):
    from scraper import ScraperError, Settings, extract
    from scraper.rules import RuleSet

from _common import corpus_args, html_seeds

SHIPPED = Settings()
NO_RULES = Settings(rules=RuleSet())
URLS = (None, "https://www.example.com/news/a-story", "https://www.bbc.co.uk/news/x", "x:")


def test_one(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    mode = fdp.ConsumeIntInRange(0, 3)
    url = URLS[fdp.ConsumeIntInRange(0, len(URLS) - 1)]
    page: str | bytes = (
        fdp.ConsumeUnicodeNoSurrogates(len(data)) if mode == 0 else fdp.ConsumeBytes(len(data))
    )
    settings = NO_RULES if mode == 3 else SHIPPED
    try:
        article = extract(page, url=url, settings=settings)
    except ScraperError:
        return
    if not article.text.strip():
        raise AssertionError("an Article without text")


def main() -> None:
    args = corpus_args(sys.argv, name="extract", seeds=html_seeds())
    atheris.Setup(args, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
