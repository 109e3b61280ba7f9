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
        ("https://example.com/news/2024/story", "example.com_news_2024_story"),
        ("https://example.com/news/2024/story.html", "example.com_news_2024_story.html"),
        ("https://example.com/news/story/", "example.com_news_story_"),
        ("https://example.com/", "example.com_"),
        ("sub/dir/page.html", "sub/dir/page"),
        ("sub/dir/page.html.gz", "sub/dir/page.html.gz"),
        ("page.txt", "page.txt"),
        ("page.htm", "page.htm"),
        # lossy: the readable part, then a digest of the whole name
        ("http://example.com/news/story", "example.com_news_story-f0c91f1318"),
        ("https://example.com/News", "example.com_News-82d37a465d"),
        ("page", "page-767013ce0e"),
        ("../../etc/passwd", "etc/passwd-936d7c04cd"),
        ("/abs/path.html", "abs/path-bf46cf182b"),
        ("CON.html", "_CON-02a687dc3c"),
        ("", "page-da39a3ee5e"),
        ("..", "page-9d891e731f"),
    ],
)
def test_output_name(name: str, expected: str) -> None:
    assert output_name(name) == expected


def test_query_strings_give_distinct_stable_names() -> None:
    first = output_name("https://example.com/view?id=1")
    assert first == output_name("https://example.com/view?id=1")
    assert first != output_name("https://example.com/view?id=2")


COLLIDING = [
    "story.html", "story.htm", "story.txt", "story", "story.htm.html", "Story.html",
    "STORY.HTML", "story.html.gz", "story.HTML", "story-.html", "story_.html", "sub/story.html",
    "sub//story.html", "sub\\story.html", "./story.html", "story-e3dd3a4fe6.html",
    "https://h.com/a/b", "http://h.com/a/b", "https://h.com/a/b/", "https://h.com/a_b",
    "https://h.com/a/b?x=1", "https://h.com/a/b?x=2", "https://h.com/a/b?", "https://h.com/a/b#c",
    "https://H.com/a/b", "https://h.com/A/b", "https://h.com:443/a/b", "https://u@h.com/a/b",
    "https://h.com/a/b.html", "https://h.com/a/b%20", "https://h.com/a/b ", "https://h.com//a/b",
    "https://h.com", "https://h.com/", "https://h.com/a/b-e3dd3a4fe6",
]  # fmt: skip


def test_distinct_sources_get_distinct_names_in_any_order() -> None:
    """Names are a function of the source's name alone (so any order, and any rerun,
    gives the same), one-to-one even where the slug drops what tells them apart, and
    distinct even on a file system that ignores case."""
    names = [output_name(name) for name in COLLIDING]
    assert len({name.casefold() for name in names}) == len(COLLIDING)
    assert [output_name(name) for name in reversed(COLLIDING)] == names[::-1]


ALPHABET = "aA_/.-:?#%\\ \u00e9"
NEAR_NAMES = st.one_of(
    st.text(alphabet=ALPHABET, max_size=12),
    st.builds(
        lambda scheme, host, path: f"{scheme}://{host}{path}",
        st.sampled_from(["http", "https", "HTTPS"]),
        st.text(alphabet="aA.:_@", max_size=5),
        st.text(alphabet=ALPHABET, max_size=10),
    ),
    st.builds(
        lambda stem, suffix: stem + suffix,
        st.text(alphabet="ab/_.", max_size=8),
        st.sampled_from([".html", ".htm", ".txt", ".html.gz", "", ".HTML", "-0123456789"]),
    ),
)


@given(NEAR_NAMES, NEAR_NAMES)
def test_output_name_is_one_to_one(first: str, second: str) -> None:
    if first != second:
        assert output_name(first).casefold() != output_name(second).casefold()


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
