"""Per-site rules: data, not code, one TOML file per site or site family.

The closed vocabulary of a rule file (every key optional unless said):

    name = "postmedia"              # default: the file name without .toml
    notes = "free text"            # where the rule's knowledge comes from
    domains = ["nationalpost.com"]  # hosts it matches, subdomains included
    signatures = [["phrase A", "phrase B"]]  # a text dump is this site's when it
                                    # holds every phrase of one signature
                                    # (a rule needs domains or signatures)
    [html]                          # CSS selectors (Lexbor)
    body = ["article .content"]     # the body element, ordered fallbacks
    remove = ["aside", ".ad"]       # elements removed before body extraction
    remove_in_body = ["figure"]     # elements removed from the extracted body
    [metadata]                      # per field, ordered fallbacks: "CSS" for the
    title = ["h1", "meta[property='og:title'] @content"]  # element's text, "CSS @attr"
                                    # for an attribute. Fields: title, authors, date,
                                    # date_modified, site_name, description, language,
                                    # tags, image, canonical_url
    [text]                          # safe patterns (scraper.rules_patterns)
    drop_phrases = ["This advertisement has not loaded yet*continues below."]
    drop_spans = [{ start = "SUBSCRIBE TO UNLOCK", end = "Support local journalism." }]
    cut_after = ["Related Articles"]
    captions = ["(* photo via*)"]   # the credit; the caption sentence before it goes too
    credits = ["Photo by * / {Name}"]
    drop_trailing_fragment = true   # a headline or tag run glued after the last sentence
    [[fixtures]]                    # saved pages the rule is proven on
    page = "../fixtures/rules/x/page.html.gz"   # relative to the rule file
    url = "https://example.com/a"
    expected = "../fixtures/rules/x/page.expected.json"

Loading is strict: an unknown key, a wrong type, an empty list or string, a CSS
selector Lexbor cannot parse, a bad pattern or domain raises RuleError naming
the file and the key. tomllib runs no code, and patterns are bounded, so a
rule file can neither run code nor hang the run. Fields a rule does not give
fall back to the generic extractor.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from scraper.errors import RuleError
from scraper.metadata import parse_field_selector
from scraper.model import Body, Metadata
from scraper.rules_patterns import PatternError, Span, compile_pattern, compile_span
from scraper.rules_text import TextRule, apply_text_directives

METADATA_FIELDS = frozenset(f.name for f in dataclasses.fields(Metadata))
TOP_KEYS = frozenset(
    {"name", "notes", "domains", "signatures", "html", "metadata", "text", "fixtures"}
)
HTML_KEYS = frozenset({"body", "remove", "remove_in_body"})
TEXT_KEYS = frozenset(
    {"drop_phrases", "drop_spans", "cut_after", "captions", "credits", "drop_trailing_fragment"}
)
FIXTURE_KEYS = frozenset({"page", "url", "expected"})
SPAN_KEYS = frozenset({"start", "end"})
MAX_RULE_BYTES = 256 * 1024
MAX_SELECTOR_CHARS = 500

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_SENTINEL_ID = "scrape-rule-sentinel"
_SENTINEL = f"#{_SENTINEL_ID}"
_SENTINEL_PAGE = f'<p></p><i id="{_SENTINEL_ID}"></i>'


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
    remove_in_body: tuple[str, ...] = ()
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
        """The rule of the most specific domain matching the URL's host (or a subdomain)."""
        host = (urlsplit(url).hostname or "") if url else ""
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


def apply_text_rule(rule: Rule, body: Body) -> Body:
    """body with the rule's text directives applied."""
    return apply_text_directives(rule.text, body)


def shipped_rules_dir() -> Path:
    """The rules shipped with scrape: scraper/_rules in a wheel, rules/ in a checkout."""
    package = Path(__file__).resolve().parent
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
    """One rule file, validated. Raises RuleError naming the file and the key."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleError(f"cannot read rule file: {exc.strerror}", file=str(path)) from exc
    if len(raw) > MAX_RULE_BYTES:
        raise RuleError(f"rule file larger than {MAX_RULE_BYTES} bytes", file=str(path))
    return parse_rule(raw, path=path)


def parse_rule(raw: bytes | str, *, path: Path) -> Rule:
    """A rule from TOML text. Raises RuleError, and nothing else."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        data = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"not valid UTF-8 TOML: {exc}", file=str(path)) from exc
    except RecursionError as exc:
        raise RuleError("TOML nested too deeply", file=str(path)) from exc
    return _Validator(path).rule(data)


class _Validator:
    """Checks one parsed rule file; every error names the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, message: str) -> RuleError:
        return RuleError(f"{self.path}: {message}", file=str(self.path), key=key)

    def table(self, value: object, key: str, allowed: frozenset[str]) -> dict[str, object]:
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        for name in value:
            if name not in allowed:
                raise self.fail(f"{key}.{name}" if key else name, "unknown key")
        return value

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value

    def strings(self, value: object, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list of strings")
        return tuple(self.string(item, f"{key}[{i}]") for i, item in enumerate(value))

    def selectors(self, value: object, key: str) -> tuple[str, ...]:
        items = self.strings(value, key)
        for i, selector in enumerate(items):
            self.css(selector, f"{key}[{i}]")
        return items

    def css(self, selector: str, key: str) -> None:
        from selectolax.lexbor import LexborHTMLParser, SelectolaxError

        if len(selector) > MAX_SELECTOR_CHARS:
            raise self.fail(key, f"selector longer than {MAX_SELECTOR_CHARS} characters")
        # Selectors of a list are matched joined by ", ": one that leaves a string,
        # bracket or parenthesis open would swallow the next ones, so it must end
        # cleanly (the sentinel after it still matches).
        try:
            found = LexborHTMLParser(_SENTINEL_PAGE).css(f"{selector}, {_SENTINEL}")
        except SelectolaxError as exc:
            raise self.fail(key, f"CSS selector does not parse: {selector!r}") from exc
        if not any(node.attributes.get("id") == _SENTINEL_ID for node in found):
            raise self.fail(key, f"CSS selector is not closed (quote, bracket?): {selector!r}")

    def field_selectors(self, value: object, key: str) -> tuple[str, ...]:
        items = self.strings(value, key)
        for i, item in enumerate(items):
            try:
                parse_field_selector(item)
            except ValueError as exc:
                raise self.fail(f"{key}[{i}]", str(exc)) from None
        return items

    def pattern(self, value: object, key: str) -> re.Pattern[str]:
        try:
            return compile_pattern(self.string(value, key))
        except PatternError as exc:
            raise self.fail(key, f"bad pattern: {exc}") from exc

    def patterns(self, value: object, key: str) -> tuple[re.Pattern[str], ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list of patterns")
        return tuple(self.pattern(item, f"{key}[{i}]") for i, item in enumerate(value))

    def spans(self, value: object, key: str) -> tuple[Span, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(key, "must be a non-empty list of {start, end} tables")
        out = []
        for i, item in enumerate(value):
            where = f"{key}[{i}]"
            span = self.table(item, where, SPAN_KEYS)
            if set(span) != SPAN_KEYS:
                raise self.fail(where, "needs both start and end")
            start, end = (
                self.string(span["start"], f"{where}.start"),
                self.string(span["end"], f"{where}.end"),
            )
            try:
                out.append(compile_span(start, end))
            except PatternError as exc:
                raise self.fail(where, f"bad pattern: {exc}") from exc
        return tuple(out)

    def domains(self, value: object) -> tuple[str, ...]:
        items = self.strings(value, "domains")
        for i, domain in enumerate(items):
            if not _DOMAIN.match(domain):
                raise self.fail(f"domains[{i}]", f"not a lower-case domain name: {domain!r}")
        return items

    def signatures(self, value: object) -> tuple[tuple[str, ...], ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("signatures", "must be a non-empty list of lists of phrases")
        return tuple(self.strings(item, f"signatures[{i}]") for i, item in enumerate(value))

    def text(self, value: object) -> TextRule:
        data = self.table(value, "text", TEXT_KEYS)
        fragment = data.get("drop_trailing_fragment", False)
        if not isinstance(fragment, bool):
            raise self.fail("text.drop_trailing_fragment", "must be true or false")
        pats = {
            k: self.patterns(data[k], f"text.{k}")
            for k in ("drop_phrases", "cut_after", "captions", "credits")
            if k in data
        }
        spans = self.spans(data["drop_spans"], "text.drop_spans") if "drop_spans" in data else ()
        return TextRule(drop_spans=spans, drop_trailing_fragment=fragment, **pats)

    def metadata(self, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
        data = self.table(value, "metadata", METADATA_FIELDS)
        return tuple(
            (name, self.field_selectors(sels, f"metadata.{name}")) for name, sels in data.items()
        )

    def fixtures(self, value: object) -> tuple[Fixture, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail("fixtures", "must be a non-empty array of tables")
        out = []
        for i, item in enumerate(value):
            where = f"fixtures[{i}]"
            data = self.table(item, where, FIXTURE_KEYS)
            if "page" not in data or "expected" not in data:
                raise self.fail(where, "needs page and expected")
            base = self.path.parent
            url = self.string(data["url"], f"{where}.url") if "url" in data else None
            page = base / self.string(data["page"], f"{where}.page")
            expected = base / self.string(data["expected"], f"{where}.expected")
            out.append(Fixture(page=page, expected=expected, url=url))
        return tuple(out)

    def html(self, value: object) -> dict[str, tuple[str, ...]]:
        data = self.table(value, "html", HTML_KEYS)
        return {k: self.selectors(v, f"html.{k}") for k, v in data.items()}

    def rule(self, data: dict[str, object]) -> Rule:
        self.table(data, "", TOP_KEYS)
        name = self.string(data.get("name", self.path.stem), "name")
        if not _NAME.match(name):
            raise self.fail("name", "must be lower-case letters, digits, '-', '_' or '.'")
        if "domains" not in data and "signatures" not in data:
            raise self.fail("domains", "a rule needs domains or signatures")
        html = self.html(data["html"]) if "html" in data else {}
        return Rule(
            name=name,
            path=self.path,
            domains=self.domains(data["domains"]) if "domains" in data else (),
            signatures=self.signatures(data["signatures"]) if "signatures" in data else (),
            body=html.get("body", ()),
            remove=html.get("remove", ()),
            remove_in_body=html.get("remove_in_body", ()),
            metadata=self.metadata(data["metadata"]) if "metadata" in data else (),
            text=self.text(data["text"]) if "text" in data else TextRule(),
            fixtures=self.fixtures(data["fixtures"]) if "fixtures" in data else (),
            notes=self.string(data["notes"], "notes") if "notes" in data else "",
        )
