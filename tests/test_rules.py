"""Rule files: strict validation, matching, precedence, pattern safety."""

from __future__ import annotations

import contextlib
import time
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.errors import RuleError, RuleSyntaxError
from scraper.model import Block, Body
from scraper.rules import (
    FIXTURE_KEYS,
    HTML_KEYS,
    METADATA_FIELDS,
    SPAN_KEYS,
    TEXT_KEYS,
    TOP_KEYS,
    PatternError,
    apply_text_rule,
    check_rule_text,
    compile_pattern,
    default_user_rules_dir,
    load_rules,
    parse_rule,
    shipped_rules_dir,
)

GOOD = """
domains = ["example.com"]
[html]
body = ["article"]
[text]
drop_phrases = ["Advertisement"]
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('domains = ["a.com"]\nbogus = 1', "bogus"),
        ('domains = ["a.com"]\n[html]\nbodyy = ["p"]', "html.bodyy"),
        ('domains = "a.com"', "domains"),
        ("domains = []", "domains"),
        ('domains = ["A.com"]', "domains[0]"),
        ('domains = ["a.com"]\n[html]\nbody = ["div >"]', "html.body[0]"),
        ('domains = ["a.com"]\n[metadata]\ntitle = ["a[ @content"]', "metadata.title[0]"),
        ('domains = ["a.com"]\n[metadata]\nheadline = ["h1"]', "metadata.headline"),
        (
            'domains = ["a.com"]\n[metadata]\ntitle = ["h1", "jsonld:a b"]',
            "metadata.title[1]",
        ),
        (
            'domains = ["a.com"]\n[metadata]\nauthors = ["jsonld:a..b"]',
            "metadata.authors[0]",
        ),
        ('domains = ["a.com"]\n[text]\ndrop_phrases = ["*x"]', "text.drop_phrases[0]"),
        ('domains = ["a.com"]\n[text]\ncaptions = ["a {evil} b"]', "text.captions[0]"),
        ('domains = ["a.com"]\n[text]\ncut_after = [""]', "text.cut_after[0]"),
        ('domains = ["a.com"]\n[text]\ndrop_spans = [{ start = "a" }]', "text.drop_spans[0]"),
        (
            'domains = ["a.com"]\n[text]\ndrop_trailing_fragment = "yes"',
            "text.drop_trailing_fragment",
        ),
        ("signatures = [[]]", "signatures[0]"),
        ('notes = "no domains"', "domains"),
        ('domains = ["a.com"]\n[[fixtures]]\nurl = "https://a.com"', "fixtures[0]"),
    ],
)
def test_each_error_names_file_and_key(text: str, key: str) -> None:
    path = Path("user/site.toml")
    with pytest.raises(RuleError) as info:
        parse_rule(text, path=path)
    assert info.value.key == key
    assert info.value.file == str(path)
    assert str(path) in str(info.value)


def test_jsonld_field_selectors_are_accepted() -> None:
    text = '[metadata]\ntitle = ["jsonld:headline", "h1"]\nauthors = ["jsonld:author.name"]'
    rule = parse_rule(f'domains = ["a.com"]\n{text}', path=Path("site.toml"))
    assert rule.metadata_selectors["title"] == ("jsonld:headline", "h1")
    assert rule.metadata_selectors["authors"] == ("jsonld:author.name",)


def test_broken_toml_and_bad_bytes_are_rule_errors(tmp_path: Path) -> None:
    with pytest.raises(RuleError):
        parse_rule("domains = [", path=tmp_path / "x.toml")
    path = tmp_path / "y.toml"
    path.write_bytes(b"\xff\xfe domains")
    with pytest.raises(RuleError) as info:
        load_rules(dirs=[tmp_path], shipped=False)
    assert info.value.file == str(path)


def test_missing_dir_is_a_rule_error(tmp_path: Path) -> None:
    with pytest.raises(RuleError):
        load_rules(dirs=[tmp_path / "nope"], shipped=False)


def test_shipped_rules_load_and_cover_the_families() -> None:
    rules = load_rules()
    assert shipped_rules_dir().is_dir()
    for host in ("nationalpost.com", "www.theprovince.com", "windsorstar.com", "lfpress.com"):
        assert (rule := rules.for_url(f"https://{host}/news/x")) and rule.name == "postmedia"
    assert (cbc := rules.for_url("https://www.cbc.ca/news/x")) and cbc.name == "cbc"
    assert rules.for_url("https://notcbc.ca/x") is None
    assert rules.for_url(None) is None


def test_most_specific_domain_wins_and_user_rules_come_first(tmp_path: Path) -> None:
    user = tmp_path / "user"
    _write(user, "sub", 'domains = ["news.cbc.ca"]')
    _write(user, "cbc", 'domains = ["cbc.ca"]\nnotes = "mine"')
    rules = load_rules(dirs=[user])
    assert (sub := rules.for_url("https://a.news.cbc.ca/x")) and sub.name == "sub"
    assert (mine := rules.for_url("https://www.cbc.ca/x")) and mine.notes == "mine"
    assert [r.name for r in rules.rules].count("cbc") == 1


def test_for_text_needs_every_phrase_and_prefers_the_earliest_signature(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    _write(folder, "early", 'signatures = [["alpha", "beta"]]')
    _write(folder, "late", 'signatures = [["gamma"]]')
    rules = load_rules(dirs=[folder], shipped=False)
    assert rules.for_text("alpha only") is None
    assert (a := rules.for_text("beta then ALPHA, then gamma")) and a.name == "early"
    assert (g := rules.for_text("gamma, alpha, beta")) and g.name == "late"


def test_seed_dump_is_recognised_as_daily8_not_its_teasers() -> None:
    seed = Path(__file__).parent.parent / "fixtures/seed/000_a9e1ee360a756296.txt"
    rule = load_rules().for_text(seed.read_text(encoding="utf-8"))
    assert rule is not None and rule.name == "daily8"


def test_user_dir_follows_xdg(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    assert default_user_rules_dir(env) == tmp_path / "scrape" / "rules"
    assert default_user_rules_dir({"HOME": "/h"}) == Path("/h/.config/scrape/rules")


def _rule(text_table: str) -> object:
    return parse_rule('domains = ["a.com"]\n[text]\n' + text_table, path=Path("t.toml"))


def _body(*texts: str) -> Body:
    return Body(blocks=tuple(Block(kind="paragraph", text=t) for t in texts))


def test_directives_apply_mid_paragraph_and_cut() -> None:
    rule = parse_rule(
        'domains = ["a.com"]\n[text]\n'
        'drop_phrases = ["Ad here."]\n'
        'drop_spans = [{ start = "BEGIN", end = "END" }]\n'
        'captions = ["(Photo by *)"]\n'
        'cut_after = ["Related Articles"]\n'
        "drop_trailing_fragment = true\n",
        path=Path("t.toml"),
    )
    body = _body(
        "One. Ad here. Two BEGIN junk junk END. Three.",
        "Text here. A man waves. (Photo by Jo Bloggs)",
        "Last words. Some Glued Headline",
        "Kept? No. Related Articles and more",
        "Gone entirely.",
    )
    out = [b.text for b in apply_text_rule(rule, body).blocks]
    assert out[0] == "One. Two Three."
    assert out[1] == "Text here."
    assert out[2] == "Last words. Some Glued Headline"  # not the last block: kept
    assert out[3] == "Kept? No."
    assert len(out) == 4


def test_trailing_fragment_only_drops_an_unpunctuated_tail() -> None:
    rule = parse_rule(
        'domains = ["a.com"]\n[text]\ndrop_trailing_fragment = true', path=Path("t.toml")
    )
    cut = apply_text_rule(rule, _body("It ended. Sports Local News"))
    kept = apply_text_rule(rule, _body("It ended. Then it began again."))
    assert cut.text == "It ended."
    assert kept.text == "It ended. Then it began again."


@pytest.mark.parametrize("bad", ["*", "a**b", "* a", "a *", "{Nope}", "x" * 400, "a*b*c*d*e*f"])
def test_unsafe_or_bad_patterns_are_refused(bad: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(bad)


def test_regex_syntax_in_a_pattern_is_literal() -> None:
    pattern = compile_pattern("(a+)+ [x] $")
    assert pattern.search("(a+)+ [x] $")
    assert not pattern.search("aaaa x")


def test_pathological_input_finishes_fast() -> None:
    table = (
        'drop_phrases = ["a * a * a * b", "{Name} {Name} {Name} x"]\n'
        'drop_spans = [{ start = "a", end = "b" }]\n'
        'captions = ["(* photo via*)", "Photo by * / {Name}"]\n'
        'credits = ["{CAPS} * {CAPS} * z"]\n'
        'cut_after = ["a * a * q"]\n'
        "drop_trailing_fragment = true\n"
    )
    rule = parse_rule('domains = ["a.com"]\n[text]\n' + table, path=Path("t.toml"))
    nasty = (
        "a " * 20_000,
        "Aa " * 20_000,
        "(" + " photo via" * 5_000,
        "AA " * 20_000,
        ". A" * 20_000,
    )
    start = time.perf_counter()
    apply_text_rule(rule, _body(*nasty))
    assert time.perf_counter() - start < 3.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_raises_only_rule_errors(text: str) -> None:
    with contextlib.suppress(RuleError):
        parse_rule(text, path=Path("fuzz.toml"))


KEYS = ["domains", "signatures", "name", "notes", "html", "metadata", "text", "fixtures", "x"]
VALUES = st.recursive(
    st.one_of(st.text(max_size=20), st.integers(), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from([*KEYS, "body", "title", "drop_phrases", "start", "end"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=4))
def test_arbitrary_toml_structures_raise_only_rule_errors(data: dict[str, object]) -> None:
    import json

    lines = [
        f"{key} = {json.dumps(value)}" for key, value in data.items() if not isinstance(value, dict)
    ]
    with contextlib.suppress(RuleError):
        parse_rule("\n".join(lines), path=Path("fuzz.toml"))


def test_one_check_collects_every_problem_and_loading_raises_the_first() -> None:
    text = 'domains = ["A.com"]\nx = 1\n[html]\nbody = ["p", "div >"]\nremove = []\n'
    path = Path("user/site.toml")
    check = check_rule_text(text, path=path)
    keys = [problem.key for problem in check.problems]
    assert check.rule is None and keys == ["x", "domains[0]", "html.body[1]", "html.remove"]
    assert all(isinstance(p, RuleError) and p.file == str(path) for p in check.problems)
    with pytest.raises(RuleError) as info:
        parse_rule(text, path=path)
    assert info.value.key == "x"
    assert check_rule_text(GOOD, path=path).rule is not None


def test_a_toml_syntax_error_says_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        parse_rule('name = "a"\ndomains = ["a.com",\nx = 1', path=tmp_path / "x.toml")
    assert (info.value.line, info.value.column) == (3, 1)
    assert str(info.value).startswith(f"{tmp_path / 'x.toml'}: line 3, column 1: ")
    bad = tmp_path / "y.toml"
    bad.write_bytes(b'notes = "ok"\nname = "\xff"\n')
    with pytest.raises(RuleSyntaxError) as info:
        load_rules(dirs=[tmp_path], shipped=False)
    assert (info.value.line, info.value.column) == (2, 9)


def test_the_readme_counts_the_shipped_rules() -> None:
    root = Path(__file__).parents[1]
    shipped = len(list((root / "rules").glob("*.toml")))
    assert f"{shipped} rules ship with `scrape`" in (root / "README.md").read_text()


def test_the_rules_readme_documents_exactly_the_vocabulary() -> None:
    """The keys of rules/README.md's complete example are the validator's key sets."""
    readme = (Path(__file__).parents[1] / "rules" / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Complete example", 1)[1].split("```toml\n", 1)[1].split("```")[0]
    data = tomllib.loads(example)
    assert set(data) == TOP_KEYS
    assert set(data["html"]) == HTML_KEYS
    assert set(data["text"]) == TEXT_KEYS
    assert set(data["fixtures"][0]) == FIXTURE_KEYS
    assert set(data["text"]["drop_spans"][0]) == SPAN_KEYS
    assert set(data["metadata"]) <= METADATA_FIELDS
    for field in METADATA_FIELDS:  # every metadata field is named in the docs
        assert f"`{field}`" in readme or f"{field} =" in example, field
