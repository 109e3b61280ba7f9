"""The metadata stage: JSON-LD, OpenGraph, meta tags, visible bylines; dates and names."""

from __future__ import annotations

import gzip
import json
from datetime import date
from datetime import time as dt_time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from scraper.metadata import (
    FieldSelector,
    byline_names,
    clean_authors,
    earliest_date,
    extract_metadata,
    parse_date,
    parse_field_selector,
)
from scraper.model import Block, Body, Document, Metadata

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "metadata"


def meta_of(html: str, url: str | None = "https://news.example.com/a/story") -> Metadata:
    return extract_metadata(Document(tree=LexborHTMLParser(html), html=html, url=url))


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    return f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# --- JSON-LD -------------------------------------------------------------------------------

ARTICLE = {
    "@type": "NewsArticle",
    "headline": "Rivers rise after storm",
    "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}],
    "datePublished": "2024-08-28T14:03:00Z",
    "dateModified": "2024-08-29T09:00:00Z",
    "publisher": {"@type": "Organization", "name": "Example News"},
    "keywords": "floods, weather, Floods",
    "image": {"@type": "ImageObject", "url": "/img/river.jpg"},
    "inLanguage": "de-DE",
}


def test_jsonld_article_fields() -> None:
    meta = meta_of(page(ld({"@context": "https://schema.org", **ARTICLE}), lang=""))
    assert meta.title == "Rivers rise after storm"
    assert meta.authors == ("Jane Doe", "John Roe")
    assert meta.date == "2024-08-28T14:03:00+00:00"
    assert meta.date_modified == "2024-08-29T09:00:00+00:00"
    assert meta.site_name == "Example News"
    assert meta.tags == ("floods", "weather")
    assert meta.image == "https://news.example.com/img/river.jpg"
    assert meta.language == "de"


def test_jsonld_graph_and_references() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "#site", "name": "Example News"},
            {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
            {**ARTICLE, "author": {"@id": "#jane"}},
        ],
    }
    meta = meta_of(page(ld(graph)))
    assert meta.authors == ("Jane Doe",)
    assert meta.date == "2024-08-28T14:03:00+00:00"


def test_jsonld_top_level_list_prefers_the_article() -> None:
    listing = {"@type": "WebPage", "name": "Front page"}
    meta = meta_of(page(ld([listing, ARTICLE])))
    assert meta.title == "Rivers rise after storm"


@pytest.mark.parametrize(
    "broken",
    [
        '{"@type": "NewsArticle", "headline": "Broken but fine", "author": "Jane Doe",}',
        '<!-- {"@type": "NewsArticle", "headline": "Broken but fine", "author": "Jane Doe"} -->',
        '{"@type": "NewsArticle", "headline": "Broken but fine",\n "author": "Jane\tDoe"}',
        '{"@type": "NewsArticle", "headline": "Broken but fine", "author": "Jane Doe"} junk',
    ],
)
def test_broken_jsonld_is_repaired(broken: str) -> None:
    meta = meta_of(page(f'<script type="application/ld+json">{broken}</script>'))
    assert meta.title == "Broken but fine"
    assert meta.authors == ("Jane Doe",)


def test_unreadable_jsonld_does_not_raise() -> None:
    html = page('<script type="application/ld+json">{nope</script><title>Plain</title>')
    assert meta_of(html).title == "Plain"


def test_site_organisation_is_the_author_only_when_no_person_is_named() -> None:
    article = {**ARTICLE, "author": {"@type": "Organization", "name": "Example News"}}
    assert meta_of(page(ld(article))).authors == ("Example News",)
    byline = '<article><h1>Rivers rise</h1><p class="byline">By Jane Doe</p></article>'
    assert meta_of(page(ld(article), byline)).authors == ("Jane Doe",)


def test_bylines_in_comment_threads_and_forms_are_not_authors() -> None:
    body = (
        '<article class="post category-kommentar"><h1>T</h1>'
        '<a rel="author" href="/u/ann">Ann Smith</a></article>'
        '<ol class="comment-list"><li><span class="comment-author">Bob Jones</span></li></ol>'
        '<form><p class="comment-form-author">Name *</p></form>'
    )
    assert meta_of(page("", body)).authors == ("Ann Smith",)
    assert meta_of(page("", body.replace('rel="author"', 'rel="x"'))).authors == ()


# --- OpenGraph and meta tags ---------------------------------------------------------------


OG_HEAD = """
<meta property="og:title" content="Heat wave: what to expect">
<meta property="og:site_name" content="Daily Planet">
<meta property="og:description" content="  Temperatures   climb &amp;amp; stay high. ">
<meta property="og:image" content="//cdn.example.com/heat.jpg">
<meta property="og:url" content="/news/heat">
<meta property="article:published_time" content="2023-07-01T08:00:00+02:00">
<meta property="article:modified_time" content="2023-07-02T08:00:00+02:00">
<meta property="article:author" content="https://www.facebook.com/someone">
<meta name="author" content="By Clark Kent | Staff Writer">
<meta property="article:tag" content="Weather"><meta property="article:tag" content="Heat">
<meta property="og:locale" content="fr_FR">
"""


def test_opengraph_only_page() -> None:
    meta = meta_of(page(OG_HEAD, lang=""), url="https://www.dailyplanet.com/x")
    assert meta.title == "Heat wave: what to expect"
    assert meta.site_name == "Daily Planet"
    assert meta.description == "Temperatures climb & stay high."
    assert meta.image == "https://cdn.example.com/heat.jpg"
    assert meta.canonical_url == "https://www.dailyplanet.com/news/heat"
    assert meta.date == "2023-07-01T08:00:00+02:00"
    assert meta.date_modified == "2023-07-02T08:00:00+02:00"
    assert meta.authors == ("Clark Kent",)
    assert meta.tags == ("Weather", "Heat")
    assert meta.language == "fr"


def test_canonical_link_wins_over_og_url() -> None:
    head = OG_HEAD + '<link rel="canonical" href="https://www.dailyplanet.com/canonical">'
    assert meta_of(page(head)).canonical_url == "https://www.dailyplanet.com/canonical"


def test_visible_byline_and_time_element() -> None:
    body = (
        '<article><header><h1>Headline</h1><p class="byline">Von Max Mustermann und '
        'Erika Musterfrau</p><time datetime="2022-03-04">4. März</time></header></article>'
    )
    meta = meta_of(page("<title>Headline</title>", body, lang="de-AT"))
    assert meta.authors == ("Max Mustermann", "Erika Musterfrau")
    assert meta.date == "2022-03-04"
    assert meta.language == "de"


def test_nothing_known_gives_empty_metadata() -> None:
    assert meta_of("<html><body><p>x</p></body></html>", url=None) == Metadata()


# --- titles --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "site", "h1", "expected"),
    [
        ("Storm hits coast | Daily Planet", "Daily Planet", None, "Storm hits coast"),
        ("Storm hits coast - Daily Planet", "Daily Planet", None, "Storm hits coast"),
        ("Storm hits coast \u2013 dailyplanet.com", None, None, "Storm hits coast"),
        ("Daily Planet: Storm hits coast", "Daily Planet", None, "Storm hits coast"),
        ("Storm hits coast :: News :: Site", None, "Storm hits coast", "Storm hits coast"),
        ("Brexit - what happens next", "Daily Planet", None, "Brexit - what happens next"),
        ("Daily Planet", "Daily Planet", "Storm hits coast", "Storm hits coast"),
        (
            "Storm 'hits' coast - Daily Planet",
            None,
            "Storm \u2018hits\u2019 coast",
            "Storm \u2018hits\u2019 coast",
        ),
        ("Kicker: Storm hits", None, "<span>Kicker</span>: Storm hits", "Kicker: Storm hits"),
    ],
)
def test_title_site_decoration_removed(
    title: str, site: str | None, h1: str | None, expected: str
) -> None:
    head = f"<title>{title}</title>" + (
        f'<meta property="og:site_name" content="{site}">' if site else ""
    )
    body = f"<h1>{h1}</h1>" if h1 else ""
    meta = meta_of(page(head, body), url="https://www.dailyplanet.com/story")
    assert meta.title == expected


@pytest.mark.parametrize(
    ("title", "h1s", "expected"),
    [
        ("Why rivers rise | Planet Blog", ["Planet Blog"], "Why rivers rise"),
        (
            "Daily Planet \u00bb Blog Archive \u00bb Why rivers rise",
            ["Daily Planet"],
            "Why rivers rise",
        ),
        ("Why rivers rise | Planet Blog", ["Planet Blog", "Why rivers rise"], "Why rivers rise"),
        ("Floods | Rivers rise and fall again", ["Floods"], "Floods"),
    ],
)
def test_logo_headings_are_not_the_title(title: str, h1s: list[str], expected: str) -> None:
    body = "".join(f"<h1>{h1}</h1>" for h1 in h1s)
    meta = meta_of(page(f"<title>{title}</title>", body), url="https://www.dailyplanet.com/a")
    assert meta.title == expected


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        # No <h1>: the <h2> that is one part of the title is the post's part.
        ("Why rivers rise | Wetland Society (WS)", "<h2>Why rivers rise</h2>", "Why rivers rise"),
        # An empty <h1>, the post's <h2> among others.
        (
            "Wetland Society - News » Why rivers rise",
            "<h1></h1><h2>News</h2><h2>Why rivers rise</h2>",
            "Why rivers rise",
        ),
        # The longest matching heading wins over a section's name.
        (
            "Wetland Society - Reports - Why rivers rise",
            "<h2>Reports</h2><h2>Why rivers rise</h2>",
            "Why rivers rise",
        ),
        # An <h2> naming the blog (the title's short last part) is not the post.
        (
            "Why rivers rise | Wetland Blog",
            "<h2>Wetland Blog</h2>",
            "Why rivers rise | Wetland Blog",
        ),
        # An <h1> that is the title's words is kept; <h2>s are not consulted.
        (
            "Rivers: why they rise",
            "<h1>Rivers: why they rise</h1><h2>Why</h2>",
            "Rivers: why they rise",
        ),
    ],
)
def test_heading_tells_the_post_part_of_the_title(title: str, body: str, expected: str) -> None:
    meta = meta_of(page(f"<title>{title}</title>", body), url="https://example.org/a")
    assert meta.title == expected


# --- authors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
        ("Von Max Mustermann und Erika Musterfrau", ("Max Mustermann", "Erika Musterfrau")),
        ("Par Jean Dupont et Marie Curie", ("Jean Dupont", "Marie Curie")),
        ("Por Ana García y Luis Pérez", ("Ana García", "Luis Pérez")),
        ("Door Jan de Vries", ("Jan de Vries",)),
        ("di Mario Rossi", ("Mario Rossi",)),
        ("Di Maio", ("Di Maio",)),
        ("Jane Doe - Reporter", ("Jane Doe",)),
        ("Jane Doe | Staff Writer", ("Jane Doe",)),
        ("Jane Doe, Senior Editor", ("Jane Doe",)),
        ("Jane Doe jane@example.com", ("Jane Doe",)),
        ("Jane Doe @janedoe", ("Jane Doe",)),
        ("By Jane Doe\n March 11, 2015 3:46 PM", ("Jane Doe",)),
        ("Jane Doe Updated 12.03.2021", ("Jane Doe",)),
        ("Felix Schröder; Jörg Soldwisch; dpa", ("Felix Schröder", "Jörg Soldwisch", "dpa")),
        ("https://www.facebook.com/janedoe", ()),
        ("Staff Writer", ()),
        ("Interview: Julia Lauter", ("Julia Lauter",)),
        ("Quelle: dpa", ("dpa",)),
        ("Beitrag von r23 \u00bb", ("r23",)),
        ("Eingestellt von der Michel", ("der Michel",)),
        ("Johanna Kropfitsch Alle Artikel", ("Johanna Kropfitsch",)),
        ("Sara Zinnecker Stand: 01.02.2022", ("Sara Zinnecker",)),
        ("Tomas Spahn Fr, 12.03.2021", ("Tomas Spahn",)),
        ("Maria Sonntag 12.03.2021", ("Maria Sonntag",)),
        ("Bund der Energieverbraucher e.V.", ("Bund der Energieverbraucher e.V.",)),
        ("Mario e Luigi", ("Mario", "Luigi")),
        ("Autorin: Julia Vergin", ("Julia Vergin",)),
        ("Autor/in Julia Vergin", ("Julia Vergin",)),
        ("Autor:in Julia Vergin", ("Julia Vergin",)),
        ("Autorin/Autor Roman Goncharenko", ("Roman Goncharenko",)),
        ("Autor:Inge Meyer", ("Inge Meyer",)),
        ("\u725b\u955b\u3001\u5cb3\u5f18\u5f6c", ("\u725b\u955b", "\u5cb3\u5f18\u5f6c")),
        ("srf/hosb;kesm", ("srf/hosb", "kesm")),
        ("dpa/AFP", ("dpa", "AFP")),
        ("Jane Doe/John Roe", ("Jane Doe", "John Roe")),
        ("IN-Redaktion", ("IN-Redaktion",)),
        ("Jane Doe -Reporter", ("Jane Doe",)),
        ("ssi, dan; Foto [M]: Shutterstock; Erstveröffentlichung: 4.4.18", ("ssi", "dan")),
        ("Jane Doe; Erstveröffentlichung:; John Roe", ("Jane Doe", "John Roe")),
        ("Redaktion", ("Redaktion",)),  # the newsroom signing alone
        ("Jane Doe - Redaktion", ("Jane Doe",)),  # a role after a name
        ("Redaktion: Jane Doe", ("Jane Doe",)),  # a label before one
        ("Staff", ()),
    ],
)
def test_author_cleaning(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grenzen setzen\nvon Daniela Obers\nGrenzen sind wichtig", ["Daniela Obers"]),
        ("Text: Heinz Muster Datum 12.3.2020", ["Heinz Muster"]),
        ("Ein Artikel von\nPamela Sladky\n| 27.01.2022", ["Pamela Sladky"]),
        ("Die Regeln von der Regierung", []),
        ("By Jane Doe and John Roe. The river rose", ["Jane Doe and John Roe"]),
    ],
)
def test_byline_in_running_text(text: str, expected: list[str]) -> None:
    assert byline_names(text) == expected


def test_byline_is_not_read_out_of_the_headline() -> None:
    body = (
        "<div><h1>Start by Expanding Beyond Trade</h1>"
        "<p>Exports grew for the third year running, the ministry said on Monday.</p></div>"
    )
    assert meta_of(page("", body)).authors == ()
    byline = body.replace("<p>", "<p>By Jane Doe</p><p>")
    assert meta_of(page("", byline)).authors == ("Jane Doe",)


def test_authors_deduplicated_and_site_dropped() -> None:
    names = clean_authors(
        ["Jane Doe", "JANE DOE", "Daily Planet", "John Roe"], site_names=["Daily Planet"]
    )
    assert names == ("Jane Doe", "John Roe")


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-08-28T14:03:00Z", "2024-08-28T14:03:00+00:00"),
        ("2024-08-28T14:03:00.123-0500", "2024-08-28T14:03:00-05:00"),
        ("2024-08-28 14:03", "2024-08-28T14:03:00"),
        ("2024-08-28", "2024-08-28"),
        ("Wed, 28 Aug 2024 14:03:00 +0000", "2024-08-28T14:03:00+00:00"),
        ("Wed, 28 Aug 2024 14:03:00 GMT", "2024-08-28T14:03:00+00:00"),
        ("28 August 2024", "2024-08-28"),
        ("August 28, 2024", "2024-08-28"),
        ("Aug. 28th, 2024", "2024-08-28"),
        ("28.08.2024", "2024-08-28"),
        ("28. August 2024, 14:03 Uhr", "2024-08-28T14:03:00"),
        ("28. März 2024", "2024-03-28"),
        ("le 3 février 2023 à 10h30", "2023-02-03T10:30:00"),
        ("5 de mayo de 2021", "2021-05-05"),
        ("Sept. 3, 2019 at 4:05 p.m.", "2019-09-03T16:05:00"),
        ("2019/10/16", "2019-10-16"),
        ("20191016", "2019-10-16"),
        ("1724853780", "2024-08-28T14:03:00+00:00"),
        ("1724853780000", "2024-08-28T14:03:00+00:00"),
        ("no date here", None),
        ("2024-13-40", None),
        ("", None),
    ],
)
def test_parse_date(raw: str, expected: str | None) -> None:
    assert parse_date(raw) == expected


def test_parse_date_epoch_number() -> None:
    assert parse_date(1724853780) == "2024-08-28T14:03:00+00:00"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.times())
def test_parse_date_round_trips_iso(day: date, time: dt_time) -> None:
    text = f"{day}T{str(time)[:8]}"
    assert parse_date(text) == text


def test_utc_date_read_in_the_local_time_the_page_shows() -> None:
    head = '<meta property="article:published_time" content="2022-05-04T03:37:37+00:00">'
    body = '<time datetime="2022-05-03T23:37:37-04:00">3 May, 11:37 pm</time>'
    assert meta_of(page(head, body)).date == "2022-05-03T23:37:37-04:00"
    other = body.replace("23:37:37", "10:00:00")  # another moment: not this date
    assert meta_of(page(head, other)).date == "2022-05-04T03:37:37+00:00"


def test_utc_midnight_read_as_the_day_the_page_prints() -> None:
    head = '<meta property="article:published_time" content="2021-11-04T23:00:00+00:00">'
    body = "<article><h1>Wahlen in Nordmazedonien</h1><p>5. November 2021</p><p>{}</p></article>"
    text = "Die Partei hat die Wahl gewonnen und regiert nun allein."
    assert meta_of(page(head, body.format(text))).date == "2021-11-05"
    noon = head.replace("23:00", "12:00")  # no time zone turns noon into the next day
    assert meta_of(page(noon, body.format(text))).date == "2021-11-04T12:00:00+00:00"


def test_utc_evening_read_as_the_local_time_the_page_prints() -> None:
    head = '<meta property="article:published_time" content="2022-05-04T00:25:56+00:00">'
    body = "<article><h1>La jugada</h1><p>3 de mayo de 2022 21:25</p><p>{}</p></article>"
    text = "El gobierno anunció hoy una serie de medidas económicas."
    assert meta_of(page(head, body.format(text))).date == "2022-05-03T21:25:00"
    odd = body.replace("21:25", "21:31")  # not a whole quarter hour away: another moment
    assert meta_of(page(head, odd.format(text))).date == "2022-05-04T00:25:56+00:00"


def test_last_resort_first_date_written_on_the_page() -> None:
    body = (
        "<div><h2>Vereinsnews</h2><p>Kurz gemeldet</p></div><div><span>am 29.12.2010, 13:36 Uhr"
        "</span></div><script>var built = '2024-01-01';</script>"
        "<p>© 2011 Verein</p><footer>Stand 01.02.2020</footer>"
    )
    assert meta_of(page("", body), url=None).date == "2010-12-29T13:36:00"
    bare = body.replace("am 29.12.2010, 13:36 Uhr", "Termine")  # script, ©, footer: no dates
    assert meta_of(page("", bare), url=None).date is None


def test_date_written_next_to_the_heading() -> None:
    body = (
        '<div class="page"><h1>Neue Förderung</h1><div class="teaser"><p>Pressemitteilung vom '
        "25. Januar 2022 | Berlin - Die Ministerin stellt heute das Programm vor.</p></div></div>"
        "<footer>Stand 01.02.2020</footer>"
    )
    assert meta_of(page("", body), url=None).date == "2022-01-25"
    far = body.replace("vom 25. Januar 2022 ", "")
    assert meta_of(page("", far), url=None).date is None


def test_date_in_a_wider_block_around_the_heading() -> None:
    body = (
        '<div class="news"><div class="head"><h1>Arbeitsmarkt im Januar</h1>'
        "<p>Trotz Eindämmungsmaßnahmen auf Erholungskurs, sagt die Behörde heute.</p></div>"
        "<div><p><strong>01.02.2022</strong> Der Arbeitsmarkt ist gut in das Jahr gestartet.</p>"
        "</div></div>"
    )
    assert meta_of(page("", body), url=None).date == "2022-02-01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("am 3.11.2021 und am 2021-10-01", "2021-11-03"),
        ("Published March 5, 2019, updated 2020-01-01", "2019-03-05"),
        ("no date here, 12:30", None),
    ],
)
def test_earliest_date_by_position(text: str, expected: str | None) -> None:
    assert earliest_date(text) == expected


def test_published_date_not_modified() -> None:
    head = (
        '<meta property="article:modified_time" content="2024-02-02T10:00:00Z">'
        '<meta property="article:published_time" content="2024-01-01T10:00:00Z">'
    )
    assert meta_of(page(head)).date == "2024-01-01T10:00:00+00:00"


# --- site-rule selectors -------------------------------------------------------------------


def test_parse_field_selector() -> None:
    assert parse_field_selector('meta[name="x"] @content') == FieldSelector(
        css='meta[name="x"]', attr="content"
    )
    assert parse_field_selector(".byline a") == FieldSelector(css=".byline a", attr=None)


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("jsonld:headline", ("headline",)),
        (" jsonld:author.name ", ("author", "name")),
        ("jsonld:publisher.@id", ("publisher", "@id")),
    ],
)
def test_parse_field_selector_jsonld(text: str, path: tuple[str, ...]) -> None:
    assert parse_field_selector(text) == FieldSelector(css="", jsonld=path)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "@content",
        "a[[",
        "div >",
        "jsonld:",
        "jsonld:author..name",
        "jsonld:author.",
        "jsonld:author name",
        "jsonld:author[0]",
        "jsonld:a.b.c.d.e.f",
        "jsonld:author/name",
        "jsonld:1st",
    ],
)
def test_parse_field_selector_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_field_selector(bad)


def test_selectors_override_and_are_normalised() -> None:
    html = page(
        OG_HEAD,
        '<div class="who"><a>By Lois Lane</a><a>Jimmy Olsen</a></div>'
        '<span class="when" data-ts="3 March 2021">x</span>',
    )
    doc = Document(tree=LexborHTMLParser(html), html=html, url="https://www.dailyplanet.com/x")
    meta = extract_metadata(
        doc,
        selectors={
            "authors": [".missing", ".who a"],
            "date": ["span.when @data-ts"],
            "title": [".nothing-here"],
        },
    )
    assert meta.authors == ("Lois Lane", "Jimmy Olsen")
    assert meta.date == "2021-03-03"
    assert meta.title == "Heat wave: what to expect"  # falls back to the generic logic


GRAPH_HEAD = ld(
    {
        "@graph": [
            {"@type": "WebSite", "@id": "#site", "name": "Dizindaba"},
            {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
            {
                "@type": "NewsArticle",
                "headline": "Short headline",
                "name": "The full title of the story",
                "author": [{"@id": "#jane"}, {"@type": "Person", "name": "John Roe"}],
                "publisher": {"@id": "#site"},
            },
        ]
    }
)


def _with_rule(head: str, selectors: dict[str, list[str]], body: str = "") -> Metadata:
    html = page(head, body)
    doc = Document(tree=LexborHTMLParser(html), html=html, url="https://dizindaba.co.za/a")
    return extract_metadata(doc, selectors=selectors)


def test_jsonld_selectors_read_the_article_object() -> None:
    meta = _with_rule(
        GRAPH_HEAD,
        {
            "title": ["jsonld:alternativeHeadline", "jsonld:name"],
            "authors": ["jsonld:author.name"],
            "site_name": ["jsonld:publisher"],
        },
    )
    assert meta.title == "The full title of the story"
    assert meta.authors == ("Jane Doe", "John Roe")
    assert meta.site_name == "Dizindaba"
    assert _with_rule(GRAPH_HEAD, {"authors": ["jsonld:author"]}).authors == meta.authors


def test_a_rule_naming_the_site_alone_as_author_keeps_it() -> None:
    body = '<p class="credit">Dizindaba</p><p class="source">Dizindaba / Jane Roe</p>'
    assert _with_rule(GRAPH_HEAD, {"authors": [".credit"]}, body).authors == ("Dizindaba",)
    # beside other names the site is the publisher crediting its source
    assert _with_rule(GRAPH_HEAD, {"authors": [".source"]}, body).authors == ("Jane Roe",)


def test_a_rule_finding_no_author_falls_back_to_the_generic_logic() -> None:
    body = '<p class="who">Updated 12.03.2021</p>'
    meta = _with_rule(GRAPH_HEAD, {"authors": [".who", ".missing"]}, body)
    assert meta.authors == ("Jane Doe", "John Roe")


def _body(*blocks: Block) -> Body:
    return Body(blocks=blocks)


FIRST = "The river rose two metres overnight, and the town's  old bridge was closed."


def test_description_from_the_first_sentence_like_paragraph() -> None:
    body = _body(
        Block("heading", "A heading that ends in a full stop."),
        Block("paragraph", "By Jane Doe"),
        Block("paragraph", FIRST),
        Block("paragraph", "A later paragraph of the story, also a sentence."),
    )
    html = page("", "<p>x</p>")
    doc = Document(tree=LexborHTMLParser(html), html=html, url=None)
    assert extract_metadata(doc, body=body).description == " ".join(FIRST.split())
    assert extract_metadata(doc).description is None
    declared = page('<meta name="description" content="Declared.">', "<p>x</p>")
    doc = Document(tree=LexborHTMLParser(declared), html=declared, url=None)
    assert extract_metadata(doc, body=body).description == "Declared."


@pytest.mark.parametrize(
    "text",
    ["Contents", "Photo: Jane Doe / Agency", "Too short.", "word " * 400 + "end."],
)
def test_description_needs_a_sentence_of_fair_length(text: str) -> None:
    html = page("", "<p>x</p>")
    doc = Document(tree=LexborHTMLParser(html), html=html, url=None)
    body = _body(Block("paragraph", text))
    assert extract_metadata(doc, body=body).description is None


def test_selectors_unknown_field_rejected() -> None:
    doc = Document(tree=LexborHTMLParser("<p>x</p>"), html="<p>x</p>", url=None)
    with pytest.raises(ValueError):
        extract_metadata(doc, selectors={"colour": ["p"]})


def test_tree_is_not_modified() -> None:
    html = page(OG_HEAD, "<article><p class=byline>By Jane Doe</p></article>")
    tree = LexborHTMLParser(html)
    before = tree.html
    extract_metadata(Document(tree=tree, html=html, url=None))
    assert tree.html == before


# --- real pages ----------------------------------------------------------------------------


def _cases() -> list[Path]:
    return sorted(path.parent for path in FIXTURES.glob("*/*/expected.json"))


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


@pytest.mark.parametrize("case", _cases(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_real_page(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    html = gzip.decompress((case / "page.html.gz").read_bytes()).decode("utf-8")
    meta = meta_of(html, url=expected.get("url"))
    assert _fold(meta.title) == _fold(expected["title"])
    want_authors = expected.get("authors") or [expected["author"]]
    assert {_fold(a) for a in meta.authors} == {_fold(a) for a in clean_authors(want_authors)}
    assert (meta.date or "")[:10] == (parse_date(expected["date"]) or "")[:10]
