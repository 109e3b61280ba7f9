"""Text dumps: the generic pass, and the seed cleaned exactly with the shipped rules."""

from __future__ import annotations

import json
from pathlib import Path

from scraper.extract import dump_body, dump_metadata
from scraper.pipeline import from_text
from scraper.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures/seed/000_a9e1ee360a756296.txt"

DUMP = """My Headline
By Jane Doe and John Roe
26 minutes ago
Share
First paragraph of the story.
By then, it was too late.
Published Jun 09, 2025 and more text.
Author: Jane Doe
Jane Doe writes about things.
Related Articles
Other story
"""


def test_generic_dump_keeps_body_lines_and_drops_cruft() -> None:
    body = dump_body(DUMP)
    assert [b.text for b in body.blocks] == [
        "First paragraph of the story.",
        "By then, it was too late.",
        "Published Jun 09, 2025 and more text.",
    ]


def test_generic_metadata_title_authors_date() -> None:
    meta = dump_metadata(DUMP, body=dump_body(DUMP))
    assert meta.title == "My Headline"
    assert meta.authors == ("Jane Doe", "John Roe")
    assert meta.date == "2025-06-09"


def test_teaser_dates_after_the_end_marker_are_not_the_articles() -> None:
    text = "Title\nBody line.\nRelated Articles\nPublished Jun 09, 2025 • 1 minute read"
    assert dump_metadata(text, body=dump_body(text)).date is None


def test_seed_cleans_exactly_with_the_shipped_rules() -> None:
    text = SEED.read_text(encoding="utf-8")
    rule = load_rules().for_text(text)
    result = from_text(text, rule=rule, source_name=None, url=None)
    lines = text.split("\n")
    first = lines.index(next(x for x in lines if x.startswith("Hudson Institute's Japan Chair")))
    assert result.rule == "daily8"
    assert result.title == "Start by Expanding Beyond Trade"
    assert result.authors == ("Mark Siegel",)
    paragraphs = [b.text for b in result.blocks]
    assert paragraphs[0].startswith("Hudson Institute's Japan Chair challenges")
    assert paragraphs[-1].endswith("that Japan and America can both describe as wins.")
    assert len(paragraphs) == lines.index("Author: Mark Siegel") - first  # one per line
    for paragraph, line in zip(paragraphs, lines[first:], strict=False):
        assert line.startswith(paragraph)  # only trailing cruft was cut from a line
    joined = result.text
    for cruft in (
        "photo via",
        "A Good First Step",
        "adjunct fellow",
        "Hashtags",
        "Daily8",
        "Province",
    ):
        assert cruft not in joined
    expected = json.loads((ROOT / "fixtures/rules/daily8/seed.expected.json").read_text("utf-8"))
    assert joined == expected["text"]


def test_without_a_rule_the_glued_caption_survives() -> None:
    """The generic pass alone cannot know a caption: that is the rule's job."""
    text = SEED.read_text(encoding="utf-8")
    assert "photo via" in from_text(text, rule=None, source_name=None, url=None).text
