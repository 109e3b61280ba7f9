"""Tools for rule authors: run a rule's fixtures against their expected output,
accept a new output as the expected one, and scaffold a new rule from a saved
page. Used by `scrape-rules` and the tests."""

from __future__ import annotations

import difflib
import gzip
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scraper import parse
from scraper.errors import RuleError, RuleShadowError, ScraperError
from scraper.evaluate import score_page
from scraper.model import Article, RawPage
from scraper.output import write_atomic
from scraper.pipeline import from_html, from_text
from scraper.rules import Fixture, Rule, RuleSet, load_rule

MIN_SHINGLE_SCORE = 0.9  # HTML fixtures: precision and recall both at least this


@dataclass(frozen=True, slots=True)
class FixtureResult:
    """One fixture run with its rule, compared with the expected output."""

    rule: str
    fixture: Fixture
    precision: float
    recall: float
    problems: tuple[str, ...]  # empty when the fixture passes
    diff: str  # unified diff of expected and extracted text, paragraph per line
    article: Article | None = None  # what the rule extracted, when the page could be read

    @property
    def ok(self) -> bool:
        return not self.problems


def run_fixture(rule: Rule | None, fixture: Fixture) -> Article:
    """The fixture's page through the pipeline with this rule (or none)."""
    try:
        data = fixture.page.read_bytes()
    except FileNotFoundError:
        raise RuleError(
            "fixture page not found (paths are relative to the rule file)",
            file=str(fixture.page),
        ) from None
    except OSError as exc:
        raise RuleError(
            f"fixture page unreadable: {exc.strerror}", file=str(fixture.page)
        ) from None
    if fixture.page.name.endswith(".gz"):
        data = gzip.decompress(data)
    name = str(fixture.page)
    if fixture.is_text:
        raw = RawPage(content=data, kind="text", url=fixture.url)
        text = parse.decode(raw, source_name=name)
        return from_text(text, rule=rule, source_name=name, url=fixture.url)
    raw = RawPage(content=data, kind="html", url=fixture.url)
    doc = parse.parse(raw, url=fixture.url, source_name=name)
    return from_html(doc, rule=rule, source_name=name, url=fixture.url)


def check_fixture(rule: Rule, fixture: Fixture) -> FixtureResult:
    """Text dumps must come out exactly; HTML pages must reach MIN_SHINGLE_SCORE
    both ways; title, authors and (when expected) the date's day must match."""
    try:
        article = run_fixture(rule, fixture)
    except ScraperError as exc:
        return FixtureResult(rule.name, fixture, 0.0, 0.0, (str(exc),), "")
    try:
        expected = _expected(fixture, rule=rule.name)
    except ScraperError as exc:
        return FixtureResult(rule.name, fixture, 0.0, 0.0, (str(exc),), "", article)
    want = str(expected.get("text") or "")
    score = score_page(want, article.text)
    problems = [*_text_problems(fixture, article.text, want, score.precision, score.recall)]
    problems += metadata_problems(article, expected)
    diff = "\n".join(
        difflib.unified_diff(
            want.split("\n\n"), article.text.split("\n\n"), "expected", "extracted", lineterm=""
        )
    )
    return FixtureResult(
        rule.name, fixture, score.precision, score.recall, tuple(problems), diff, article
    )


def accept(result: FixtureResult) -> Path:
    """Write what the rule extracted as the fixture's expected output (title, authors,
    date and text; other keys of the file are kept), atomically. Returns the file.
    Raises RuleError when the page gave nothing to accept, OutputError."""
    if result.article is None:
        raise RuleError(
            "nothing extracted to accept", file=str(result.fixture.page), rule=result.rule
        )
    try:
        kept = _expected(result.fixture, rule=result.rule)
    except RuleError:
        kept = {}  # a missing or broken expected file is replaced whole
    record = {**kept, **expected_record(result.article)}
    path = result.fixture.expected
    write_atomic(path, json.dumps(record, ensure_ascii=False, indent=1) + "\n", force=True)
    return path


def expected_record(article: Article) -> dict[str, object]:
    """The expected output of a fixture, as a rule extracts it now."""
    return {
        "title": article.title,
        "authors": list(article.authors),
        "date": article.date,
        "text": article.text,
    }


def _expected(fixture: Fixture, *, rule: str) -> dict[str, object]:
    try:
        data = json.loads(fixture.expected.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuleError(
            f"cannot read expected output: {exc}", file=str(fixture.expected), rule=rule
        ) from exc
    if not isinstance(data, dict):
        raise RuleError(
            "expected output is not a JSON object", file=str(fixture.expected), rule=rule
        )
    return data


def _text_problems(
    fixture: Fixture, got: str, want: str, precision: float, recall: float
) -> list[str]:
    if fixture.is_text:
        return [] if got == want else ["text differs from the expected text"]
    if min(precision, recall) < MIN_SHINGLE_SCORE:
        return [f"text precision {precision:.3f} / recall {recall:.3f} below {MIN_SHINGLE_SCORE}"]
    return []


def metadata_problems(article: Article, expected: dict[str, object]) -> list[str]:
    """What differs from the expected title, authors and (day of the) date."""
    problems = []
    if _fold(article.title) != _fold(expected.get("title")):
        problems.append(f"title {article.title!r} != {expected.get('title')!r}")
    if list(article.authors) != expected.get("authors", []):
        problems.append(f"authors {list(article.authors)!r} != {expected.get('authors')!r}")
    want_date = str(expected.get("date") or "")[:10]
    if want_date and (article.date or "")[:10] != want_date:
        problems.append(f"date {article.date!r} != {want_date!r}")
    return problems


def _fold(value: object) -> str:
    return " ".join(str(value or "").split())


def scaffold(
    name: str,
    *,
    page: Path,
    url: str,
    rules_dir: Path,
    fixtures_dir: Path,
    in_use: RuleSet,
    shadow: bool = False,
) -> tuple[Path, Path, Path]:
    """Write rules_dir/<name>.toml, copy the page into fixtures_dir/<name>/ and
    write its expected output as the generic extractor sees it now, for the
    author to correct. Never overwrites; refuses to shadow a rule in_use unless
    shadow. Returns (rule, page, expected) paths."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,63}", name):
        raise RuleError("rule name must be lower case letters, digits, '.', '_' or '-'", rule=name)
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if not host:
        raise RuleError("the URL has no host", rule=name, url=url)
    rule_path = rules_dir / f"{name}.toml"
    data = page.read_bytes()
    is_text = page.name.endswith((".txt", ".txt.gz"))
    page_name = "page.txt" if is_text else "page.html.gz"
    folder = fixtures_dir / name
    page_copy, expected = folder / page_name, folder / "page.expected.json"
    _refuse_overwriting(rule_path, page_copy, expected, rule=name)
    if not shadow:
        refuse_shadowing(name, url=url, in_use=in_use)
    if not is_text and not page.name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    folder.mkdir(parents=True, exist_ok=True)
    page_copy.write_bytes(data)
    fixture = Fixture(page=page_copy, expected=expected, url=None if is_text else url)
    record = expected_record(run_fixture(None, fixture))
    write_atomic(expected, json.dumps(record, ensure_ascii=False, indent=1) + "\n", force=False)
    write_atomic(
        rule_path, _template(name, host=host, fixture=fixture, rule_path=rule_path), force=False
    )
    load_rule(rule_path)  # the scaffold itself must validate
    return rule_path, page_copy, expected


def _refuse_overwriting(*paths: Path, rule: str) -> None:
    for path in paths:
        if path.exists():
            raise RuleError("exists; not overwritten", file=str(path), rule=rule)


def refuse_shadowing(name: str, *, url: str, in_use: RuleSet) -> None:
    """Raise RuleShadowError if a rule in use has this name or handles the URL's site."""
    hint = "a new rule would shadow it (--shadow to write it anyway)"
    same = in_use.by_name(name)
    if same is not None:
        raise RuleShadowError(f"rule {name!r} exists; {hint}", file=str(same.path))
    owner = in_use.for_url(url)
    if owner is not None:
        message = f"handled by rule {owner.name!r} ({owner.path}); {hint}"
        raise RuleShadowError(message, url=url, rule=owner.name)


def _template(name: str, *, host: str, fixture: Fixture, rule_path: Path) -> str:
    def relative(path: Path) -> str:
        return Path(os.path.relpath(path.resolve(), rule_path.parent.resolve())).as_posix()

    url_line = f'url = "{fixture.url}"\n' if fixture.url else ""
    return (
        f'name = "{name}"\n'
        'notes = """Where the selectors come from, and which fixture pages are real."""\n'
        f'domains = ["{host}"]\n\n'
        "# [html]\n"
        '# body = ["article .story-body"]\n'
        '# remove = [".newsletter", ".related"]\n\n'
        "# [text]\n"
        '# drop_phrases = ["Advertisement"]\n\n'
        "[[fixtures]]\n"
        f'page = "{relative(fixture.page)}"\n'
        f"{url_line}"
        f'expected = "{relative(fixture.expected)}"\n'
    )
