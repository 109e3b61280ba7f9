"""The markup bounds of the parse stage (scraper.parse.bound_markup): they refuse or cut
only what is far beyond real pages, and leave real pages byte for byte alone."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from scraper import parse
from scraper.errors import ExtractionError
from scraper.model import RawPage
from scraper.parse import MAX_ATTRIBUTES, MAX_DEPTH, MAX_NAME_CHARS, bound_markup, nesting_depth

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(ROOT.glob("fixtures/**/*.html.gz"))  # each folder carries its licence


def test_real_pages_are_left_untouched() -> None:
    assert len(PAGES) > 50
    for path in PAGES:
        html = parse.decode(RawPage(gzip.decompress(path.read_bytes()), "html"), source_name="x")
        assert bound_markup(html, source_name=str(path)) is html, path


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<div><div><p>x<p>y</div></div>", 2),  # <p> closes itself
        ("<ul>" + "<li>x" * 5000 + "</ul>", 1),  # so does <li>
        ("<svg>" + '<path d="M0 0"/>' * 5000 + "</svg>", 1),  # "/>" closes inside svg
        ("<script>" + "<div>" * 5000 + "</script><b>", 1),  # script text is not markup
        ("<!--" + "<div>" * 5000 + "--><i>", 1),  # nor is a comment
        ("<div>" * 5 + "</div>" * 9 + "<a>", 5),  # stray end tags do not go below zero
        ("<path/>" * 3000, 3000),  # outside svg, "/>" closes nothing
        ("<script>" + "<div>" * 5000, 0),  # an unclosed script: the rest is its text
    ],
)
def test_nesting_depth_counts_what_the_parser_keeps_open(html: str, depth: int) -> None:
    assert nesting_depth(html, stop=10_000) == depth


def test_depth_over_the_limit_is_refused_with_its_figure() -> None:
    html = "<body>" + "<section>" * (MAX_DEPTH + 1) + "<p>x</p>" * 20_000
    with pytest.raises(ExtractionError, match=f"over {MAX_DEPTH:,} levels deep"):
        bound_markup(html, source_name="deep.html")


def test_long_names_and_attribute_floods_are_cut_and_the_rest_kept() -> None:
    attributes = " ".join(f"a{i}='v>{i}'" for i in range(MAX_ATTRIBUTES + 500))  # ">" quoted
    html = (
        f'<html><body><div id="{"i" * (MAX_NAME_CHARS + 5)}" {attributes}><p>Kept text.</p>'
        f"<span class='{'c' * 20_000}'>more</span></div></body></html>"
    )
    bounded = bound_markup(html, source_name="x")
    tree = parse.LexborHTMLParser(bounded)
    div = tree.css_first("div")
    assert div is not None and len(div.attributes) == MAX_ATTRIBUTES
    assert div.attributes["id"] == "i" * MAX_NAME_CHARS
    span = tree.css_first("span")
    assert span is not None and span.attributes["class"] == "c" * MAX_NAME_CHARS
    assert tree.body is not None and tree.body.text() == "Kept text.more"
