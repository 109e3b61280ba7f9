"""Author names from bylines set on their own line of the page (no markup to find them by)."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.metadata import clean_authors, dated_names, extract_metadata, labelled_names
from scraper.model import Document


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Lesezeit\nVon:\nBill MCCARTHY\n,\nMarisha GOLDHAMER\n",
            ("Bill MCCARTHY", "Marisha GOLDHAMER"),
        ),
        ("Titel\nBy\nJ.R. Stone\nThursday, November 9, 2023", ("J.R. Stone",)),
        ("Gespeichert von\nrasos\nam 24. Juli 2017 - 18:55", ("rasos",)),
        ("Posted by Konstantin\n21.10.2019", ("Konstantin",)),
        (
            "Ende.\nText:\nKlausmartin Friedrich\nFotos:\nHelmut Elstrodt",
            ("Klausmartin Friedrich",),
        ),
        ("Text von Christian Seiler Illustration von Markus Roost", ("Christian Seiler",)),
        ("Autoren Jelko Djuren und Jutta Klaukien\n", ("Jelko Djuren", "Jutta Klaukien")),
        ("Von: det/dpa\nMikaela Shiffrin", ("det/dpa",)),
        ("Von R. R. am\n07.08.2013", ("R. R.",)),
        ("par\nDidier Roy\n, 21 juin 2018", ("Didier Roy",)),
        ("Rezept\nvon\nMarianne1\nam 20.09.2020", ("Marianne1",)),
        ("05.02.2020\n- Redaktion: Eberhard Fuhr (Pressesprecher des EJW)\n", ("Eberhard Fuhr",)),
        ("Menü\nBy\nClicking\nSubmit", ()),
        (
            "(\u8d23\u7f16\uff1a\u725b\u955b\u3001\u5cb3\u5f18\u5f6c)",
            ("\u725b\u955b", "\u5cb3\u5f18\u5f6c"),
        ),
    ],
)
def test_labelled_line_bylines(text: str, expected: tuple[str, ...]) -> None:
    assert clean_authors(labelled_names(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Essay\n25.10.2022 - Reiner Nagel\n", ("Reiner Nagel",)),
        ("Zucht\n04.02.2022 | 13:10 Uhr | Uta Helkenberg\n", ("Uta Helkenberg",)),
        ("Termine\n12.05.2022 - Konzert im Park mit der Stadtkapelle\n", ()),
    ],
)
def test_dated_line_bylines(text: str, expected: tuple[str, ...]) -> None:
    assert clean_authors(dated_names(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "von den Menschen in Berlin\n",  # running text after a preposition
        "Von\nBerlin\n",  # a lone word without a colon: not a byline
        "by\nClicking here you agree to the terms\n",
        "PARIS LIBBY\nAVB Stromtarife\n",  # a label word inside another word
        "Archiv\nAutoren\nNewsletter\nAbout\n",  # a menu: a capitalised label alone
        "ORDER\nBY\nperiod\nDESC\n",  # code
        "Sortieren nach\nVon Wiener Walzer bis zur Oper hat Wien viel zu bieten.\n",
    ],
)
def test_no_labelled_byline(text: str) -> None:
    assert clean_authors(labelled_names(text)) == ()


def _authors(html: str) -> tuple[str, ...]:
    return extract_metadata(Document(tree=LexborHTMLParser(html), html=html, url=None)).authors


def test_page_byline_after_the_heading() -> None:
    html = (
        "<body><ul><li><a>Andere Meldung</a><span>Von Eva Teaser</span></li></ul>"
        "<h1>Die Meldung</h1><p>Ein Absatz mit genug Text, um ein Artikel zu sein.</p>"
        "<p><b>Text:</b> <i>Klara Beispiel</i></p></body>"
    )
    assert _authors(html) == ("Klara Beispiel",)


def test_organization_in_json_ld_outranks_a_text_byline() -> None:
    ld = '{"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Das Blatt"}}'
    html = (
        f'<head><script type="application/ld+json">{ld}</script></head><body>'
        "<h1>Die Meldung</h1><p>Ein Absatz mit genug Text, um ein Artikel zu sein.</p>"
        "<aside><p>Noch ein Artikel</p><p>Von Eva Teaser</p></aside></body>"
    )
    assert _authors(html) == ("Das Blatt",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Text & Fotos: Ivan Valetny", ("Ivan Valetny",)),
        ("© Kathrin Führes", ("Kathrin Führes",)),
        ("Sara Zinnecker Stand:\n05. Februar 2020", ("Sara Zinnecker",)),
        ("Von Tomas Spahn Fr, 18. Oktober 2019", ("Tomas Spahn",)),
        ("Redacci&oacute;n Diario Pagina Siete", ("Redacción Diario Pagina Siete",)),
        ("Artikel von: hausinfo", ("hausinfo",)),
        ("Zeige alle Beiträge von mywakenews →", ("mywakenews",)),
        ("View all posts by Jane Doe", ("Jane Doe",)),
        ("Alles von Martin Junker", ("Martin Junker",)),
        ("Post author By Helge Fahrnberger", ("Helge Fahrnberger",)),
        ("Grant Tinsley, PhD", ("Grant Tinsley",)),
        ("vom Support Team", ("Support Team",)),
        ("Von", ()),
        ("By", ()),
        ("Kontakt", ()),
        ("Mario Di Maio", ("Mario Di Maio",)),
        ("Dr. Max Kolter", ("Dr. Max Kolter",)),
    ],
)
def test_byline_cleaning(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw]) == expected


def test_lone_first_name_completed_from_a_later_source() -> None:
    ld = '{"@type": "BlogPosting", "author": {"@type": "Person", "name": "Nils"}}'
    html = (
        f'<head><script type="application/ld+json">{ld}</script></head><body>'
        "<h1>Die Meldung</h1><p>Ein Absatz mit genug Text, um ein Artikel zu sein.</p>"
        '<div class="byline">Nils Pickert</div></body>'
    )
    assert _authors(html) == ("Nils Pickert",)


def test_user_name_completed_from_a_later_source() -> None:
    html = (
        '<head><meta name="author" content="robert.stitz"></head><body>'
        "<h1>Die Meldung</h1><p>Ein Absatz mit genug Text, um ein Artikel zu sein.</p>"
        '<span class="author-name">Robert Stitz</span></body>'
    )
    assert _authors(html) == ("Robert Stitz",)


def test_person_author_named_like_the_site_is_kept() -> None:
    ld = (
        '{"@graph": [{"@type": "BlogPosting", "author": {"@id": "#me"}},'
        ' {"@type": ["Person", "Organization"], "@id": "#me", "name": "Christoph Hein"}]}'
    )
    html = (
        f'<head><script type="application/ld+json">{ld}</script></head><body>'
        "<h1>Die Meldung</h1><p>Ein Absatz mit genug Text, um ein Artikel zu sein.</p></body>"
    )
    assert _authors(html) == ("Christoph Hein",)


def test_meta_author_naming_the_host_yields_to_a_person() -> None:
    html = (
        '<head><meta name="author" content="Deutsche Welle (www.dw.com)"></head><body>'
        "<h1>Die Meldung</h1><p>Ein Absatz mit genug Text, um ein Artikel zu sein.</p>"
        "<ul><li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul></body>"
    )
    doc = Document(tree=LexborHTMLParser(html), html=html, url="https://www.dw.com/de/a-1")
    assert extract_metadata(doc).authors == ("Roman Goncharenko",)


def test_meta_author_naming_the_host_is_the_fallback() -> None:
    html = (
        '<head><meta name="author" content="Deutsche Welle (www.dw.com)"></head><body>'
        "<h1>Die Meldung</h1><p>Ein Absatz mit genug Text, um ein Artikel zu sein.</p></body>"
    )
    doc = Document(tree=LexborHTMLParser(html), html=html, url="https://www.dw.com/de/a-1")
    assert extract_metadata(doc).authors == ("Deutsche Welle",)


def test_bylines_of_related_articles_are_left_out() -> None:
    html = (
        "<body><article><h1>Die Meldung</h1>"
        '<div class="meta"><span class="author">Jane Doe</span>'
        '<span class="author">John Roe</span></div>'
        "<p>Ein Absatz mit genug Text, um ein Artikel zu sein.</p></article>"
        '<section><div><ul><li><div><a>Andere Meldung</a><span class="author">Eva Teaser</span>'
        "</div></li></ul></div></section></body>"
    )
    assert _authors(html) == ("Jane Doe", "John Roe")


def _authors_at(html: str, url: str) -> tuple[str, ...]:
    doc = Document(tree=LexborHTMLParser(html), html=html, url=url)
    return extract_metadata(doc).authors


_ARTICLE = "<h1>Die Meldung</h1><p>Ein Absatz mit genug Text, um ein Artikel zu sein.</p>"


def test_site_under_its_own_name_yields_to_a_person() -> None:
    html = (
        f'<head><meta name="author" content="Die FURCHE"></head><body>{_ARTICLE}'
        '<div class="byline">Ursula Baatz</div></body>'
    )
    assert _authors_at(html, "https://www.furche.at/a/1") == ("Ursula Baatz",)


def test_company_author_yields_to_a_person() -> None:
    html = (
        f'<head><meta name="author" content="Bund der Verbraucher e.V."></head><body>{_ARTICLE}'
        '<div class="byline">Leonora Holling</div></body>'
    )
    assert _authors_at(html, "https://example.org/a/1") == ("Leonora Holling",)


def test_newsroom_kept_without_a_full_person_name() -> None:
    html = (
        f'<head><meta name="author" content="NTV"></head><body>{_ARTICLE}'
        '<div class="byline">Donnerstag</div></body>'
    )
    assert _authors_at(html, "https://www.ntv.com.tr/a/1") == ("NTV",)


def test_personal_blog_owner_named_like_the_host() -> None:
    html = f'<head><meta name="author" content="Alexander Klier"></head><body>{_ARTICLE}</body>'
    assert _authors_at(html, "https://www.alexander-klier.net/a") == ("Alexander Klier",)


def test_meta_author_from_the_most_trusted_key_only() -> None:
    html = (
        '<head><meta name="author" content="Meta name author">'
        '<meta name="DC.creator" content="Dublin Core name author">'
        '<meta property="dc:creator" content="Dublin Core property author"></head>'
        f"<body>{_ARTICLE}</body>"
    )
    assert _authors(html) == ("Dublin Core property author",)


def test_meta_author_keys_in_one_attribute() -> None:
    html = (
        '<head><meta property="dc:creator twitter:site_name" content="Creator Name">'
        '<meta name="author" content="FAIL"></head>'
        f"<body>{_ARTICLE}</body>"
    )
    assert _authors(html) == ("Creator Name",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Richard   Eskow", ("Richard Eskow",)),
        ("No Author", ()),
        ("Über den Autor", ()),
        ("Zu allen Artikeln", ()),
        ("Jill Serjeant 4 Min Read", ("Jill Serjeant",)),
        ("Luis Ávila, Seguir", ("Luis Ávila",)),
    ],
)
def test_author_box_words_are_not_names(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw]) == expected
