"""Hostile output directories: a symbolic link planted in -o DIR, --save-html DIR or
--cache DIR (at the temporary name, at the output's name, at a folder on the way) is
refused with an OutputError naming it, and what it points to is never written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from scraper import fetch
from scraper.errors import OutputError
from scraper.model import Fetched

ROOT = Path(__file__).parents[1]
ARTICLE = ROOT / "fixtures" / "pages" / "article.html"
URL = "https://example.com/news/story"
FETCHED = Fetched(url=URL, content=b"<p>the page</p>", mime="text/html", charset=None, headers=())
PRECIOUS = b"precious, outside every output directory\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    target = tmp_path / "outside" / "precious.txt"
    target.parent.mkdir()
    target.write_bytes(PRECIOUS)
    return target


def plant(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def scrape_to(tmp_path: Path, *args: str) -> tuple[int, str]:
    source = tmp_path / "in" / "story.html"
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(ARTICLE.read_bytes())
    result = CliRunner().invoke(app, [str(source), "-o", str(tmp_path / "out"), *args])
    return result.exit_code, result.stderr


OUTPUT_NAMES = [".story.json.part", "story.json", ".story.md.part", "story.md"]
SAVED_NAMES = [".story.html.part", "story.html", ".story.html.meta.json.part"]


@pytest.mark.parametrize("planted", OUTPUT_NAMES)
@pytest.mark.parametrize("force", [False, True])
def test_a_link_in_the_output_directory_is_never_written_through(
    tmp_path: Path, outside: Path, planted: str, force: bool
) -> None:
    link = tmp_path / "out" / planted
    plant(link, outside)
    code, err = scrape_to(tmp_path, "-f", "markdown", *(["--force"] if force else []))
    assert code == 1 and str(link) in err, err
    assert outside.read_bytes() == PRECIOUS
    assert link.is_symlink() and link.resolve() == outside
    written = {p.name for p in (tmp_path / "out").iterdir() if not p.is_symlink()}
    assert "story.json" not in written  # the source is not finished


def test_a_dangling_link_at_the_temporary_name_is_not_created_through(tmp_path: Path) -> None:
    target = tmp_path / "outside" / "created.txt"
    link = tmp_path / "out" / ".story.json.part"
    plant(link, target)
    code, err = scrape_to(tmp_path, "-f", "json")
    assert code == 1 and str(link) in err, err
    assert not target.exists() and not target.parent.exists()


def test_a_link_to_a_finished_output_is_not_done(tmp_path: Path, outside: Path) -> None:
    """A link at the .json's name never counts as a finished source."""
    plant(tmp_path / "out" / "story.json", outside)
    code, err = scrape_to(tmp_path, "-f", "json")
    assert code == 1 and "symbolic link" in err and "already done" not in err


def test_a_stale_temporary_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".story.json.part").write_text("{")  # a killed run's
    code, err = scrape_to(tmp_path, "-f", "json")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["story.json"]


@pytest.mark.parametrize("planted", SAVED_NAMES)
def test_save_html_never_writes_through_a_link(tmp_path: Path, outside: Path, planted: str) -> None:
    folder = tmp_path / "saved"
    plant(folder / planted, outside)
    with pytest.raises(OutputError, match="symbolic link") as caught:
        fetch.save_page(folder, "story", requested=URL, fetched=FETCHED)
    assert caught.value.file is not None and caught.value.file.startswith(str(folder))
    assert outside.read_bytes() == PRECIOUS
    assert (folder / planted).is_symlink()


def test_the_cache_never_writes_through_a_link(tmp_path: Path, outside: Path) -> None:
    cache = tmp_path / "cache"
    name = fetch.cache_name(URL)  # "ab/abcdef..."
    for planted in (f".{Path(name).name}.html.part", f"{Path(name).name}.html"):
        plant(cache / Path(name).parent / planted, outside)
        with pytest.raises(OutputError, match="symbolic link"):
            fetch.store_cached(cache, URL, FETCHED)
        (cache / Path(name).parent / planted).unlink()
    assert outside.read_bytes() == PRECIOUS


def test_the_cache_never_enters_a_linked_folder(tmp_path: Path) -> None:
    cache, elsewhere = tmp_path / "cache", tmp_path / "elsewhere"
    elsewhere.mkdir()
    plant(cache / fetch.cache_name(URL).split("/")[0], elsewhere)
    with pytest.raises(OutputError, match="symbolic link"):
        fetch.store_cached(cache, URL, FETCHED)
    assert list(elsewhere.iterdir()) == []
    store = fetch.store_cached(tmp_path / "fresh", URL, FETCHED)  # a clean cache works
    assert store.read_bytes() == FETCHED.content
