"""`scrape-rules`: list, validate, test and scaffold rules, through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import rules_app
from scraper.rules import load_rule

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
