"""Rule directories from users: only regular files are read, up to a size cap; a rule
costs a bounded amount of work per page; fixture paths stay beside the rules."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scraper.errors import RuleError
from scraper.rules import load_rules
from scraper.rules._load import check_rule, load_rule

HEAD = 'domains = ["example.com"]\n'


def write(folder: Path, text: str, name: str = "site.toml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + text)
    return path


def test_a_link_to_a_device_is_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    with pytest.raises(RuleError, match="not a regular file"):
        load_rules(dirs=[tmp_path], shipped=False)


def test_a_link_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    target = write(tmp_path / "elsewhere", "")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "site.toml").symlink_to(target)
    assert load_rules(dirs=[tmp_path / "rules"], shipped=False).rules[0].name == "site"


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.toml")
    code = "import sys; from pathlib import Path; from scraper.rules._load import check_rule; "
    code += "print(check_rule(Path(sys.argv[1])).problems[0])"
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "fifo.toml")],
        capture_output=True, text=True, timeout=20, cwd=Path(__file__).parents[1],
    )  # fmt: skip
    assert "not a regular file" in done.stdout, done.stderr


def test_too_many_selectors_are_refused_naming_the_key(tmp_path: Path) -> None:
    selectors = ", ".join(f'"p.c{i}"' for i in range(101))
    with pytest.raises(RuleError, match="more than 100 CSS selectors") as caught:
        load_rule(write(tmp_path, f"[html]\nremove = [{selectors}]\n"))
    assert caught.value.key == "html.remove[100]" and caught.value.file


def test_sibling_scans_are_few(tmp_path: Path) -> None:
    """300 `.cN ~ p` in 4 KB cost minutes on a page of long sibling runs: `~` is refused
    outright, and a rule holds at most two :nth-*() (each quadratic in a run of siblings)."""
    combinators = ", ".join(f'".c{i}~p"' for i in range(300))
    problems = check_rule(write(tmp_path, f"[html]\nremove = [{combinators}]\n")).problems
    assert [p.key for p in problems] == [f"html.remove[{i}]" for i in range(300)]
    selectors = ", ".join(f'"p:nth-child({i})"' for i in range(1, 301))
    problems = check_rule(write(tmp_path, f"[html]\nremove = [{selectors}]\n")).problems
    assert [p.key for p in problems] == [f"html.remove[{i}]" for i in range(2, 300)]
    assert "sibling scans" in str(problems[0])
    ok = '[html]\nremove = ["p:nth-last-of-type(2)", "[class~=\'a\'] p"]\n'
    assert load_rule(write(tmp_path, ok)).remove  # `~=` inside an attribute test is no scan


def test_patterns_are_bounded_in_number_and_placeholders(tmp_path: Path) -> None:
    many = ", ".join(f'"a{i} * b * c * d * e"' for i in range(3000))
    started = time.perf_counter()
    problems = check_rule(write(tmp_path, f"[text]\ndrop_phrases = [{many}]\n")).problems
    assert time.perf_counter() - started < 5
    assert problems[0].key == "text.drop_phrases[25]"  # 26 patterns hold 104 placeholders
    assert "more than 100 placeholders" in str(problems[0])
    plain = ", ".join(f'"phrase {i}"' for i in range(101))
    with pytest.raises(RuleError, match="more than 100 text patterns") as caught:
        load_rule(write(tmp_path, f"[text]\ndrop_phrases = [{plain}]\n"))
    assert caught.value.key == "text.drop_phrases[100]"


@pytest.mark.parametrize("page", ["../../../../etc/passwd", "/etc/passwd", "../../fixtures/x.html"])
def test_fixture_paths_stay_beside_the_rules(tmp_path: Path, page: str) -> None:
    rule = f'[[fixtures]]\npage = "{page}"\nexpected = "../fixtures/x.json"\n'
    with pytest.raises(RuleError, match="fixture path outside") as caught:
        load_rule(write(tmp_path / "repo" / "rules", rule))
    assert caught.value.key == "fixtures[0].page"


def test_fixture_paths_beside_the_rules_load(tmp_path: Path) -> None:
    rule = '[[fixtures]]\npage = "../fixtures/rules/site/a.html"\nexpected = "../e.json"\n'
    loaded = load_rule(write(tmp_path / "repo" / "rules", rule))
    assert loaded.fixtures[0].page.resolve() == tmp_path / "repo/fixtures/rules/site/a.html"
