"""Per-site rules: data, not code, one TOML file per site or site family.

The closed vocabulary of a rule file is the key sets below (TOP_KEYS, HTML_KEYS,
TEXT_KEYS, METADATA_FIELDS, FIXTURE_KEYS, SPAN_KEYS); rules/README.md documents it with a
complete example, and tests/test_rules.py checks that the two agree.

Loading is strict: an unknown key, a wrong type, an empty list or string, a CSS
selector Lexbor cannot parse, a bad pattern or domain raises RuleError naming
the file and the key (a TOML syntax error, RuleSyntaxError, the line and column).
One validator collects every problem of a file (check_rule, for `scrape-rules
validate`); loading raises the first. tomllib runs no code, and patterns are bounded, so a
rule file can neither run code nor hang the run. Fields a rule does not give
fall back to the generic extractor.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import stat
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.budget import UNLIMITED, Budget
from scraper.errors import RuleError, RuleSyntaxError
from scraper.metadata import parse_field_selector
from scraper.model import Body, Metadata
from scraper.rules._patterns import PatternError, Span, compile_pattern, compile_span
from scraper.rules._text import TextRule, apply_text_directives

METADATA_FIELDS = frozenset(f.name for f in dataclasses.fields(Metadata))
TOP_KEYS = frozenset(
    {"name", "notes", "domains", "signatures", "html", "metadata", "text", "fixtures"}
)
HTML_KEYS = frozenset({"body", "remove"})
TEXT_KEYS = frozenset(
    {"drop_phrases", "drop_spans", "cut_after", "captions", "credits", "drop_trailing_fragment"}
)
FIXTURE_KEYS = frozenset({"page", "url", "expected"})
SPAN_KEYS = frozenset({"start", "end"})
MAX_RULE_BYTES = 256 * 1024
MAX_SELECTOR_CHARS = 500
# What one rule may cost on a page (only one rule runs per page). Lexbor matches most
# selectors in time linear in the page, but a general sibling combinator (`a ~ b`) or an
# :nth-*() scans the siblings of every candidate: quadratic in a long run of siblings
# (5-11 s each on 30,000 sibling paragraphs), so a rule may hold only a few of them.
MAX_SELECTORS = 100  # CSS selectors in a rule (html and metadata together)
MAX_SIBLING_SCANS = 2  # `~` combinators and :nth-*() in a rule
MAX_PATTERNS = 100  # text patterns in a rule (a span counts two)
MAX_RULE_PLACEHOLDERS = 100  # *, {Name} and {CAPS} in all of a rule's patterns

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_SENTINEL_ID = "scrape-rule-sentinel"
_SENTINEL = f"#{_SENTINEL_ID}"
_SENTINEL_PAGE = f'<p></p><i id="{_SENTINEL_ID}"></i>'
_SIBLING_SCAN = re.compile(r"~|:nth-")
_QUOTED = re.compile(r"\[[^\]]*\]|'[^']*'|\"[^\"]*\"")  # attribute tests and strings
_PLACEHOLDER = re.compile(r"\*|\{Name\}|\{CAPS\}")
_TOML_WHERE = re.compile(r"(?P<what>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)", re.S)

T = TypeVar("T")
Check = Callable[[object, str], T]  # a value and its key -> the value checked, or RuleError


@dataclass(frozen=True, slots=True)
class Fixture:
    """A saved page (HTML, or a .txt dump) and its expected output, as paths."""

    page: Path
    expected: Path
    url: str | None = None

    @property
    def is_text(self) -> bool:
        return self.page.name.endswith((".txt", ".txt.gz"))


@dataclass(frozen=True, slots=True)
class Rule:
    """One site's (or site family's) extraction rule, validated."""

    name: str
    path: Path
    domains: tuple[str, ...] = ()
    signatures: tuple[tuple[str, ...], ...] = ()
    body: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    metadata: tuple[tuple[str, tuple[str, ...]], ...] = ()
    text: TextRule = field(default_factory=TextRule)
    fixtures: tuple[Fixture, ...] = ()
    notes: str = ""

    @property
    def metadata_selectors(self) -> dict[str, tuple[str, ...]]:
        """The per-field selectors, as extract_metadata(selectors=...) takes them."""
        return dict(self.metadata)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules in precedence order: user rules first, then shipped ones."""

    rules: tuple[Rule, ...] = ()

    def for_url(self, url: str | None) -> Rule | None:
        """The rule of the most specific domain matching the URL's host (or a subdomain);
        none for a URL whose host cannot be read (`https://[::1/a`, a netloc that NFKC
        normalization changes)."""
        host = _host(url)
        best: tuple[int, Rule] | None = None
        for rule in self.rules:
            for domain in rule.domains:
                if (host == domain or host.endswith("." + domain)) and (
                    best is None or len(domain) > best[0]
                ):
                    best = (len(domain), rule)
        return best[1] if best else None

    def for_text(self, text: str) -> Rule | None:
        """The rule whose signature is completed earliest in the text (ties: more phrases)."""
        folded = text.casefold()
        best: tuple[int, int, Rule] | None = None
        for rule in self.rules:
            for signature in rule.signatures:
                found = [folded.find(phrase.casefold()) for phrase in signature]
                if min(found) < 0:
                    continue
                key = (max(found), -len(signature))
                if best is None or key < best[:2]:
                    best = (*key, rule)
        return best[2] if best else None

    def by_name(self, name: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.name == name), None)


def load_user_rules(
    dirs: Sequence[Path], *, enabled: bool = True, environ: Mapping[str, str] | None = None
) -> RuleSet:
    """The rules of a run: the given dirs, then the user's config dir if it
    exists, then the shipped rules; none at all when not enabled."""
    if not enabled:
        return RuleSet()
    config = default_user_rules_dir(environ)
    folders = [*dirs, config] if config.is_dir() else list(dirs)
    return load_rules(dirs=folders) if folders else shipped_rules()


@functools.cache
def shipped_rules() -> RuleSet:
    """The shipped rules, loaded and validated once per process (immutable)."""
    return load_rules()


def _host(url: str | None) -> str:
    """The URL's host name, or "" when there is none or it cannot be read."""
    if not url:
        return ""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # an unclosed IPv6 bracket, a netloc that NFKC changes
        return ""


def rule_for_page(rules: RuleSet, *, url: str | None, tree: LexborHTMLParser) -> Rule | None:
    """The rule for an HTML page: by its URL, else by the address the page
    declares for itself (canonical link or og:url), so a saved page given
    without --url still gets its site's rule."""
    rule = rules.for_url(url)
    if rule is not None or not rules.rules:
        return rule
    node = tree.css_first('link[rel="canonical"][href], meta[property="og:url"][content]')
    declared = node and (node.attributes.get("href") or node.attributes.get("content"))
    return rules.for_url(declared) if declared else None


def apply_text_rule(rule: Rule, body: Body, *, budget: Budget = UNLIMITED) -> Body:
    """body with the rule's text directives applied, within the page's budget."""
    return apply_text_directives(rule.text, body, budget=budget)


def has_sibling_combinator(selector: str) -> bool:
    """Whether a selector uses the general sibling combinator `~` (outside quotes and
    attribute brackets, where `~=` is an attribute match): Lexbor matches `X ~ Y` in time
    quadratic in the number of siblings, so a page of many siblings could hold a CPU."""
    depth, quote = 0, ""
    for char in selector:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[]":
            depth += 1 if char == "[" else -1
        elif char == "~" and depth <= 0:
            return True
    return False


def shipped_rules_dir() -> Path:
    """The rules shipped with scrape: scraper/_rules in a wheel, rules/ in a checkout."""
    package = Path(__file__).resolve().parents[1]  # scraper/
    installed = package / "_rules"
    return installed if installed.is_dir() else package.parent / "rules"


def default_user_rules_dir(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_CONFIG_HOME/scrape/rules, or ~/.config/scrape/rules."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / "scrape" / "rules"


def load_rules(*, dirs: Sequence[Path] = (), shipped: bool = True) -> RuleSet:
    """Every *.toml rule of dirs (earlier dirs take precedence), then the shipped ones.

    A rule whose name is already taken by a rule of higher precedence is left out,
    so a user rule named like a shipped one replaces it. Raises RuleError.
    """
    folders = [*dirs, shipped_rules_dir()] if shipped else list(dirs)
    rules: list[Rule] = []
    for folder in folders:
        if not folder.is_dir():
            raise RuleError("rules directory not found", file=str(folder))
        for path in sorted(folder.glob("*.toml")):
            rule = load_rule(path)
            if all(r.name != rule.name for r in rules):
                rules.append(rule)
    return RuleSet(rules=tuple(rules))


def load_rule(path: Path) -> Rule:
    """One rule file, validated. Raises RuleError (its first problem) naming the file and key."""
    return _valid(check_rule(path))


def parse_rule(raw: bytes | str, *, path: Path) -> Rule:
    """A rule from TOML text. Raises RuleError (its first problem), and nothing else."""
    return _valid(check_rule_text(raw, path=path))


@dataclass(slots=True)
class _Budget:
    """What the selectors and patterns of one rule file checked so far cost."""

    selectors: int = 0
    sibling_scans: int = 0
    patterns: int = 0
    placeholders: int = 0


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """One rule file checked: the rule when it is valid, else every problem found in it."""

    path: Path
    rule: Rule | None
    problems: tuple[RuleError, ...] = ()


def check_rule(path: Path) -> RuleCheck:
    """Every problem of one rule file: unreadable, too large, TOML syntax, or each value
    outside the vocabulary (what `scrape-rules validate` reports; load_rule raises the first)."""
    try:
        raw = read_rule_file(path)
    except RuleError as error:
        return RuleCheck(path=path, rule=None, problems=(error,))
    return check_rule_text(raw, path=path)


def read_rule_file(path: Path) -> bytes:
    """The bytes of a rule file: a regular file (a link to one is followed) of at most
    MAX_RULE_BYTES. A FIFO, device or folder is refused without reading it (opened
    non-blocking, so a FIFO cannot hang the run). Raises RuleError."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise RuleError(f"cannot read rule file: {exc.strerror}", file=str(path)) from None
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise RuleError("not a regular file", file=str(path))
        try:
            raw = stream.read(MAX_RULE_BYTES + 1)
        except OSError as exc:
            raise RuleError(f"cannot read rule file: {exc.strerror}", file=str(path)) from None
    if len(raw) > MAX_RULE_BYTES:
        raise RuleError(f"rule file larger than {MAX_RULE_BYTES} bytes", file=str(path))
    return raw


def check_rule_text(raw: bytes | str, *, path: Path) -> RuleCheck:
    """Every problem of a rule's TOML text, as check_rule."""
    try:
        data = _toml(raw, path=path)
    except RuleError as exc:
        return RuleCheck(path=path, rule=None, problems=(exc,))
    validator = _Validator(path)
    rule = validator.rule(data)
    problems = tuple(validator.problems)
    return RuleCheck(path=path, rule=None if problems else rule, problems=problems)


def _valid(check: RuleCheck) -> Rule:
    if check.rule is None:
        raise check.problems[0]
    return check.rule


def _toml(raw: bytes | str, *, path: Path) -> dict[str, object]:
    """The TOML table of a rule file. Raises RuleSyntaxError saying the line and column."""
    text = raw if isinstance(raw, str) else _decode(raw, path=path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_WHERE.fullmatch(str(exc))
        what = found["what"] if found else str(exc)
        line, column = (int(found["line"]), int(found["column"])) if found else _position(text)
        raise RuleSyntaxError(what, file=str(path), line=line, column=column) from exc
    except RecursionError as exc:
        raise RuleError("TOML nested too deeply", file=str(path)) from exc


def _decode(raw: bytes, *, path: Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(raw[: exc.start].decode("utf-8"))
        message = f"not valid UTF-8 (byte {raw[exc.start]:#04x})"
        raise RuleSyntaxError(message, file=str(path), line=line, column=column) from exc


def _position(text: str) -> tuple[int, int]:
    """The line and column (from 1) just after text."""
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


class _Validator:
    """Checks one parsed rule file, recording every problem (each names the file and
    the key) and going on: a bad value is left out, so the rule built is only good
    when no problem was recorded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[RuleError] = []
        self.budget = _Budget()

    def fail(self, key: str, message: str) -> RuleError:
        return RuleError(f"{self.path}: {message}", file=str(self.path), key=key)

    def section(
        self, data: dict[str, object], key: str, check: Check[T], default: T, *, within: str = ""
    ) -> T:
        """check(data[key]) if the key is given, else default; default too when the
        check fails, its error recorded."""
        if key not in data:
            return default
        try:
            return check(data[key], f"{within}{key}")
        except RuleError as exc:
            self.problems.append(exc)
            return default

    def each(self, value: object, key: str, what: str, check: Check[T]) -> tuple[T, ...]:
        """check(item, "key[i]") of every item of a non-empty list; the items that
        fail are recorded and left out."""
        if not isinstance(value, list) or not value:
            raise self.fail(key, f"must be a non-empty list of {what}")
        out: list[T] = []
        for i, item in enumerate(value):
            try:
                out.append(check(item, f"{key}[{i}]"))
            except RuleError as exc:
                self.problems.append(exc)
        return tuple(out)

    def table(self, value: object, key: str, allowed: frozenset[str]) -> dict[str, object]:
        """The known keys of a table; each unknown key is recorded."""
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        for name in value:
            if name not in allowed:
                self.problems.append(self.fail(f"{key}.{name}" if key else name, "unknown key"))
        return {name: item for name, item in value.items() if name in allowed}

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value

    def flag(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def name(self, value: object, key: str) -> str:
        if not _NAME.match(self.string(value, key)):
            raise self.fail(key, "must be lower-case letters, digits, '-', '_' or '.'")
        return str(value)

    def strings(self, value: object, key: str) -> tuple[str, ...]:
        return self.each(value, key, "strings", self.string)

    def selectors(self, value: object, key: str) -> tuple[str, ...]:
        return self.each(value, key, "CSS selectors", self.css)

    def css(self, value: object, key: str) -> str:
        from selectolax.lexbor import LexborHTMLParser, SelectolaxError

        selector = self.string(value, key)
        if len(selector) > MAX_SELECTOR_CHARS:
            raise self.fail(key, f"selector longer than {MAX_SELECTOR_CHARS} characters")
        if has_sibling_combinator(selector):
            raise self.fail(key, f"the sibling combinator ~ is not allowed: {selector!r}")
        self.charge_selector(selector, key)
        # Selectors of a list are matched joined by ", ": one that leaves a string,
        # bracket or parenthesis open would swallow the next ones, so it must end
        # cleanly (the sentinel after it still matches).
        try:
            found = LexborHTMLParser(_SENTINEL_PAGE).css(f"{selector}, {_SENTINEL}")
        except SelectolaxError as exc:
            raise self.fail(key, f"CSS selector does not parse: {selector!r}") from exc
        if not any(node.attributes.get("id") == _SENTINEL_ID for node in found):
            raise self.fail(key, f"CSS selector is not closed (quote, bracket?): {selector!r}")
        return selector

    def charge_selector(self, selector: str, key: str) -> None:
        """Count a selector against the rule's budget; RuleError when over it."""
        budget = self.budget
        budget.selectors += 1
        budget.sibling_scans += len(_SIBLING_SCAN.findall(_QUOTED.sub("", selector)))
        if budget.selectors > MAX_SELECTORS:
            raise self.fail(key, f"more than {MAX_SELECTORS} CSS selectors in a rule")
        if budget.sibling_scans > MAX_SIBLING_SCANS:
            message = f"more than {MAX_SIBLING_SCANS} sibling scans (`~`, :nth-*) in a rule"
            raise self.fail(key, message)

    def charge_patterns(self, key: str, *patterns: str) -> None:
        """Count patterns against the rule's budget; RuleError when over it."""
        budget = self.budget
        budget.patterns += len(patterns)
        budget.placeholders += sum(len(_PLACEHOLDER.findall(p)) for p in patterns)
        if budget.patterns > MAX_PATTERNS:
            raise self.fail(key, f"more than {MAX_PATTERNS} text patterns in a rule")
        if budget.placeholders > MAX_RULE_PLACEHOLDERS:
            message = f"more than {MAX_RULE_PLACEHOLDERS} placeholders in a rule's patterns"
            raise self.fail(key, message)

    def field_selectors(self, value: object, key: str) -> tuple[str, ...]:
        return self.each(value, key, "selectors", self.field_selector)

    def field_selector(self, value: object, key: str) -> str:
        item = self.string(value, key)
        if has_sibling_combinator(item):
            raise self.fail(key, f"the sibling combinator ~ is not allowed: {item!r}")
        try:
            parse_field_selector(item)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None
        self.charge_selector(item, key)
        return item

    def pattern(self, value: object, key: str) -> re.Pattern[str]:
        try:
            compiled = compile_pattern(self.string(value, key))
        except PatternError as exc:
            raise self.fail(key, f"bad pattern: {exc}") from exc
        self.charge_patterns(key, str(value))
        return compiled

    def patterns(self, value: object, key: str) -> tuple[re.Pattern[str], ...]:
        return self.each(value, key, "patterns", self.pattern)

    def spans(self, value: object, key: str) -> tuple[Span, ...]:
        return self.each(value, key, "{start, end} tables", self.span)

    def span(self, value: object, key: str) -> Span:
        data = self.table(value, key, SPAN_KEYS)
        if set(data) != SPAN_KEYS:
            raise self.fail(key, "needs both start and end")
        start = self.string(data["start"], f"{key}.start")
        end = self.string(data["end"], f"{key}.end")
        try:
            span = compile_span(start, end)
        except PatternError as exc:
            raise self.fail(key, f"bad pattern: {exc}") from exc
        self.charge_patterns(key, start, end)
        return span

    def domains(self, value: object, key: str) -> tuple[str, ...]:
        return self.each(value, key, "domain names", self.domain)

    def domain(self, value: object, key: str) -> str:
        domain = self.string(value, key)
        if not _DOMAIN.match(domain):
            raise self.fail(key, f"not a lower-case domain name: {domain!r}")
        return domain

    def signatures(self, value: object, key: str) -> tuple[tuple[str, ...], ...]:
        return self.each(value, key, "lists of phrases", self.strings)

    def text(self, value: object, key: str) -> TextRule:
        data, within = self.table(value, key, TEXT_KEYS), f"{key}."
        pats: dict[str, tuple[re.Pattern[str], ...]] = {
            k: self.section(data, k, self.patterns, (), within=within)
            for k in ("drop_phrases", "cut_after", "captions", "credits")
        }
        return TextRule(
            drop_spans=self.section(data, "drop_spans", self.spans, (), within=within),
            drop_trailing_fragment=self.section(
                data, "drop_trailing_fragment", self.flag, False, within=within
            ),
            **pats,
        )

    def metadata(self, value: object, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        data = self.table(value, key, METADATA_FIELDS)
        return tuple(
            (name, self.section(data, name, self.field_selectors, (), within=f"{key}."))
            for name in data
        )

    def fixtures(self, value: object, key: str) -> tuple[Fixture, ...]:
        return self.each(value, key, "tables", self.fixture)

    def fixture(self, value: object, key: str) -> Fixture:
        data = self.table(value, key, FIXTURE_KEYS)
        if "page" not in data or "expected" not in data:
            raise self.fail(key, "needs page and expected")
        return Fixture(
            page=self.fixture_path(data["page"], f"{key}.page"),
            expected=self.fixture_path(data["expected"], f"{key}.expected"),
            url=self.section(data, "url", self.string, None, within=f"{key}."),
        )

    def fixture_path(self, value: object, key: str) -> Path:
        """A fixture's path, relative to the rule file; it must stay (links resolved)
        inside the folder that holds the rules folder (where fixtures/ sits beside it)."""
        path = self.path.parent / self.string(value, key)
        try:
            root = self.path.parent.resolve().parent
            inside = path.resolve().is_relative_to(root)
        except (OSError, ValueError, RuntimeError):  # a NUL, a loop of links
            raise self.fail(key, f"bad fixture path: {value!r}") from None
        if not inside:
            raise self.fail(key, f"fixture path outside {root}: {value!r}")
        return path

    def html(self, value: object, key: str) -> dict[str, tuple[str, ...]]:
        data = self.table(value, key, HTML_KEYS)
        return {k: self.section(data, k, self.selectors, (), within=f"{key}.") for k in data}

    def rule(self, data: dict[str, object]) -> Rule:
        data = self.table(data, "", TOP_KEYS)
        if "domains" not in data and "signatures" not in data:
            self.problems.append(self.fail("domains", "a rule needs domains or signatures"))
        name = self.section({"name": self.path.stem, **data}, "name", self.name, "")
        domains: tuple[str, ...] = self.section(data, "domains", self.domains, ())
        signatures: tuple[tuple[str, ...], ...] = self.section(
            data, "signatures", self.signatures, ()
        )
        html: dict[str, tuple[str, ...]] = self.section(data, "html", self.html, {})
        return Rule(
            name=name,
            path=self.path,
            domains=domains,
            signatures=signatures,
            body=html.get("body", ()),
            remove=html.get("remove", ()),
            metadata=self.section(data, "metadata", self.metadata, ()),
            text=self.section(data, "text", self.text, TextRule()),
            fixtures=self.section(data, "fixtures", self.fixtures, ()),
            notes=self.section(data, "notes", self.string, ""),
        )
