"""Hostile pages that held a CPU for minutes or blew the stack: each is linear now, and
every page has a time budget (Settings.time_limit, --time-limit) in every mode."""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser
from typer.testing import CliRunner

import scraper
from cli import app
from scraper import Article, Settings, extract
from scraper.budget import Budget
from scraper.clean import is_noise_line
from scraper.errors import ExtractionError, PageTooSlowError, RuleError, TextTooLargeError
from scraper.extract import blocks_from
from scraper.model import Block, Body
from scraper.rules import apply_text_rule, parse_rule

PARA = "This is a proper sentence of the article body, long enough to count as prose. " * 3
P = f"<p>{PARA}</p>"


def _timed_article(page: str, *, bound: float) -> Article | None:
    started = time.monotonic()
    try:
        article: Article | None = extract(page)
    except ExtractionError:
        article = None  # a typed error is an answer too; RecursionError is not
    assert time.monotonic() - started < bound
    return article


@pytest.mark.parametrize(
    "page",
    [
        f"<article>{P}" + "<div>" * 700 + P + "</div>" * 700 + "</article>",
        f"<article>{P}" + "<ul><li>item " * 250 + "</li></ul>" * 250 + "</article>",
        f"<article>{P}" + "<ul><li>item " * 1900 + "</li></ul>" * 1900 + "</article>",
        "<div>" * 1900 + P + "</div>" * 1900,
        f"<article>{P}" + "<blockquote>" * 1900 + P + "</blockquote>" * 1900 + "</article>",
    ],
    ids=["700-divs-in-article", "250-lists", "1900-lists", "1900-divs", "1900-quotes"],
)
def test_deep_nesting_gives_an_article_not_a_recursion_error(page: str) -> None:
    article = _timed_article(page, bound=5.0)
    assert article is not None and PARA.strip() in article.text


def test_nested_tables_give_each_cell_once() -> None:
    depth = 300
    cells = "".join(f"<table><tr><td>cell{i} " for i in range(depth))
    page = f"<article>{P}{cells}</article>"
    article = _timed_article(page, bound=5.0)
    assert article is not None
    for i in (0, depth // 2, depth - 1):
        assert len(re.findall(rf"\bcell{i}\b", article.text)) == 1
    assert len(article.text) < len(page)


def test_a_nested_table_row_follows_the_row_that_holds_it() -> None:
    page = (
        f"<article>{P}<table><tr><td>outer a</td><td>outer b<table><tr><td>inner</td>"
        "</tr></table></td></tr><tr><td>last</td></tr></table></article>"
    )
    blocks = [b.text for b in extract(page).blocks if b.kind == "table_row"]
    assert blocks == ["outer a | outer b", "inner", "last"]


RULE = 'domains = ["example.org"]\n[text]\ndrop_phrases = ["Anzeige"]\ncredits = ["Foto: {CAPS}"]'


def test_phrase_removal_is_linear() -> None:
    rule = parse_rule(RULE, path=Path("phrases.toml"))
    text = "Anzeige " * 100_000 + "Foto: AFP " * 20_000 + "The end."
    started = time.monotonic()
    body = apply_text_rule(rule, Body((Block(kind="paragraph", text=text),)))
    assert time.monotonic() - started < 1.0
    assert [b.text for b in body.blocks] == ["The end."]


def test_call_to_action_check_is_linear_on_long_word_runs() -> None:
    line = "日本語の文章" * 20 + " facebook"  # 129 characters, no spaces: was O(n^5)
    started = time.monotonic()
    assert not is_noise_line(line)
    assert time.monotonic() - started < 0.5
    assert is_noise_line("Folgen Sie uns auf Facebook")


def _adversarial(size: int) -> Iterator[str]:
    runs = ["a", "日本語の文章", " ", "\n", "ab ", ".-", ".", ", ", "abc日本 ,.!? ", "1", "12:30 "]
    runs += ["12.12.12 ", "<a ", '"a":', "AB ", "Ab Cd ", "Ab Cd, ", "A and ", "{", "[", "/", "- "]
    for run in runs:
        yield run * (size // len(run))
    yield " " * (size - 1) + "x"
    yield "a" * (size - 9) + " facebook"


def _patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    for info in pkgutil.walk_packages(scraper.__path__, "scraper."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                yield f"{info.name}.{name}", value


# Matched only at a tag's attribute positions (`.match`, never `.search`), where the loop
# that calls it steps over a run of spaces at once (parse._past_stray).
KNOWN_SLOW = frozenset({"scraper.parse._ATTRIBUTE"})


@pytest.mark.slow
def test_every_regex_of_the_package_is_fast_on_adversarial_text() -> None:
    slow = []
    for name, pattern in _patterns():
        if name in KNOWN_SLOW:
            continue
        for text in _adversarial(10_000):
            for method in (pattern.search, pattern.match):
                started = time.process_time()  # CPU time: a parallel suite slows the wall clock
                method(text)
                if time.process_time() - started > 0.5:
                    slow.append(f"{name} on {text[:12]!r}...")
    assert not slow


def test_time_limit_fails_the_page_with_a_typed_error() -> None:
    page = f"<article>{P * 50}</article>"
    with pytest.raises(PageTooSlowError, match="took longer than 0 s"):
        extract(page, settings=Settings(time_limit=0.0))
    assert extract(page, settings=Settings(time_limit=None)).text.startswith(PARA.strip())


def test_cli_time_limit_applies_to_a_single_input(tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    page.write_text(
        "<article>" + "".join(f"<p>{i} {PARA}</p>" for i in range(20_000)) + "</article>"
    )
    result = CliRunner().invoke(app, [str(page), "--time-limit", "0.1"])
    assert result.exit_code == 1
    assert "took longer than 0.1 s" in result.stderr


def test_text_larger_than_the_page_is_a_typed_error() -> None:
    tree = LexborHTMLParser(f"<div>{P}<p>Another paragraph, and the last one.</p></div>")
    with pytest.raises(TextTooLargeError, match=r"page\.html"):
        blocks_from(tree.css("div"), budget=Budget(max_chars=100, source="page.html"))
    budget = Budget.start(None, size=len(PARA), source="page.html")
    assert len(blocks_from(tree.css("div"), budget=budget).blocks) == 2


@pytest.mark.parametrize("selector", ["h2.tags ~ *", "p~p", "div ~ [data-x='~']"])
def test_rules_refuse_the_sibling_combinator(selector: str) -> None:
    with pytest.raises(RuleError, match="sibling combinator"):
        parse_rule(f'domains = ["a.com"]\n[html]\nremove = ["{selector}"]', path=Path("x.toml"))
    with pytest.raises(RuleError, match="sibling combinator"):
        parse_rule(f'domains = ["a.com"]\n[metadata]\ntitle = ["{selector}"]', path=Path("x.toml"))


def test_rules_accept_the_word_attribute_match() -> None:
    rule = parse_rule(
        'domains = ["a.com"]\n[html]\nremove = ["[itemprop~=\'name\']", "[title=\'a ~ b\']"]',
        path=Path("x.toml"),
    )
    assert rule.remove == ("[itemprop~='name']", "[title='a ~ b']")
