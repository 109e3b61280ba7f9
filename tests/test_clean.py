"""The cleaner: properties on arbitrary Bodies, plus unit cases."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.clean import REPEATABLE, clean_body, is_noise_line, normalize_space
from scraper.model import Block, Body

KINDS = st.sampled_from(["paragraph", "heading", "list_item", "quote", "code", "table_row"])
CHARS = st.text(
    alphabet=st.one_of(
        st.characters(), st.sampled_from([" ", "\u00a0", "\u200b", "\n", "\t", "\ufeff"])
    ),
    max_size=30,
)
WORDS = st.sampled_from(["Share", "Foto: x", "2 hours ago", " Anzeige ", "Text."])
TEXT = st.lists(st.one_of(CHARS, WORDS), max_size=4).map("".join)
BLOCKS = st.builds(Block, kind=KINDS, text=TEXT, level=st.integers(0, 6))
BODIES = st.builds(Body, blocks=st.lists(BLOCKS, max_size=8).map(tuple))


@settings(max_examples=60, deadline=None)
@given(BODIES)
def test_idempotent(body: Body) -> None:
    once = clean_body(body)
    assert clean_body(once) == once


@settings(max_examples=60, deadline=None)
@given(BODIES)
def test_output_has_no_empty_blocks_and_no_double_spaces(body: Body) -> None:
    for block in clean_body(body).blocks:
        assert block.text.strip()
        if block.kind != "code":  # code keeps its indentation and lines
            assert "  " not in block.text
            assert block.text == block.text.strip()
            assert "\u00a0" not in block.text and "\u200b" not in block.text


@settings(max_examples=60, deadline=None)
@given(BODIES)
def test_no_exact_duplicates(body: Body) -> None:
    """Only a long paragraph is kept twice: said again right after itself, or not right
    after another repeated long paragraph (a run of repeats is a copied block)."""
    blocks = clean_body(body).blocks
    repeating = False
    for index, block in enumerate(blocks):
        again = block.text in {b.text for b in blocks[:index]}
        long = block.kind == "paragraph" and len(block.text) >= REPEATABLE
        if again:
            assert long
            assert blocks[index - 1].text == block.text or not repeating
        repeating = again if long else repeating


def _p(text: str) -> Block:
    return Block(kind="paragraph", text=text)


def test_whitespace_normalised() -> None:
    body = clean_body(Body((_p("  Hello\u00a0\u00a0 wor\u200bld \n again "),)))
    assert body.blocks == (_p("Hello world again"),)


def test_duplicates_after_first_dropped_and_order_kept() -> None:
    body = clean_body(Body((_p("One."), _p("Two."), _p(" One. "))))
    assert [b.text for b in body.blocks] == ["One.", "Two."]


def test_long_paragraph_repeated_in_a_row_is_kept() -> None:
    long = "A long paragraph, said twice on purpose. " * 8
    body = clean_body(Body((_p(long), _p(long), _p("Two."), _p(long))))
    assert [b.text for b in body.blocks] == [long.strip(), long.strip(), "Two."]


def test_long_paragraph_said_again_later_is_kept_but_a_run_of_repeats_goes() -> None:
    one, two, three = (f"Paragraph {n}, long enough to be prose said twice. " * 6 for n in "123")
    blocks = (_p(one), _p(two), _p("Heading."), _p(one), _p(three), _p(two), _p(one))
    texts = [b.text for b in clean_body(Body(blocks)).blocks]
    assert texts == [t.strip() for t in (one, two, "Heading.", one, three, two)]


def test_noise_lines_dropped() -> None:
    noise = ["Share", "Advertisement", "ANZEIGE", "26 minutes ago", "vor 3 Stunden",
             "Foto: dpa", "Photo: Jane Doe / AFP", "Bild: Keystone", "Read more »"]  # fmt: skip
    prose = "Photo: the mayor said the trams would run every five minutes from 2027."
    body = clean_body(Body(tuple(_p(t) for t in [*noise, prose, "Share the road, he said."])))
    assert [b.text for b in body.blocks] == [prose, "Share the road, he said."]


def test_read_also_lines_dropped() -> None:
    lines = [
        "Lesen Sie auch: Neue Trambahn für Köln",
        "Lea también: Impiden ingreso",
        "Read also » x",
    ]
    long_line = "Read also: " + "a long paragraph of real prose, " * 10
    body = clean_body(Body(tuple(_p(t) for t in [*lines, long_line])))
    assert [b.text for b in body.blocks] == [long_line.strip()]


def test_copyright_and_calls_to_action_dropped() -> None:
    noise = [
        "© 2022, Example News. All rights reserved.",
        "Follow The Gleaner on Twitter and Instagram @JamaicaGleaner.",
        "Síguenos en Telegram para recibir todas nuestras actualizaciones",
        "Download the Example News app for iOS and Android.",
    ]
    prose = "The minister posted on Twitter that the app would follow in May."
    body = clean_body(Body(tuple(_p(t) for t in [*noise, prose])))
    assert [b.text for b in body.blocks] == [prose]


def test_appeals_after_the_last_long_block_dropped() -> None:
    report = (
        "The charity said donations had doubled since spring, and that subscribers to its "
        "newsletter had given more than ever before, which let it open two new shelters in "
        "the city and hire four more social workers for the long winter months ahead of the "
        "schedule it had set."
    )
    closing = "The shelters open on Monday."
    appeals = [
        "Subscribe now to our e-paper edition for the full story.",
        "Hat Ihnen dieser Artikel gefallen? Dann unterstützen Sie uns mit einer Spende.",
        "この記事は会員限定です。",
        "HAZTE MIEMBRO Y DISFRUTA DE BENEFICIOS EXCLUSIVOS",
        "For the latest stories and updates download the Example News app for iOS.",
        "¿Ya sabías que tenemos canal de Telegram? Únete desde tu celular.",
    ]
    short_report = "Donations doubled, the charity said."
    blocks = [short_report, report, closing, *appeals]
    body = clean_body(Body(tuple(_p(t) for t in blocks)))
    # Before the last long block an appeal-like line is the article's; after it, it goes.
    assert [b.text for b in body.blocks] == [short_report, report, closing]


def test_paywall_box_near_the_end_goes_whole() -> None:
    story = (
        "The city council approved the new tram line on Tuesday after a debate that lasted "
        "most of the afternoon, with the opposition warning about the cost overruns seen on "
        "the last two projects and the mayor promising an independent review of the budget."
    )
    box = ["この記事は会員限定です。", "中日プラスに登録すると", "会員向けの記事が読み放題"]
    offer = ["Sie lesen gerade auf die zweitbeste Art!", "E-Paper und News in einer App"]
    perks = ["Push-Nachrichten über den Tag hinweg", "Nein Danke. Weiter in dieser Ansicht."]
    body = clean_body(Body(tuple(_p(t) for t in [story, *box])))
    assert [b.text for b in body.blocks] == [story]
    # The line before the offer names none of it: it stays; the offer's perks go.
    body = clean_body(Body(tuple(_p(t) for t in [story, *offer, *perks])))
    assert [b.text for b in body.blocks] == [story, offer[0]]


def test_datelines_above_the_article_dropped() -> None:
    lead = (
        "The fire brigade union protested on Monday against the plan to raise the "
        "retirement age, which the state parliament will debate next week in Düsseldorf."
    )
    later = "Stand: 23.04.2024, 08:00 Uhr"  # after the first long block: left alone
    blocks = ["Stand: 22.04.2024, 06:00 Uhr", "17:41 JST, October 13, 2024", lead, later]
    schedule = ["Warm Up 11:00 Uhr", lead]  # times without a date are an event's content
    assert [b.text for b in clean_body(Body(tuple(_p(t) for t in blocks))).blocks] == [
        lead,
        later,
    ]
    assert [b.text for b in clean_body(Body(tuple(_p(t) for t in schedule))).blocks] == schedule


def test_read_also_labels_dropped() -> None:
    labels = [
        "Lesen Sie auch die folgenden Beiträge:",
        "Das Thema könnte dich auch interessieren:",
        "Veja também:",
        "You might also like these stories:",
    ]
    kept = ["Les chiffres clés :", "Read the statement in full below.", "Lee said:"]
    body = clean_body(Body(tuple(_p(t) for t in [*labels, *kept])))
    assert [b.text for b in body.blocks] == kept


def test_code_keeps_lines() -> None:
    block = Block(kind="code", text="\nif x:\n    y()  \n")
    assert clean_body(Body((block,))).blocks == (Block(kind="code", text="if x:\n    y()"),)


def test_helpers() -> None:
    assert normalize_space("\ufeff a \t b ") == "a b"
    assert is_noise_line("Werbung")
    assert not is_noise_line("Werbung ist ein Thema, das viele Leser interessiert.")
