"""Title and date choices of the metadata stage: which of the page's declared and printed
values is the article's, on small hand-written pages."""

from __future__ import annotations

import json

from selectolax.lexbor import LexborHTMLParser

from scraper.metadata import extract_metadata, written_days
from scraper.model import Document, Metadata


def meta_of(html: str, url: str | None = "https://news.example.com/a/story") -> Metadata:
    return extract_metadata(Document(tree=LexborHTMLParser(html), html=html, url=url))


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


STORY = "<p>" + "The council met on the matter for the whole evening. " * 4 + "</p>"


# --- dates ---------------------------------------------------------------------------------


def test_written_days_finds_every_format() -> None:
    text = "Published 29. Dezember 2022 | updated 2022-12-30, first 03/01/2021"
    assert written_days(text) == frozenset({"2022-12-29", "2022-12-30", "2021-01-03"})


def dated_page(*, declared: str, printed: str, classed: bool = True) -> str:
    head = f'<meta property="article:published_time" content="{declared}">'
    date_class = ' class="post-date"' if classed else ""
    body = f"<article><h1>Council votes on the budget</h1><p{date_class}>{printed}</p>{STORY}"
    return page(head, body + "</article>")


def test_printed_date_wins_when_two_visible_places_agree() -> None:
    # The page shows its readers another day than its metadata declares (the CMS kept the
    # first draft's date): the printed day, by the heading and in a date element, wins.
    html = dated_page(declared="2021-11-22T18:42:22+01:00", printed="1. Januar 2023")
    assert (meta_of(html).date or "")[:10] == "2023-01-01"


def test_declared_date_stays_when_printed_only_once() -> None:
    html = dated_page(declared="2021-11-22T18:42:22+01:00", printed="1. Januar 2023", classed=False)
    assert (meta_of(html).date or "")[:10] == "2021-11-22"


def test_declared_date_stays_when_the_page_prints_it_too() -> None:
    # "Published 29 December, updated 30 December" with the 30th declared: both printed.
    html = dated_page(
        declared="2022-12-30T07:00:40+01:00", printed="29. Dezember 2022 | 30. Dezember 2022"
    )
    assert (meta_of(html).date or "")[:10] == "2022-12-30"


def test_declared_date_stays_against_its_month_first_reading() -> None:
    # 11/03/2017 printed month first is the declared 3 November, not 11 March.
    html = dated_page(declared="2017-11-03T10:00:00+00:00", printed="11/03/2017")
    assert (meta_of(html).date or "")[:10] == "2017-11-03"


def test_next_morning_edition_date_leaves_the_evening_timestamp() -> None:
    # Posted at 19:30, printed in the next morning's edition: the declared day stands.
    html = dated_page(declared="2024-04-25T19:30:04+02:00", printed="Ausgabe vom 26.04.2024")
    assert (meta_of(html).date or "")[:10] == "2024-04-25"


def test_utc_headline_date_read_in_the_local_time_a_meta_tag_gives() -> None:
    # JSON-LD in UTC (the 24th), the meta tag the same moment in Pacific time (the 23rd).
    head = ld({"@type": "NewsArticle", "datePublished": "2017-02-24T01:18:13+00:00"})
    head += '<meta property="article:published_time" content="2017-02-23T17:18:13-08:00">'
    html = page(head, f"<article><h1>Original cuts might get released</h1>{STORY}</article>")
    assert (meta_of(html).date or "")[:10] == "2017-02-23"


# --- titles --------------------------------------------------------------------------------


def test_summary_headline_gives_way_to_the_title_the_heading_repeats() -> None:
    # JSON-LD's headline is a one-line description; OpenGraph, <title> and <h1> agree.
    head = (
        ld({"@type": "Article", "headline": "constitutional monarchy in Oceania"})
        + '<meta property="og:title" content="New Zealand - Wikipedia">'
        + "<title>New Zealand - Wikipedia</title>"
    )
    html = page(head, f"<main><h1>New Zealand</h1>{STORY}</main>")
    assert meta_of(html, url="https://en.wikipedia.org/wiki/New_Zealand").title == "New Zealand"


def test_reworded_headline_stays_when_it_shares_the_heading_words() -> None:
    # Two wordings of one headline: the declared one is kept (sources disagree on which).
    head = ld({"@type": "NewsArticle", "headline": "Pendler sparen 60 Prozent bei Bus und Bahn"})
    head += '<meta property="og:title" content="Pendler zahlen 60 Prozent weniger">'
    html = page(head, f"<article><h1>Pendler zahlen 60 Prozent weniger</h1>{STORY}</article>")
    assert meta_of(html).title == "Pendler sparen 60 Prozent bei Bus und Bahn"


def test_title_pushed_into_the_body_by_junk_before_the_doctype() -> None:
    # A PHP warning printed before <!DOCTYPE> makes the parser open <body> first: the
    # <title> then sits directly in <body>, and is still the document's title.
    html = (
        "<b>Warning</b>: mysql_get_server_info(): Access denied<br>\n<!DOCTYPE html>"
        "<html><head><title>Alles Neue macht der Mai | Bibliothek</title></head>"
        f"<body><div class='post'>{STORY}</div></body></html>"
    )
    assert meta_of(html, url="https://bibliothek.example.de/2014/05/mai/").title == (
        "Alles Neue macht der Mai"
    )


def test_svg_title_is_not_the_document_title() -> None:
    html = page("", f"<svg><title>Search icon</title></svg><h1>Council votes</h1>{STORY}")
    assert meta_of(html).title == "Council votes"


def test_section_name_as_declared_title_gives_way_to_the_heading() -> None:
    head = '<meta property="og:title" content="Pressemitteilungen">'
    body = f"<article><h1>Eliasson gestaltet die Titelseite der Zeitungen</h1>{STORY}</article>"
    assert meta_of(page(head, body)).title == "Eliasson gestaltet die Titelseite der Zeitungen"


def test_style_inside_the_heading_is_not_its_text() -> None:
    body = (
        "<main><h1><style>.css-umyvef{font-size:16px}</style>Impfen ist noch möglich</h1>"
        f"{STORY}</main>"
    )
    assert meta_of(page("", body)).title == "Impfen ist noch möglich"


def test_later_heading_that_is_the_title_beats_a_menu_heading() -> None:
    # The page names itself as an app (application-name = its title), so the title looks
    # like the site's name and the heading is taken: the one that is the title.
    title = "Nintendo's first iPhone game will launch in December"
    head = f'<meta name="application-name" content="{title}"><title>{title}</title>'
    body = (
        "<header><h1>back to home news</h1></header>"
        f"<div><h1>Nintendo's first iPhone game will launch in December</h1>{STORY}</div>"
    )
    assert meta_of(page(head, body)).title == "Nintendo's first iPhone game will launch in December"


def test_heading_that_goes_on_after_a_shortened_declared_title() -> None:
    head = '<meta property="og:title" content="Ultium Cells erhöht Gigafactory-Kapazität">'
    body = f"<article><h1>Ultium Cells erhöht Gigafactory-Kapazität in Tennessee</h1>{STORY}"
    assert meta_of(page(head, body + "</article>")).title == (
        "Ultium Cells erhöht Gigafactory-Kapazität in Tennessee"
    )


def test_heading_with_a_site_name_set_off_after_the_title_is_not_taken() -> None:
    head = '<meta property="og:title" content="Was wir über uns nicht hören wollen">'
    body = f"<article><h1>Was wir über uns nicht hören wollen | FASSETTE.NET</h1>{STORY}"
    assert meta_of(page(head, body + "</article>")).title == "Was wir über uns nicht hören wollen"


def test_ruby_readings_are_not_part_of_the_heading() -> None:
    # Furigana: 子<rt>こ</rt>ども reads 子ども; the title's site part is set off by a bare bar.
    head = '<meta property="og:title" content="NEWS WEB EASY|子どもへの体罰を禁止する法律">'
    body = (
        "<article><h1>子<rp>(</rp><rt>こ</rt><rp>)</rp>どもへの体罰<rt>たいばつ</rt>を"
        f"禁止<rt>きんし</rt>する法律</h1>{STORY}</article>"
    )
    assert meta_of(page(head, body)).title == "子どもへの体罰を禁止する法律"


def test_bar_without_spaces_separates_title_parts() -> None:
    head = '<meta property="og:site_name" content="Daily Example">'
    head += "<title>Rivers rise after the storm|Daily Example</title>"
    body = f"<article>{STORY}</article>"
    assert meta_of(page(head, body)).title == "Rivers rise after the storm"


def test_declared_title_cut_at_an_unescaped_quote_is_completed() -> None:
    head = (
        '<meta property="og:title" content="Senador califica a Biden de "incapacitado"">'
        '<title>Senador califica a Biden de "incapacitado"</title>'
    )
    html = page(head, f"<article>{STORY}</article>")
    assert meta_of(html).title == 'Senador califica a Biden de "incapacitado"'


def test_site_suffix_does_not_complete_a_declared_title() -> None:
    head = (
        '<meta property="og:title" content="Rivers rise after the storm">'
        "<title>Rivers rise after the storm - Daily Example</title>"
    )
    html = page(head, f"<article>{STORY}</article>")
    assert meta_of(html).title == "Rivers rise after the storm"
