"""`scrape-rules`: list, validate, test and scaffold rules, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import rules_app
from scraper.rules import Fixture, load_rule
from scraper.rules.tools import FixtureGain, Outcome, RuleHealth, SelectorUse, selector_parts

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "fixtures" / "pages" / "article.html"
runner = CliRunner()
RULES = ("postmedia", "daily8")


NO_USER_RULES = {"XDG_CONFIG_HOME": str(ROOT / "tests" / "no-such-config")}  # shipped only


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(rules_app, list(args), env=NO_USER_RULES)
    return result.exit_code, result.stdout, result.stderr


def test_list_names_every_shipped_rule_and_its_domains() -> None:
    code, out, _ = invoke("list")
    names = {line.split("\t")[0] for line in out.splitlines()}
    assert code == 0 and {"daily8", "postmedia", "cbc", "thestar", "japan-forward"} <= names
    assert "theprovince.com" in out and "nationalpost.com" in out


def test_validate_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\ndomains = ["x.com"]\n[html]\nbody = ["div[["]\n')
    code, _, err = invoke("validate", str(ROOT / "rules"), str(bad))
    assert code == 1
    assert err.count("ok: ") == len(list((ROOT / "rules").glob("*.toml")))
    error = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and str(bad) in error[0] and "html.body" in error[0]


def test_shipped_rules_pass_their_fixtures() -> None:
    fixtures = sum(len(load_rule(ROOT / "rules" / f"{n}.toml").fixtures) for n in RULES)
    code, _, err = invoke("test", *RULES, "--rules", str(ROOT / "rules"))
    assert code == 0, err
    assert err.count("PASS") == fixtures >= 5 and "FAIL" not in err


def test_fixtures_missing_from_an_install_are_a_clear_failure(tmp_path: Path) -> None:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    rule = (ROOT / "rules" / "daily8.toml").read_text()
    (rules_dir / "daily8.toml").write_text(rule)  # its ../fixtures paths lead nowhere here
    code, _, err = invoke("test", "daily8", "--rules", str(rules_dir))
    assert code == 1 and "FAIL daily8" in err and "fixture page not found" in err
    assert "Traceback" not in err


def test_new_scaffolds_a_rule_that_validates_and_passes(tmp_path: Path) -> None:
    rules_dir, fixtures_dir = tmp_path / "rules", tmp_path / "fixtures"
    args = ["new", "example-news", "--page", str(PAGE), "--url", "https://www.example.com/a"]
    args += ["--rules-dir", str(rules_dir), "--fixtures-dir", str(fixtures_dir)]
    code, _, err = invoke(*args)
    assert code == 0, err
    rule_file = rules_dir / "example-news.toml"
    assert 'domains = ["example.com"]' in rule_file.read_text()
    expected = json.loads((fixtures_dir / "example-news" / "page.expected.json").read_text())
    assert expected["title"] == "River towns brace for record floods"
    assert invoke("validate", str(rule_file))[0] == 0
    code, _, err = invoke("test", "example-news", "--rules", str(rules_dir))
    assert code == 0 and "PASS example-news page.html.gz" in err
    code, _, err = invoke(*args)  # never overwrites
    assert code == 1 and "exists" in err


def test_a_failing_fixture_shows_the_diff(tmp_path: Path) -> None:
    rules_dir, fixtures_dir = tmp_path / "rules", tmp_path / "fixtures"
    args = ["new", "example-news", "--page", str(PAGE), "--url", "https://example.com/a"]
    invoke(*args, "--rules-dir", str(rules_dir), "--fixtures-dir", str(fixtures_dir))
    expected_file = fixtures_dir / "example-news" / "page.expected.json"
    expected = json.loads(expected_file.read_text())
    expected["text"] = "A paragraph the page does not have, so the fixture must fail."
    expected_file.write_text(json.dumps(expected))
    code, _, err = invoke("test", "example-news", "--rules", str(rules_dir))
    assert code == 1 and "FAIL example-news" in err
    assert "+++ extracted" in err and "-A paragraph the page does not have" in err


BAD_RULE = """name = "bad"
domains = ["x.com", "X.org"]
bogus = 1
[html]
body = ["div[[", "article", "p >"]
[text]
drop_phrases = []
cut_after = ["*x"]
"""
BAD_KEYS = ("domains[1]", "bogus", "html.body[0]", "html.body[2]", "text.drop_phrases")


def test_validate_reports_every_problem_of_a_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_RULE)
    code, _, err = invoke("validate", str(bad))
    errors = err.splitlines()
    assert code == 1 and len(errors) == len(BAD_KEYS) + 1  # and text.cut_after[0]
    assert all(line.startswith(f"error: {bad}: ") for line in errors)
    for key in (*BAD_KEYS, "text.cut_after[0]"):
        assert sum(f"(key {key})" in line for line in errors) == 1, key


def test_validate_says_the_line_and_column_of_a_toml_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "broken"\ndomains = ["a.com"\n[html]\n')
    code, _, err = invoke("validate", str(broken))
    assert code == 1 and err.startswith(f"error: {broken}: line 3, column 1: ")


def _broken_rule(tmp_path: Path, name: str) -> Path:
    """A scaffolded rule whose fixture expects a text the page lacks; its expected file."""
    args = ["new", name, "--page", str(PAGE), "--url", f"https://{name}.com/a"]
    args += ["--rules-dir", str(tmp_path / "rules"), "--fixtures-dir", str(tmp_path / "fx")]
    assert invoke(*args)[0] == 0
    expected_file = tmp_path / "fx" / name / "page.expected.json"
    expected = json.loads(expected_file.read_text())
    expected_file.write_text(json.dumps({**expected, "text": "Not on the page.", "x": 1}))
    return expected_file


def test_update_shows_the_diff_then_accepts_only_the_named_rule(tmp_path: Path) -> None:
    mine, other = _broken_rule(tmp_path, "mine"), _broken_rule(tmp_path, "other")
    before = other.read_text()
    rules_dir = str(tmp_path / "rules")
    code, _, err = invoke("test", "mine", "--update", "--rules", rules_dir)
    assert code == 0 and "FAIL mine" in err and "other" not in err
    updated = err.index("  updated ")  # the diff first, then the file written
    assert err.index("-Not on the page.") < updated
    assert Path(err[updated:].split()[1]).resolve() == mine  # printed as rules/../fx/...
    accepted = json.loads(mine.read_text())
    assert accepted["title"] == "River towns brace for record floods" and accepted["x"] == 1
    assert not list(mine.parent.glob(".*.part"))
    assert other.read_text() == before
    assert invoke("test", "mine", "--rules", rules_dir)[0] == 0
    assert invoke("test", "other", "--rules", rules_dir)[0] == 1


def test_update_refuses_without_a_name(tmp_path: Path) -> None:
    expected_file = _broken_rule(tmp_path, "mine")
    before = expected_file.read_text()
    code, _, err = invoke("test", "--update", "--rules", str(tmp_path / "rules"))
    assert code == 2 and "--update needs the NAME" in err
    assert expected_file.read_text() == before


def _new(tmp_path: Path, name: str, url: str, *flags: str) -> tuple[int, str, str]:
    dirs = ["--rules-dir", str(tmp_path / "rules"), "--fixtures-dir", str(tmp_path / "fx")]
    return invoke("new", name, "--page", str(PAGE), "--url", url, *dirs, *flags)


def test_new_refuses_to_shadow_a_shipped_rule_by_name_unless_asked(tmp_path: Path) -> None:
    code, _, err = _new(tmp_path, "cbc", "https://example.org/a")
    assert code == 2 and len(err.splitlines()) == 1
    assert "rule 'cbc' exists" in err and "--shadow" in err and "cbc.toml" in err
    assert not (tmp_path / "rules").exists() and not (tmp_path / "fx").exists()
    assert _new(tmp_path, "cbc", "https://example.org/a", "--shadow")[0] == 0
    assert 'domains = ["example.org"]' in (tmp_path / "rules" / "cbc.toml").read_text()


def test_new_refuses_a_site_a_shipped_rule_handles_unless_asked(tmp_path: Path) -> None:
    code, _, err = _new(tmp_path, "my-cbc", "https://www.cbc.ca/news/a")
    assert code == 2 and "handled by rule 'cbc'" in err and "--shadow" in err
    assert not (tmp_path / "rules").exists()
    assert _new(tmp_path, "my-cbc", "https://www.cbc.ca/news/a", "--shadow")[0] == 0


def test_new_never_overwrites_even_when_shadowing(tmp_path: Path) -> None:
    assert _new(tmp_path, "mine", "https://mine.com/a")[0] == 0
    written = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    (tmp_path / "rules" / "mine.toml").unlink()  # the fixture left behind is still kept
    code, _, err = _new(tmp_path, "mine", "https://mine.com/a", "--shadow")
    assert code == 1 and "exists; not overwritten" in err
    assert all(p.read_bytes() == data for p, data in written.items() if p.exists())


def _scaffold(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A scaffolded rule (no selectors yet) and its fixture's expected file."""
    args = ["new", name, "--page", str(PAGE), "--url", f"https://{name}.com/a"]
    args += ["--rules-dir", str(tmp_path / "rules"), "--fixtures-dir", str(tmp_path / "fx")]
    assert invoke(*args)[0] == 0
    return tmp_path / "rules" / f"{name}.toml", tmp_path / "fx" / name / "page.expected.json"


def test_check_fails_a_rule_that_adds_nothing_and_names_its_dead_selectors(
    tmp_path: Path,
) -> None:
    rule_file, _ = _scaffold(tmp_path, "idle")
    selectors = '[html]\nremove = [".ad", "section.sidebar, .comments"]\n'
    rule_file.write_text(rule_file.read_text().replace("[[fixtures]]", selectors + "[[fixtures]]"))
    code, _, err = invoke("check", "idle", "--rules", str(tmp_path / "rules"))
    assert code == 1 and err.startswith("FAIL idle: no gain, 1 dead selector(s)\n"), err
    assert "  = page.html.gz  F1 1.000 -> 1.000\n" in err
    assert "  dead html.remove[1]: section.sidebar\n" in err and ".comments" not in err


def test_check_passes_a_rule_that_wins_and_whose_selectors_all_match(tmp_path: Path) -> None:
    rule_file, expected_file = _scaffold(tmp_path, "winner")
    expected = json.loads(expected_file.read_text())
    text = expected["text"].replace("Schools will close on Tuesday.\n\n", "")
    text = text.replace("The ferry will not run until further notice.\n\n", "")
    expected_file.write_text(json.dumps({**expected, "text": text, "absent": ["The ferry"]}))
    rule = rule_file.read_text()
    rule_file.write_text(rule.replace("[[fixtures]]", '[html]\nremove = ["ul"]\n[[fixtures]]'))
    code, _, err = invoke("check", "winner", "--rules", str(tmp_path / "rules"))
    assert code == 0 and err.startswith("OK winner: wins\n"), err
    assert "  + page.html.gz  F1 0.918 -> 1.000" in err and "fixed: cruft 'The ferry'" in err
    assert invoke("test", "winner", "--rules", str(tmp_path / "rules"))[0] == 0
    rule_file.write_text(rule)  # without the rule's selector the cruft is back
    code, _, err = invoke("test", "winner", "--rules", str(tmp_path / "rules"))
    assert code == 1 and "cruft 'The ferry' in the text" in err


def test_absent_must_be_a_list_of_strings(tmp_path: Path) -> None:
    _, expected_file = _scaffold(tmp_path, "badabsent")
    expected = json.loads(expected_file.read_text())
    expected_file.write_text(json.dumps({**expected, "absent": "Advertisement"}))
    code, _, err = invoke("check", "badabsent", "--rules", str(tmp_path / "rules"))
    assert code == 1 and "ERROR badabsent" in err and "(key absent)" in err
    assert "Traceback" not in err


def test_selector_parts_split_top_level_commas_only() -> None:
    assert selector_parts("a, b:is(c, d), [x=','] e") == ("a", "b:is(c, d)", "[x=','] e")
    assert selector_parts("h1, meta[name='t'] @content") == (
        "h1 @content",
        "meta[name='t'] @content",
    )


def _outcome(f1: float, right: str = "", cruft: str = "") -> Outcome:
    return Outcome(f1, f1, f1, frozenset(right.split()), frozenset(cruft.split()))


def _gain(without: Outcome, with_rule: Outcome) -> FixtureGain:
    fixture = Fixture(page=Path("p.html"), expected=Path("p.json"))
    return FixtureGain(fixture, without_rule=without, with_rule=with_rule)


def test_a_fixture_is_better_only_when_nothing_gets_worse() -> None:
    assert _gain(_outcome(0.9), _outcome(0.95)).better
    assert _gain(_outcome(0.9, "title"), _outcome(0.9, "title date")).better
    assert _gain(_outcome(0.9, cruft="Ad"), _outcome(0.9)).better
    assert not _gain(_outcome(0.9), _outcome(0.9)).better  # the same: no gain
    trade = _gain(_outcome(0.9, "title"), _outcome(0.99, "date"))
    assert trade.worse and not trade.better  # a field lost for a higher F1
    assert _gain(_outcome(0.9), _outcome(0.95, cruft="Ad")).worse
    assert _gain(_outcome(0.9), _outcome(0.89, "title")).worse


def test_a_rule_wins_when_one_fixture_is_better_and_none_worse() -> None:
    same, better = _gain(_outcome(1.0), _outcome(1.0)), _gain(_outcome(0.9), _outcome(1.0))
    worse = _gain(_outcome(1.0), _outcome(0.9))
    assert RuleHealth("r", (same, better), ()).verdict == "wins"
    assert RuleHealth("r", (same, same), ()).verdict == "no gain"
    assert RuleHealth("r", (better, worse), ()).verdict == "worse"
    dead = SelectorUse("html.remove[0]", "aside", pages=0)
    assert not RuleHealth("r", (better,), (dead,)).ok
