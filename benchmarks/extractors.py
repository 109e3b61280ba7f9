"""One adapter per extractor: decoded HTML str + URL in, an Output record out.

Each adapter imports its library lazily, so a library that is not installed (or does not
import) only disables its own column. `load` builds the callables once, outside the timing.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NAMES = ("scrape", "trafilatura", "readability", "newspaper4k", "goose3", "resiliparse")
FIELDS = ("title", "authors", "date", "site_name", "description", "language")


@dataclass(frozen=True, slots=True)
class Output:
    text: str = ""
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    site_name: str | None = None
    description: str | None = None
    language: str | None = None


Extract = Callable[[str, str], Output]


@dataclass(frozen=True, slots=True)
class Extractor:
    name: str
    version: str
    fields: frozenset[str]  # the metadata fields it tries to give
    run: Extract


def as_text(value: Any) -> str | None:
    """A metadata value as a string (dates become ISO 8601), None when empty."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def split_names(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(name.strip() for name in value.split(";") if name.strip())
    return tuple(str(name).strip() for name in value if str(name).strip())


def version_of(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def scrape_version() -> str:
    """The git commit of the checkout the benchmark runs from (+dirty if scraper/ has
    uncommitted changes), so a report says which code it measured; else the installed
    version (an editable install says 0.1.0 whatever the code)."""
    import subprocess
    from pathlib import Path

    git = ["git", "-C", str(Path(__file__).resolve().parents[1])]
    try:
        head = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        )
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "scraper"], capture_output=True, text=True
        )
    except OSError:
        return version_of("scrape")
    commit = head.stdout.strip()
    if head.returncode != 0 or not commit:
        return version_of("scrape")
    return f"{commit}+dirty" if dirty.stdout.strip() else commit


def load_scrape(*, site_rules: bool = True) -> Extractor:
    from scraper import ScraperError, Settings, extract
    from scraper.rules import RuleSet

    settings = Settings() if site_rules else Settings(rules=RuleSet())

    def run(html: str, url: str) -> Output:
        try:
            article = extract(html, url=url, settings=settings)
        except ScraperError:
            return Output()  # no article found: an empty extraction, not a crash
        return Output(
            text=article.text,
            title=article.title,
            authors=article.authors,
            date=article.date,
            site_name=article.site_name,
            description=article.description,
            language=article.language,
        )

    version = scrape_version() + ("" if site_rules else " (--no-rules)")
    return Extractor("scrape", version, frozenset(FIELDS), run)


def load_trafilatura() -> Extractor:
    from trafilatura import bare_extraction

    def run(html: str, url: str) -> Output:
        doc = bare_extraction(
            html, url=url, favor_precision=True, include_comments=False, with_metadata=True
        )
        if doc is None:
            return Output()
        get = doc.get if isinstance(doc, dict) else lambda key: getattr(doc, key, None)
        return Output(
            text=get("text") or "",
            title=as_text(get("title")),
            authors=split_names(get("author")),
            date=as_text(get("date")),
            site_name=as_text(get("sitename")),
            description=as_text(get("description")),
            language=as_text(get("language")),
        )

    return Extractor("trafilatura", version_of("trafilatura"), frozenset(FIELDS), run)


BLOCK_TAGS = (
    "p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "blockquote", "pre", "table", "tr", "td", "th", "br", "figure", "figcaption", "dd", "dt",
)  # fmt: skip


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment with a line break around each block, so words of
    adjacent paragraphs are not glued together (lxml's text_content() alone would)."""
    import lxml.html  # type: ignore[import-untyped,import-not-found,unused-ignore]

    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    for element in root.iter(*BLOCK_TAGS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    lines = (line.strip() for line in str(root.text_content()).splitlines())
    return "\n".join(line for line in lines if line)


def load_readability() -> Extractor:
    from readability import Document  # type: ignore[import-untyped,import-not-found,unused-ignore]

    def run(html: str, url: str) -> Output:
        doc = Document(html, url=url)
        text = html_to_text(doc.summary(html_partial=True))
        return Output(text=text, title=as_text(doc.short_title()))

    return Extractor("readability", version_of("readability-lxml"), frozenset({"title"}), run)


def load_newspaper4k() -> Extractor:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "nltk is not installed": only its NLP features need it
        from newspaper import Article  # type: ignore[import-untyped,import-not-found,unused-ignore]
        from newspaper.configuration import Configuration  # type: ignore[import-untyped,import-not-found,unused-ignore]

    config = Configuration()
    config.fetch_images = False  # else parse() downloads images to rank the top one

    def run(html: str, url: str) -> Output:
        article = Article(url, config=config)
        article.download(input_html=html)
        article.parse()
        return Output(
            text=article.text or "",
            title=as_text(article.title),
            authors=split_names(article.authors),
            date=as_text(article.publish_date),
            site_name=as_text(article.meta_site_name),
            description=as_text(article.meta_description),
            language=as_text(article.meta_lang),
        )

    return Extractor("newspaper4k", version_of("newspaper4k"), frozenset(FIELDS), run)


def load_goose3() -> Extractor:
    from goose3 import Goose  # type: ignore[import-untyped,import-not-found,unused-ignore]

    goose = Goose({"enable_image_fetching": False})

    def run(html: str, url: str) -> Output:
        article = goose.extract(raw_html=html)
        return Output(
            text=article.cleaned_text or "",
            title=as_text(article.title),
            authors=split_names(article.authors),
            date=as_text(article.publish_date),
            description=as_text(article.meta_description),
            language=as_text(article.meta_lang),
        )

    fields = frozenset({"title", "authors", "date", "description", "language"})
    return Extractor("goose3", version_of("goose3"), fields, run)


def load_resiliparse() -> Extractor:
    from resiliparse.extract.html2text import extract_plain_text

    def run(html: str, url: str) -> Output:
        return Output(text=extract_plain_text(html, main_content=True))

    return Extractor("resiliparse", version_of("resiliparse"), frozenset(), run)


LOADERS: dict[str, Callable[[], Extractor]] = {
    "scrape": load_scrape,
    "trafilatura": load_trafilatura,
    "readability": load_readability,
    "newspaper4k": load_newspaper4k,
    "goose3": load_goose3,
    "resiliparse": load_resiliparse,
}

WARM_UP_PAGE = (
    "<html lang='en'><head><title>Warm up</title></head><body><article>"
    "<h1>Warm up</h1><p>This paragraph only pays for lazy imports and caches before "
    "timing starts, so that the first page of the corpus is not charged for them.</p>"
    "</article></body></html>"
)


def load(name: str, *, site_rules: bool = True) -> Extractor:
    """Import and build one extractor, then run it once on a tiny page (not timed).
    Raises ImportError (or whatever the library raises) when it cannot be used.
    `site_rules=False` runs scrape's generic extractor only (its --no-rules)."""
    extractor = load_scrape(site_rules=site_rules) if name == "scrape" else LOADERS[name]()
    try:
        extractor.run(WARM_UP_PAGE, "https://example.com/warm-up.html")
    except NotImplementedError:
        pass  # scrape's stubs: every page will count as an error, which is the point
    except Exception:  # a failure on this page is tallied per page later
        pass
    return extractor
