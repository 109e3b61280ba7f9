"""Output naming, rendering and atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.errors import OutputError
from scraper.model import Article, Block
from scraper.output import (
    is_done,
    output_name,
    outputs_for,
    render_markdown,
    write_article,
    write_atomic,
)

ARTICLE = Article(
    url="https://example.com/a",
    title="A title",
    authors=("Jane Doe",),
    text="First.\n\nSecond.",
    blocks=(
        Block(kind="paragraph", text="First."),
        Block(kind="heading", text="Sub", level=2),
        Block(kind="list_item", text="item", level=1),
        Block(kind="quote", text="said"),
    ),
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("https://example.com/news/2024/story.html", "example.com_news_2024_story"),
        ("https://example.com/", "example.com"),
        ("sub/dir/page.html.gz", "sub/dir/page"),
        ("page.txt", "page"),
        ("../../etc/passwd", "etc/passwd"),
        ("/abs/path.html", "abs/path"),
        ("CON.html", "_CON"),
        ("", "page"),
        ("..", "page"),
    ],
)
def test_output_name(name: str, expected: str) -> None:
    assert output_name(name) == expected


def test_query_strings_give_distinct_stable_names() -> None:
    first = output_name("https://example.com/view?id=1")
    assert first == output_name("https://example.com/view?id=1")
    assert first != output_name("https://example.com/view?id=2")


def test_long_names_are_capped_and_stay_distinct() -> None:
    a, b = output_name("x" * 10_000 + "a"), output_name("x" * 10_000 + "b")
    assert a != b
    assert len(a) <= 80


@given(st.text())
def test_output_name_never_escapes(name: str) -> None:
    result = output_name(name)
    assert result
    parts = result.split("/")
    assert all(p and p not in (".", "..") and not p.startswith(".") for p in parts)
    assert "\x00" not in result and "\\" not in result and not result.startswith("/")


def test_markdown_has_title_and_structure() -> None:
    md = render_markdown(ARTICLE)
    assert md.startswith("# A title\n\nFirst.")
    assert "## Sub" in md and "- item" in md and "> said" in md


def test_write_atomic_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_atomic(target, "one", force=False)
    with pytest.raises(OutputError, match="exists"):
        write_atomic(target, "two", force=False)
    assert target.read_text() == "one"
    write_atomic(target, "two", force=True)
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]  # no temp files left


def test_write_article_writes_text_then_json(tmp_path: Path) -> None:
    paths = write_article(tmp_path, ARTICLE, name="example.com_a", fmt="text", force=False)
    assert [p.name for p in paths] == ["example.com_a.txt", "example.com_a.json"]
    assert paths[0].read_text() == "First.\n\nSecond.\n"
    record = json.loads(paths[1].read_text())
    assert record["authors"] == ["Jane Doe"] and record["title"] == "A title"
    assert outputs_for(tmp_path, "example.com_a", fmt="json") == [paths[1]]


def test_done_means_every_file_of_the_format(tmp_path: Path) -> None:
    write_article(tmp_path, ARTICLE, name="a", fmt="json", force=False)
    assert is_done(tmp_path, "a", fmt="json") and is_done(tmp_path, "a", fmt="jsonl")
    assert not is_done(tmp_path, "a", fmt="markdown") and not is_done(tmp_path, "a", fmt="text")
    paths = write_article(tmp_path, ARTICLE, name="a", fmt="markdown", force=False)
    assert [p.name for p in paths] == ["a.md", "a.json"] and is_done(tmp_path, "a", fmt="markdown")


def test_an_earlier_json_that_differs_is_kept(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{}\n")
    with pytest.raises(OutputError, match="different extraction") as caught:
        write_article(tmp_path, ARTICLE, name="a", fmt="text", force=False)
    assert str(tmp_path / "a.json") in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    write_article(tmp_path, ARTICLE, name="a", fmt="text", force=True)
    assert json.loads((tmp_path / "a.json").read_text())["title"] == "A title"
