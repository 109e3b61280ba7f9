"""`pipeline` chains the stages; `extract`, `clean_text` and `scrape` are the
library's entry points built on it.

source -> fetch -> parse -> rules -> extract -> clean -> metadata -> output
"""

from __future__ import annotations

from typing import BinaryIO

import httpx

from scraper import clean, fetch, metadata, parse, rules, sources
from scraper import extract as extract_stage
from scraper.budget import UNLIMITED, Budget
from scraper.errors import ExtractionError
from scraper.model import Article, Body, Document, Metadata, RawPage, Source
from scraper.rules import Rule
from scraper.settings import Settings


def pipeline(
    src: Source,
    *,
    settings: Settings,
    stdin: BinaryIO | None = None,
    client: httpx.Client | None = None,
) -> Article:
    """Read or fetch one source and turn it into an Article. Raises ScraperError.
    `client` is an httpx.Client to reuse across calls (fetch.new_client())."""
    raw = (
        fetch.fetch(src.location, settings=settings.fetch, client=client)
        if src.kind == "url"
        else (sources.read_local(src, settings=settings, stdin=stdin))
    )
    return process(raw, source_name=src.location, url=raw.url or src.url, settings=settings)


def process(
    raw: RawPage, *, source_name: str | None, url: str | None, settings: Settings
) -> Article:
    """The offline half of the pipeline: bytes in, Article out, with the site
    rule that matches the page (by URL, declared address or text signature), within
    `settings.time_limit` (PageTooSlowError) and yielding no more text than the page
    holds (TextTooLargeError)."""
    budget = Budget.start(settings.time_limit, size=len(raw.content), source=source_name)
    ruleset = rules.shipped_rules() if settings.rules is None else settings.rules
    if raw.kind == "text":
        text = parse.decode(raw, source_name=source_name)
        rule = ruleset.for_url(url) or ruleset.for_text(text)
        return from_text(text, rule=rule, source_name=source_name, url=url, budget=budget)
    doc = parse.parse(raw, url=url, source_name=source_name)
    budget.check()
    rule = rules.rule_for_page(ruleset, url=url, tree=doc.tree)
    return from_html(doc, rule=rule, source_name=source_name, url=url, budget=budget)


def from_text(
    text: str,
    *,
    rule: Rule | None,
    source_name: str | None,
    url: str | None,
    budget: Budget = UNLIMITED,
) -> Article:
    """A decoded text dump, cleaned with the given rule (or none), within the budget
    (default: none)."""
    body = clean.clean_body(extract_stage.dump_body(text, rule=rule, budget=budget), budget=budget)
    meta = extract_stage.dump_metadata(text, body=body, rule=rule)
    return assemble(body, meta, url=url, source_name=source_name, rule=rule, budget=budget)


def from_html(
    doc: Document,
    *,
    rule: Rule | None,
    source_name: str | None,
    url: str | None,
    budget: Budget = UNLIMITED,
) -> Article:
    """A parsed page: extract -> (the rule's text directives) -> clean; metadata; within
    the budget (default: none)."""
    if rule is None:
        found = extract_stage.extract_body(doc, budget=budget)
    else:
        found = extract_stage.extract_body(doc, remove=rule.remove, body=rule.body, budget=budget)
        found = rules.apply_text_rule(rule, found, budget=budget)
    body = clean.clean_body(found, budget=budget)
    meta = metadata.extract_metadata(
        doc, selectors=rule.metadata_selectors if rule else None, body=body
    )
    return assemble(body, meta, url=url, source_name=source_name, rule=rule, budget=budget)


def assemble(
    body: Body,
    meta: Metadata,
    *,
    url: str | None,
    source_name: str | None,
    rule: Rule | None,
    budget: Budget = UNLIMITED,
) -> Article:
    """Join body and metadata into the Article record. Raises ExtractionError
    when no article text is left, and, past the budget (default: none), PageTooSlowError
    or TextTooLargeError."""
    if not body.blocks:
        raise ExtractionError("no article text found", source=source_name)
    budget.check()
    budget.check_size(sum(len(block.text) for block in body.blocks))
    return Article(
        url=url,
        canonical_url=meta.canonical_url,
        title=meta.title,
        authors=meta.authors,
        date=meta.date,
        date_modified=meta.date_modified,
        site_name=meta.site_name,
        description=meta.description,
        language=meta.language,
        tags=meta.tags,
        image=meta.image,
        text=body.text,
        rule=rule.name if rule else None,
        source=source_name,
        blocks=body.blocks,
    )


def extract(
    html: str | bytes, *, url: str | None = None, settings: Settings | None = None
) -> Article:
    """Extract the article from an HTML page (bytes are decoded by their declared charset)."""
    content = parse.encode_text(html) if isinstance(html, str) else html
    charset = "utf-8" if isinstance(html, str) else None
    raw = RawPage(content=content, kind="html", url=url, charset=charset)
    return process(raw, source_name=url, url=url, settings=settings or Settings())


def clean_text(text: str, *, url: str | None = None, settings: Settings | None = None) -> Article:
    """Clean a plain-text dump of a page."""
    raw = RawPage(content=parse.encode_text(text), kind="text", url=url, charset="utf-8")
    return process(raw, source_name=url, url=url, settings=settings or Settings())


def scrape(url: str, *, settings: Settings | None = None) -> Article:
    """Fetch a URL and extract its article."""
    return pipeline(
        Source(kind="url", location=url, name=url, url=url), settings=settings or Settings()
    )
