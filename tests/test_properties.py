"""Property-based tests (hypothesis) of the entry points hostile input reaches:
`extract`, `clean_text`, the rule loader and the output naming.

Any input gives an Article or a ScraperError (never another exception); cleaning is
idempotent; output names stay inside the output directory whatever they are made from.
"""

from __future__ import annotations

import encodings.aliases
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scraper import Article, ScraperError, Settings, clean_text, extract
from scraper.clean import clean_body, normalize_space
from scraper.errors import RuleError
from scraper.model import Block, Body
from scraper.output import output_name, outputs_for, write_article
from scraper.rules import RuleSet, parse_rule

NO_RULES = Settings(rules=RuleSet())
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TAGS = ("p", "div", "article", "main", "span", "a", "li", "ul", "table", "tr", "td", "h1",
        "h2", "pre", "br", "script", "style", "template", "svg", "math", "title", "meta",
        "blockquote", "noscript", "iframe", "plaintext", "xmp", "textarea", "select")  # fmt: skip
ATTRIBUTES = ("", ' class="article-body"', " class=comment", ' id="x', " hidden",
              ' style="display:none"', ' charset="utf-16"', ' content="2024-02-30"')  # fmt: skip
WORDS = st.sampled_from(
    ["The", "report", "said,", "that", "über", "東京", "\u200b", "&amp;", "&#0;", "\x00",
     "\ufffd", "Share", "Photo: AFP", "©", " ", "\n", "\t", "<", ">", "\"", "'", "\u202e"]
)  # fmt: skip


@st.composite
def markup(draw: st.DrawFn) -> str:
    """Tag soup: random open, close and self-closing tags, attributes and words."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 4))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            attr = draw(st.sampled_from(ATTRIBUTES))
            parts.append(f"<{tag}{attr}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(f"<{tag}/>")
        else:
            parts.append(" ".join(draw(st.lists(WORDS, max_size=30))))
    return "".join(parts)


def _article_or_error(run: object) -> Article | None:
    assert callable(run)
    try:
        article = run()
    except ScraperError as exc:
        assert str(exc)  # a clear message
        return None
    assert isinstance(article, Article)
    assert article.text.strip()
    assert "\x00" not in article.text
    return article


@FAST
@given(st.one_of(st.text(), markup()), st.sampled_from([None, "https://www.bbc.co.uk/a", "x:"]))
@example("<p>" + "word, " * 10 + "</p>", None)
def test_extract_gives_an_article_or_a_scraper_error(page: str, url: str | None) -> None:
    _article_or_error(lambda: extract(page, url=url, settings=NO_RULES))
    _article_or_error(lambda: extract(page, url=url))


@FAST
@given(st.one_of(st.binary(), markup().map(lambda s: s.encode("utf-8", "surrogatepass"))))
def test_extract_of_any_bytes(page: bytes) -> None:
    _article_or_error(lambda: extract(page, settings=NO_RULES))
    for charset in (b"utf-16", b"shift_jis", b"x-user-defined", b"utf-7", b"bogus\x00"):
        declared = b'<meta charset="' + charset + b'">' + page
        _article_or_error(lambda page=declared: extract(page, settings=NO_RULES))


@FAST
@given(st.text())
def test_clean_text_gives_an_article_or_a_scraper_error(text: str) -> None:
    _article_or_error(lambda: clean_text(text))


# --- hostile URLs, lone surrogates, codec names -------------------------------------------

ARTICLE = "<html><body><article>" + "<p>The council met on Tuesday to agree the budget.</p>" * 4
URLS = st.one_of(
    st.text(),
    st.sampled_from(["https://[::1/a", "https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com/a",
                     "https://example.com\uff0fa", "https://ex\u2100ample.com/a", "http://[",
                     "//[::1", "https://web.archive.org/web/2020/https://[::1/a",
                     "https://a:99999/", "\ud800"]),
    st.builds("https://{}/{}".format, st.text(max_size=20), st.text(max_size=20)),
)  # fmt: skip


@FAST
@given(URLS, st.sampled_from(["", '<link rel="canonical" href="{}">', '<meta property="og:url" '
                              'content="{}"><link rel="canonical" href="/x">']))  # fmt: skip
@example("https://[::1/a", "")
@example("https://www.bbc.co.uk/a", '<link rel="canonical" href="{}">')
def test_extract_with_any_url_gives_an_article_or_a_scraper_error(url: str, declared: str) -> None:
    page = declared.format(url.replace('"', "")) + ARTICLE
    _article_or_error(lambda: extract(page, url=url))
    _article_or_error(lambda: extract(page))  # the URL only in the canonical link
    _article_or_error(lambda: clean_text("The council met. " * 10, url=url))


SURROGATES = st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1)


@FAST
@given(st.lists(st.one_of(WORDS, SURROGATES), min_size=1, max_size=40).map(" ".join))
@example("\ud800")
def test_text_with_lone_surrogates_gives_an_article_or_a_scraper_error(text: str) -> None:
    for article in (
        _article_or_error(lambda: extract(ARTICLE + text)),
        _article_or_error(lambda: clean_text("The council met. " * 10 + text)),
    ):
        assert article is None or article.text.encode("utf-8")  # no surrogate left


CODEC_NAMES = sorted({*encodings.aliases.aliases, *encodings.aliases.aliases.values()})
BOGUS_CODECS = ["undefined", "punycode", "idna", "unicode_escape", "raw_unicode_escape",
                "charmap", "rot13", "mbcs", "oem", "x-user-defined", "utf-7", "bogus", "",
                "utf-8\x00"]  # fmt: skip
LEGACY = ("<p>Le café était «très» bon, déjà à l'heure: l'élève répète sa leçon.</p>" * 3).encode(
    "cp1252"
)


@pytest.mark.parametrize("codec", CODEC_NAMES + BOGUS_CODECS)
def test_any_declared_codec_gives_an_article_or_a_scraper_error(codec: str) -> None:
    for page in (LEGACY, b"\xed\xa0\x80\xff" + LEGACY, b"\x00\x01" * 50 + LEGACY):
        declared = f'<meta charset="{codec}">'.encode("utf-8", "surrogatepass") + page
        _article_or_error(lambda page=declared: extract(page, settings=NO_RULES))
        _article_or_error(lambda page=page: extract(page, settings=NO_RULES))


@FAST
@given(st.sampled_from(CODEC_NAMES + BOGUS_CODECS), st.binary(max_size=200))
def test_any_declared_codec_on_any_bytes(codec: str, noise: bytes) -> None:
    page = f'<meta charset="{codec}">'.encode("utf-8", "surrogatepass") + noise + LEGACY
    _article_or_error(lambda: extract(page, settings=NO_RULES))


BLOCKS = st.builds(
    Block,
    kind=st.sampled_from(["paragraph", "heading", "list_item", "quote", "code", "table_row"]),
    text=st.one_of(st.text(), st.lists(WORDS, max_size=20).map(" ".join)),
    level=st.integers(0, 6),
)


@FAST
@given(st.lists(BLOCKS, max_size=30).map(lambda blocks: Body(tuple(blocks))))
def test_clean_body_is_idempotent(body: Body) -> None:
    once = clean_body(body)
    assert clean_body(once) == once


@FAST
@given(st.text())
def test_normalize_space_is_idempotent_and_folds_all_whitespace(text: str) -> None:
    once = normalize_space(text)
    assert normalize_space(once) == once
    assert once == " ".join(once.split())


def test_normalize_space_of_a_long_text_matches_the_short_path() -> None:
    text = ("word,\u00a0 \t\n" * 40_000) + "x" * 150_000 + " \u3000 end "
    assert normalize_space(text) == " ".join(text.split())


@FAST
@given(st.one_of(st.text(), markup()))
def test_cleaning_a_cleaned_text_dump_changes_nothing(text: str) -> None:
    """A dump's first line is its title: the cleaned dump is the title line, then the text."""
    first = _article_or_error(lambda: clean_text(text))
    if first is not None:
        dump = f"{first.title}\n\n{first.text}" if first.title else first.text
        again = _article_or_error(lambda: clean_text(dump))
        assert again is not None and again.text == first.text


# --- the rule loader -------------------------------------------------------------------

SELECTORS = st.one_of(
    st.sampled_from(["article", "div.x > p", "a[x='y", "a[x", ":is(a", "a,", "p:not(", "\\",
                     "*", "[class*=ad i]", "main article", "a[href$='.pdf']", "::before"]),
    st.text(max_size=40),
)  # fmt: skip
PATTERNS = st.one_of(
    st.sampled_from(["Photo by * / {Name}", "{CAPS} *", "* x", "a * * b", "Related Articles",
                     "(* photo via*)", "{Bad}", "x" * 400]),
    st.text(max_size=40),
)  # fmt: skip


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}"
                             for c in value) + '"'  # fmt: skip
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    assert isinstance(value, list)
    return "[" + ", ".join(_toml_value(v) for v in value) + "]"


DOMAINS = ("example.com", "EXAMPLE.com", "..", "a" * 70 + ".com", "", "x.y")


@st.composite
def rule_files(draw: st.DrawFn) -> str:
    """TOML in the rule vocabulary (and out of it), with hostile values."""
    lines = []
    if draw(st.booleans()):
        domains = draw(st.lists(st.sampled_from(DOMAINS), max_size=3))
        lines.append(f"domains = {_toml_value(domains)}")
    if draw(st.booleans()):
        signatures = draw(st.lists(st.lists(PATTERNS, max_size=2), max_size=2))
        lines.append(f"signatures = {_toml_value(signatures)}")
    if draw(st.booleans()):
        lines.append(f"name = {_toml_value(draw(st.sampled_from(['ok', 'Bad Name', '', '../x'])))}")
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["unknown = 1", "html = 3", "[fixtures]"])))
    lines.append("[html]")
    for key in draw(st.sets(st.sampled_from(["body", "remove", "other"]))):
        lines.append(f"{key} = {_toml_value(draw(st.lists(SELECTORS, max_size=3)))}")
    lines.append("[text]")
    for key in draw(st.sets(st.sampled_from(["drop_phrases", "cut_after", "captions", "credits"]))):
        lines.append(f"{key} = {_toml_value(draw(st.lists(PATTERNS, max_size=3)))}")
    if draw(st.booleans()):
        span = {"start": draw(PATTERNS), "end": draw(PATTERNS)}
        lines.append(f"drop_spans = {_toml_value([span])}")
    if draw(st.booleans()):
        lines.append(f"drop_trailing_fragment = {_toml_value(draw(st.booleans()))}")
    lines.append("[metadata]")
    for key in draw(st.sets(st.sampled_from(["title", "authors", "date", "nope"]))):
        lines.append(f"{key} = {_toml_value(draw(st.lists(SELECTORS, max_size=2)))}")
    return "\n".join(lines) + "\n"


PAGE = (
    "<html><head><title>T</title></head><body><article><h1>T</h1>"
    + "<p>Photo by Jane Doe / AFP. Related Articles: the words of a sentence, said.</p>" * 4
    + "</article></body></html>"
)


@FAST
@given(st.one_of(st.binary(), st.text(), rule_files()))
@example('domains = ["example.com"]\n[html]\nremove = ["section[x=\'a", "p"]\n')
def test_rule_loader_gives_a_rule_or_a_rule_error_and_rules_run(raw: bytes | str) -> None:
    try:
        rule = parse_rule(raw, path=Path("hostile.toml"))
    except RuleError as exc:
        assert "hostile.toml" in str(exc)
        return
    ruled = Settings(rules=RuleSet(rules=(rule,)))
    url = f"https://{rule.domains[0]}/a" if rule.domains else None
    _article_or_error(lambda: extract(PAGE, url=url, settings=ruled))
    _article_or_error(lambda: clean_text("Photo by A / B.\n\nA paragraph, said.", settings=ruled))


def test_a_selector_left_open_is_refused() -> None:
    """Regression (fuzz_rules.py): a selector with an unclosed quote parses alone but,
    joined with the rule's other selectors, swallowed them or failed in Lexbor at
    extraction time with a SelectolaxError."""
    for selector in ("section[data-component='headline", "a:not(b", 'a[x="y'):
        text = f'domains = ["example.com"]\n[html]\nremove = [{_toml_value(selector)}, "p"]\n'
        assert tomllib.loads(text)
        with pytest.raises(RuleError, match=r"not closed|does not parse"):
            parse_rule(text, path=Path("r.toml"))


# --- output naming ---------------------------------------------------------------------

# 10,000-character strings (hypothesis cannot draw that many characters one by one).
LONG_TEXT = st.text(min_size=1, max_size=40).map(lambda s: (s * (10_000 // len(s) + 1))[:10_000])
HOSTILE_NAMES = st.one_of(
    st.text(),
    LONG_TEXT,
    st.sampled_from([
        "../../etc/passwd", "/etc/passwd", "..\\..\\windows\\system32", "C:\\x\\y.html",
        "a/\x00/b", "\x00", "CON", "nul.html", "com1.txt", "LPT9", "aux/prn.html",
        "\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fetc", "\u2215etc\u2215passwd", "\u2024\u2024/x",
        "\u200b../x", ".",
        "~/.ssh/id_rsa", "https://../../x", "https://host/../../../etc/passwd",
        "http://[::1]/a/../../b", "https://ex.com/%2e%2e/%2e%2e/x", "file:///etc/passwd",
        "https://h/" + "é" * 10_000, "https://h/?" + "a" * 10_000, "A://[", "https://[::1/a",
    ]),
    st.builds(lambda h, p: f"https://{h}/{p}", st.text(max_size=30), st.text(max_size=60)),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(name=HOSTILE_NAMES, title=st.one_of(st.text(), LONG_TEXT))
def test_output_files_stay_inside_the_output_directory(
    tmp_path_factory: pytest.TempPathFactory, name: str, title: str
) -> None:
    root = tmp_path_factory.mktemp("out")
    safe = output_name(name)
    assert safe == output_name(name)  # stable
    assert all(len(part) <= 80 for part in safe.split("/"))
    article = Article(url=name, title=title, text="Text.", blocks=(Block("paragraph", "Text."),))
    for path in write_article(root, article, name=safe, fmt="markdown", force=False):
        assert path.resolve().is_relative_to(root.resolve())
        assert path.is_file()
    assert outputs_for(root, safe, fmt="markdown")[-1].exists()
