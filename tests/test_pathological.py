"""Pathological pages: each is generated in a fresh subprocess, run through `extract`
(or the `scrape` command) and must end, within a stated time and peak memory, in an
Article or a clear ScraperError. The bounds are the README's "Limits"; they hold on a
2-core CI runner with room to spare (measured figures in the comments).

Nothing here is committed as a file: every page is built by the child from a recipe.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
P = "<p>The quick brown fox, said the report, jumps over the lazy dog. Again and again.</p>"

# name: (recipe building `page` (str or bytes), expected outcome, seconds, MB of peak RSS)
# Outcome: "article", or the ScraperError class name the page must raise.
CASES: dict[str, tuple[str, str, float, int]] = {
    # 100,000 nested divs: Lexbor's parse alone would take minutes (depth x tags).
    "nested_100k_deep": (
        f"'<html><body>' + '<div>' * 100_000 + {P!r} + '</div>' * 100_000",
        "ExtractionError",
        5.0,
        300,
    ),
    # Deep but under the tag cap: refused by the nesting scan, not the tag count.
    "nested_30k_unclosed": (
        f"'<html><body>' + '<div><span>' * 15_000 + {P!r} * 3",
        "ExtractionError",
        5.0,
        300,
    ),
    # Just under the depth limit: parsed and extracted.
    "nested_1900_deep": (
        f"'<html><body>' + '<div>' * 1_900 + {P!r} * 3 + '</div>' * 1_900",
        "article",
        10.0,
        400,
    ),
    "million_empty_elements": (
        f"'<html><body>' + {P!r} + '<i></i>' * 1_000_000",
        "ExtractionError",
        5.0,
        300,
    ),
    # 20 MiB (the fetch cap) of prose in one paragraph on one line.
    "one_line_20MiB": (
        "'<html><body><p>' + 'word, ' * (20 * 1024 * 1024 // 6) + '</p></body></html>'",
        "article",
        45.0,
        1200,
    ),
    # A 50 MB class attribute: cut to 10,000 characters before the parse.
    "class_attribute_50MB": (
        f"'<html><body><div class=\"' + 'x' * 50_000_000 + '\">' + {P!r} * 3 + '</div>'",
        "article",
        15.0,
        900,
    ),
    # 200,000 attributes on one element: Lexbor's duplicate check is quadratic.
    "attributes_200k": (
        "'<html><body><div ' + ' '.join(f'a{i}=\"v\"' for i in range(200_000)) + '>' + "
        f"{P!r} * 3 + '</div>'",
        "article",
        10.0,
        400,
    ),
    "nul_bytes_in_head": (f"('<html>\\x00' + {P!r}).encode()", "DecodeError", 5.0, 300),
    "nul_bytes_after_sniffing": (
        f"('<html><body>' + {P!r} * 200 + '\\x00' * 1000 + {P!r}.replace('fox', 'f\\x00x'))"
        ".encode()",
        "article",
        10.0,
        300,
    ),
    "truncated_markup": (f"('<html><body><article>' + {P!r} * 5)[:-9]", "article", 10.0, 300),
    "misnested_markup": (
        "'<html><body>' + '<b><i><p>Text, one, two three four five six seven.</b></i></p>' * 2000"
        " + '</table></td></tr>' * 100 + '<table><tr><td><p>x</div></span>'",
        "article",
        10.0,
        300,
    ),
    # UTF-8 with a latin-1 paragraph pasted in: decoded as UTF-8, the stray bytes replaced.
    "mixed_encodings": (
        "('<html><body>' + "
        f"{P!r}.replace('fox', 'föx ✓') * 20 + '</body>').encode() + "
        "'<p>Caf\u00e9 cr\u00e8me, d\u00e9j\u00e0 vu, na\u00efve.</p>'.encode('latin-1')",
        "article",
        10.0,
        300,
    ),
    # A <meta charset> that lies (windows-1252) about a UTF-8 page.
    "lying_meta_charset": (
        "('<html><head><meta charset=\"windows-1252\"></head><body>' + "
        f"{P!r}.replace('fox', 'Fuchs über Straße') * 5).encode()",
        "article",
        10.0,
        300,
    ),
    # 20,000 paragraphs: a long page within the caps, extracted in bounded time.
    "paragraphs_20k": (
        "'<html><body><article>' + ''.join("
        "f'<p>Paragraph {i}, with some words in it. And more.</p>' for i in range(20_000))",
        "article",
        30.0,
        500,
    ),
}

CHILD = textwrap.dedent(
    """
    import json, sys, time
    from scraper import ScraperError, extract
    page = eval(sys.argv[1])
    start = time.perf_counter()
    try:
        article = extract(page)
        outcome, detail = "article", article.text
    except ScraperError as exc:
        outcome, detail = type(exc).__name__, str(exc)
    seconds = time.perf_counter() - start
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and exec, so a child
    # of a large pytest process would report the parent's size as its own.
    with open("/proc/self/status") as status:
        hwm = next(line for line in status if line.startswith("VmHWM:"))
    rss = int(hwm.split()[1]) / 1024
    print(json.dumps({"outcome": outcome, "seconds": seconds, "rss_mb": rss,
                      "has_nul": "\\x00" in detail, "text": detail[:2000]}))
    """
)


def run_child(recipe: str, *, timeout: float) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, recipe],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_page_is_bounded(name: str) -> None:
    recipe, expected, seconds, megabytes = CASES[name]
    # The child is killed at 3x the bound: a hang fails the test instead of the suite.
    result = run_child(recipe, timeout=3 * seconds + 20)
    assert result["outcome"] == expected, result
    assert result["seconds"] <= seconds, result  # type: ignore[operator]
    assert result["rss_mb"] <= megabytes, result  # type: ignore[operator]
    assert not result["has_nul"]
    if expected == "ExtractionError":
        assert "too complex" in str(result["text"])


def test_mixed_and_lying_encodings_read_as_utf8() -> None:
    for name, word in (("mixed_encodings", "föx ✓"), ("lying_meta_charset", "Straße")):
        result = run_child(CASES[name][0], timeout=60)
        assert word in str(result["text"]), (name, result)


@pytest.mark.slow
def test_page_over_the_input_cap_is_refused_quickly(tmp_path: Path) -> None:
    """A 100 MiB + 1 byte page on one line, given to the command: refused by the input
    cap with a clear error, fast, and nothing written."""
    page = tmp_path / "huge.html"
    with page.open("wb") as handle:
        handle.write(b"<html><body><p>")
        handle.write(b"word, " * ((100 * 1024 * 1024) // 6))
        handle.write(b"</p></body></html>")
    assert page.stat().st_size > 100 * 1024 * 1024
    out = tmp_path / "out"
    code = textwrap.dedent(
        f"""
        import resource, subprocess, sys, time
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "cli.py", {str(page)!r},
                               "-o", {str(out)!r}, "-q"], capture_output=True, text=True)
        took = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(done.returncode, round(took, 2), round(rss), done.stderr.strip()[-300:])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    status, took, rss, message = done.stdout.split(" ", 3)
    print(f"input cap: {took} s, {rss} MB")
    assert status == "1", done.stdout + done.stderr
    assert "input limit" in message
    assert float(took) <= 10.0 and int(rss) <= 400, done.stdout
    assert not list(out.glob("**/*.json"))
