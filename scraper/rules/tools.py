"""Tools for rule authors: run a rule's fixtures against their expected output,
judge whether a rule earns its place (rule_health: its fixtures with and without
it, its selectors that match nothing), accept a new output as the expected one,
and scaffold a new rule from a saved page. Used by `scrape-rules` and the tests."""

from __future__ import annotations

import difflib
import gzip
import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper import parse, sources
from scraper.errors import RuleError, RuleShadowError, ScraperError
from scraper.evaluate import score_page
from scraper.metadata import parse_field_selector
from scraper.model import Article, Document, RawPage
from scraper.output import write_atomic
from scraper.pipeline import from_html, from_text
from scraper.rules import Fixture, Rule, RuleSet, load_rule
from scraper.settings import Settings

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
    page = load_page(fixture)
    return run_page(rule, page)


@dataclass(frozen=True, slots=True)
class FixturePage:
    """A fixture's page read once: decoded text for a dump, else the parsed Document
    (the pipeline's own parse; extraction works on clones, so it can be run again)."""

    fixture: Fixture
    text: str | None = None
    doc: Document | None = None


def load_page(fixture: Fixture) -> FixturePage:
    """Read, decode and (HTML) parse a fixture's page as the pipeline does. Raises
    RuleError when the page is missing or unreadable, ScraperError when it cannot be read."""
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
    name = str(fixture.page)
    if fixture.page.name.endswith(".gz"):  # the readers' own capped gunzip
        data = sources.gunzip(data, limit=Settings().max_input_bytes, source=name)
    if fixture.is_text:
        raw = RawPage(content=data, kind="text", url=fixture.url)
        return FixturePage(fixture, text=parse.decode(raw, source_name=name))
    raw = RawPage(content=data, kind="html", url=fixture.url)
    return FixturePage(fixture, doc=parse.parse(raw, url=fixture.url, source_name=name))


def run_page(rule: Rule | None, page: FixturePage) -> Article:
    """A loaded fixture page through the rest of the pipeline with this rule (or none)."""
    fixture, name = page.fixture, str(page.fixture.page)
    if page.doc is not None:
        return from_html(page.doc, rule=rule, source_name=name, url=fixture.url)
    return from_text(page.text or "", rule=rule, source_name=name, url=fixture.url)


def check_fixture(rule: Rule, fixture: Fixture) -> FixtureResult:
    """Text dumps must come out exactly; HTML pages must reach MIN_SHINGLE_SCORE
    both ways; title, authors and (when expected) the date's day must match, and none
    of the expected's `absent` strings may be left in the text."""
    try:
        page = load_page(fixture)
    except ScraperError as exc:
        return FixtureResult(rule.name, fixture, 0.0, 0.0, (str(exc),), "")
    return check_page(rule, page)


def check_page(rule: Rule, page: FixturePage) -> FixtureResult:
    """check_fixture of a fixture page already loaded."""
    fixture = page.fixture
    try:
        article = run_page(rule, page)
    except ScraperError as exc:
        return FixtureResult(rule.name, fixture, 0.0, 0.0, (str(exc),), "")
    try:
        expected = read_expected(fixture, rule=rule.name)
    except ScraperError as exc:
        return FixtureResult(rule.name, fixture, 0.0, 0.0, (str(exc),), "", article)
    want = str(expected.get("text") or "")
    score = score_page(want, article.text)
    problems = [*_text_problems(fixture, article.text, want, score.precision, score.recall)]
    problems += metadata_problems(article, expected)
    problems += [f"cruft {s!r} in the text" for s in cruft_left(article.text, expected)]
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
        kept = read_expected(result.fixture, rule=result.rule)
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


def read_expected(fixture: Fixture, *, rule: str) -> dict[str, object]:
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
    absent = data.get("absent", [])
    if not isinstance(absent, list) or not all(isinstance(s, str) and s.strip() for s in absent):
        raise RuleError(
            "`absent` must be a list of non-empty strings",
            file=str(fixture.expected),
            rule=rule,
            key="absent",
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
    return [
        f"{name} {_got(name, article)!r} != {_want(name, expected)!r}"
        for name in judged_fields(expected)
        if not field_right(name, article, expected)
    ]


def judged_fields(expected: dict[str, object]) -> tuple[str, ...]:
    """The metadata fields a fixture judges: the title; the authors unless given as null (the
    gold has no expectation; a missing key means no authors); the date when it gives one."""
    authors = ("authors",) if expected.get("authors", []) is not None else ()
    return ("title", *authors, "date") if _want("date", expected) else ("title", *authors)


def field_right(name: str, article: Article, expected: dict[str, object]) -> bool:
    """Whether the article's title (whitespace folded), authors or date (its day) is right."""
    if name == "title":
        return _fold(article.title) == _fold(expected.get("title"))
    return _got(name, article) == _want(name, expected)


def _got(name: str, article: Article) -> object:
    if name == "authors":
        return list(article.authors)
    if name == "date":
        return (article.date or "")[:10]
    return article.title


def _want(name: str, expected: dict[str, object]) -> object:
    if name == "authors":
        return expected.get("authors", [])
    if name == "date":
        return str(expected.get("date") or "")[:10]
    return expected.get("title")


def absent_strings(expected: dict[str, object]) -> tuple[str, ...]:
    """The expected output's optional `absent` list: cruft strings the text must not hold
    (checked to be non-empty strings when the expected file is read)."""
    value = expected.get("absent", [])
    return tuple(s for s in value if isinstance(s, str)) if isinstance(value, list) else ()


def cruft_left(text: str, expected: dict[str, object]) -> tuple[str, ...]:
    """The expected's `absent` strings found in text (whitespace folded, case kept)."""
    folded = _fold(text)
    return tuple(s for s in absent_strings(expected) if _fold(s) in folded)


def _fold(value: object) -> str:
    return " ".join(str(value or "").split())


@dataclass(frozen=True, slots=True)
class NewRule:
    """What `scrape-rules new` is asked for: a rule's name, a saved page of the site and
    its URL, and where the rule and the fixture go."""

    name: str
    page: Path
    url: str
    rules_dir: Path
    fixtures_dir: Path


def scaffold(new: NewRule, *, in_use: RuleSet, shadow: bool = False) -> tuple[Path, Path, Path]:
    """Write rules_dir/<name>.toml, copy the page into fixtures_dir/<name>/ and
    write its expected output as the generic extractor sees it now, for the
    author to correct. Never overwrites; refuses to shadow a rule in_use unless
    shadow. Returns (rule, page, expected) paths."""
    name, page, url = new.name, new.page, new.url
    rules_dir, fixtures_dir = new.rules_dir, new.fixtures_dir
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


# -- Does a rule earn its place? ----------------------------------------------------------

F1_EPSILON = 1e-6  # F1 differences below this are float noise, not a change


@dataclass(frozen=True, slots=True)
class Outcome:
    """A fixture extracted with or without its rule, judged against the expected output:
    the text's shingle scores, the metadata fields that are right (of those the fixture
    judges) and the expected's `absent` strings left in the text. `error` says why nothing
    was extracted (then the scores are 0)."""

    precision: float
    recall: float
    f1: float
    right: frozenset[str] = frozenset()
    cruft: frozenset[str] = frozenset()
    error: str = ""


@dataclass(frozen=True, slots=True)
class FixtureGain:
    """One fixture, extracted without any rule and with its rule."""

    fixture: Fixture
    without_rule: Outcome
    with_rule: Outcome

    @property
    def fixed(self) -> tuple[str, ...]:
        """Metadata fields right only with the rule, and cruft strings it removes."""
        fields = sorted(self.with_rule.right - self.without_rule.right)
        cruft = sorted(self.without_rule.cruft - self.with_rule.cruft)
        return (*fields, *(f"cruft {s!r}" for s in cruft))

    @property
    def worse(self) -> bool:
        """Lower F1 with the rule, or a field or cruft string it gets wrong that was right."""
        return (
            self.with_rule.f1 < self.without_rule.f1 - F1_EPSILON
            or bool(self.without_rule.right - self.with_rule.right)
            or bool(self.with_rule.cruft - self.without_rule.cruft)
        )

    @property
    def better(self) -> bool:
        """Not worse, and a higher F1 or the same F1 with a field or cruft string fixed."""
        higher = self.with_rule.f1 > self.without_rule.f1 + F1_EPSILON
        return not self.worse and (higher or bool(self.fixed))


@dataclass(frozen=True, slots=True)
class SelectorUse:
    """One CSS selector of a rule (one comma-separated part of a list entry) and on how
    many of the rule's HTML fixture pages it matches anything."""

    key: str  # where the rule gives it: "html.remove[2]", "metadata.title[0]"
    selector: str  # the part, with its " @attr" for a metadata selector
    pages: int

    @property
    def dead(self) -> bool:
        return self.pages == 0


@dataclass(frozen=True, slots=True)
class RuleHealth:
    """Whether a rule earns its place: each fixture with and without it, each selector's use."""

    rule: str
    fixtures: tuple[FixtureGain, ...]
    selectors: tuple[SelectorUse, ...]

    @property
    def wins(self) -> bool:
        """No fixture worse with the rule, and at least one better (FixtureGain.better)."""
        gains = self.fixtures
        return bool(gains) and not any(g.worse for g in gains) and any(g.better for g in gains)

    @property
    def verdict(self) -> str:
        """ "wins", "worse" (a fixture is worse with the rule) or "no gain"."""
        if self.wins:
            return "wins"
        return "worse" if any(gain.worse for gain in self.fixtures) else "no gain"

    @property
    def dead(self) -> tuple[SelectorUse, ...]:
        return tuple(use for use in self.selectors if use.dead)

    @property
    def ok(self) -> bool:
        return self.wins and not self.dead


def rule_health(rule: Rule, *, pages: Sequence[FixturePage] | None = None) -> RuleHealth:
    """Each of the rule's fixtures extracted without any rule and with the rule, and each of
    its CSS selectors (body, remove, metadata; not jsonld: paths) tried on every HTML fixture
    page as parsed, before anything is removed. Each page is read and parsed once (`pages`:
    the rule's fixture pages already loaded, in its fixtures' order).
    Raises RuleError when a fixture page or expected file cannot be read."""
    if pages is None:
        pages = [load_page(fixture) for fixture in rule.fixtures]
    gains = tuple(fixture_gain(rule, page) for page in pages)
    trees = [page.doc.tree for page in pages if page.doc is not None]
    uses = tuple(
        SelectorUse(key, part, sum(map(matcher(part), trees)))
        for key, selector in rule_selectors(rule)
        for part in selector_parts(selector)
    )
    return RuleHealth(rule.name, gains, uses)


def health_lines(health: RuleHealth) -> tuple[str, ...]:
    """One line per fixture ("+" better, "-" worse, "=" neither: F1 without -> with the
    rule, what it fixes), then one per dead selector."""
    gains = tuple(_gain_line(gain) for gain in health.fixtures)
    return (*gains, *(f"dead {use.key}: {use.selector}" for use in health.dead))


def _gain_line(gain: FixtureGain) -> str:
    before, after = gain.without_rule, gain.with_rule
    mark = "+" if gain.better else "-" if gain.worse else "="
    fixed = f"  fixed: {', '.join(gain.fixed)}" if gain.fixed else ""
    errors = "".join(f"  ({o.error})" for o in (before, after) if o.error)
    return f"{mark} {gain.fixture.page.name}  F1 {before.f1:.3f} -> {after.f1:.3f}{fixed}{errors}"


def fixture_gain(rule: Rule, page: FixturePage) -> FixtureGain:
    """A loaded fixture page extracted without any rule and with the rule, both judged."""
    expected = read_expected(page.fixture, rule=rule.name)
    return FixtureGain(page.fixture, _outcome(None, page, expected), _outcome(rule, page, expected))


def _outcome(rule: Rule | None, page: FixturePage, expected: dict[str, object]) -> Outcome:
    want = str(expected.get("text") or "")
    try:
        article = run_page(rule, page)
    except ScraperError as exc:
        return Outcome(0.0, 0.0, 0.0, error=str(exc))
    score = score_page(want, article.text)
    return Outcome(
        score.precision,
        score.recall,
        score.f1,
        right=frozenset(f for f in judged_fields(expected) if field_right(f, article, expected)),
        cruft=frozenset(cruft_left(article.text, expected)),
    )


def rule_selectors(rule: Rule) -> tuple[tuple[str, str], ...]:
    """(key, selector) of every CSS selector of the rule; jsonld: paths are left out."""
    html = [
        (f"html.{name}[{i}]", selector)
        for name, selectors in (("body", rule.body), ("remove", rule.remove))
        for i, selector in enumerate(selectors)
    ]
    meta = [
        (f"metadata.{name}[{i}]", selector)
        for name, selectors in rule.metadata
        for i, selector in enumerate(selectors)
        if not parse_field_selector(selector).jsonld
    ]
    return (*html, *meta)


def selector_parts(selector: str) -> tuple[str, ...]:
    """A selector list split at its top-level commas (not those inside (), [] or quotes);
    a metadata selector's " @attr" goes with each part: "h1, h2 @id" -> "h1 @id", "h2 @id"."""
    css, attr = selector, ""
    head, sep, tail = selector.rpartition(" @")
    if sep and re.fullmatch(r"[\w:.-]+", tail):
        css, attr = head, f" @{tail}"
    return tuple(f"{part.strip()}{attr}" for part in _top_level_split(css) if part.strip())


def _top_level_split(css: str) -> list[str]:
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(css):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([)]":
            depth += 1 if char in "([" else -1
        elif char == "," and depth == 0:
            parts.append(css[start:i])
            start = i + 1
    return [*parts, css[start:]]


def matcher(selector: str) -> Callable[[LexborHTMLParser], bool]:
    """Whether a page has an element the selector matches (with the attribute, for "CSS @attr")."""
    field = parse_field_selector(selector)
    css, attr = field.css or "", field.attr

    def matches(tree: LexborHTMLParser) -> bool:
        if attr is None:
            return tree.css_first(css) is not None
        return any(attr in node.attributes for node in tree.css(css))

    return matches
