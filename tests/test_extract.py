"""Hand-written pages, one per behaviour of the generic extractor."""

from __future__ import annotations

import json
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from scraper.evaluate import score_page
from scraper.extract import blocks_from, extract_body
from scraper.model import Body, Document

PARA = (
    "The council voted on Tuesday to expand the city's tram network, a decision that "
    "followed years of debate, two public consultations, and a narrow budget vote."
)


def _para(n: int) -> str:
    return f"<p>Paragraph {n}: {PARA}</p>"


def _doc(body: str, *, title: str = "Trams approved") -> Document:
    html = f"<html><head><title>{title} | City News</title></head><body>{body}</body></html>"
    return Document(tree=LexborHTMLParser(html), html=html)


def _texts(body: Body) -> list[str]:
    return [block.text for block in body.blocks]


def test_article_paragraphs_in_order_and_title_h1_left_out() -> None:
    doc = _doc(f"<article><h1>Trams approved</h1>{_para(1)}<h2>What next</h2>{_para(2)}</article>")
    body = extract_body(doc)
    assert [b.kind for b in body.blocks] == ["paragraph", "heading", "paragraph"]
    assert body.blocks[1].level == 2
    assert body.blocks[0].text.startswith("Paragraph 1:")


def test_original_tree_is_not_mutated() -> None:
    doc = _doc(f"<nav>Home News</nav><article>{_para(1)}{_para(2)}</article>")
    extract_body(doc)
    assert doc.tree.css_first("nav") is not None


def test_hidden_duplicate_dropped() -> None:
    hidden = f'<div style="display:none"><p>Hidden copy: {PARA}</p></div>'
    doc = _doc(f"<article>{_para(1)}{_para(2)}{hidden}</article>")
    assert not any("Hidden copy" in t for t in _texts(extract_body(doc)))


def test_repeated_block_kept_once() -> None:
    doc = _doc(f"<article>{_para(1)}{_para(2)}{_para(1)}</article>")
    assert len(_texts(extract_body(doc))) == 2


def test_split_body_merged() -> None:
    chunk1 = f"<div class='body-part'>{_para(1)}{_para(2)}{_para(3)}</div>"
    chunk2 = f"<div class='body-part'>{_para(4)}{_para(5)}</div>"
    doc = _doc(f"<div id='wrap'>{chunk1}<div class='advert'>Buy now</div>{chunk2}</div>")
    texts = _texts(extract_body(doc))
    assert [t.split(":")[0] for t in texts] == [f"Paragraph {n}" for n in range(1, 6)]


def test_comments_excluded() -> None:
    comments = (
        "<div id='comments'><p>Reader one: I disagree with this, strongly, and here is why.</p>"
        "<p>Reader two: Great article, thanks for writing it, very helpful indeed.</p></div>"
    )
    doc = _doc(f"<article>{_para(1)}{_para(2)}{comments}</article>")
    assert not any(t.startswith("Reader") for t in _texts(extract_body(doc)))


def test_lists_tables_quotes_code_kept() -> None:
    rich = (
        f"{_para(1)}<ul><li>First point of the plan</li><li>Second point"
        "<ul><li>Nested detail</li></ul></li></ul>"
        "<blockquote><p>We are delighted, said the mayor.</p></blockquote>"
        "<table><tr><th>Line</th><th>Cost</th></tr><tr><td>T1</td><td>4m</td></tr></table>"
        f"<pre>route = 'T1'\n  stops = 12</pre>{_para(2)}"
    )
    blocks = extract_body(_doc(f"<article>{rich}</article>")).blocks
    kinds = {(b.kind, b.text, b.level) for b in blocks}
    assert ("list_item", "First point of the plan", 1) in kinds
    assert ("list_item", "Nested detail", 2) in kinds
    assert ("quote", "We are delighted, said the mayor.", 0) in kinds
    assert ("table_row", "Line | Cost", 0) in kinds
    assert ("code", "route = 'T1'\n  stops = 12", 0) in kinds


def test_teaser_list_dropped() -> None:
    teasers = "".join(
        f"<li><a href='/story/{n}'>Another story about something else entirely {n}</a></li>"
        for n in range(5)
    )
    doc = _doc(f"<article>{_para(1)}{_para(2)}<ul>{teasers}</ul>{_para(3)}</article>")
    texts = _texts(extract_body(doc))
    assert len(texts) == 3
    assert not any("Another story" in t for t in texts)


def test_ui_lines_dropped() -> None:
    doc = _doc(f"<article>{_para(1)}<p>Anzeige</p><div>Share</div>{_para(2)}</article>")
    assert _texts(extract_body(doc)) == [f"Paragraph 1: {PARA}", f"Paragraph 2: {PARA}"]


def test_boilerplate_class_never_removes_the_body() -> None:
    doc = _doc(
        f"<div id='content-with-sidebar'>{_para(1)}{_para(2)}{_para(3)}</div>"
        "<div class='sidebar'><p>Popular: ten things you did not know about trams.</p></div>"
    )
    texts = _texts(extract_body(doc))
    assert len(texts) == 3
    assert texts[0].startswith("Paragraph 1")


def test_body_class_match_is_guarded() -> None:
    html = (
        "<html><body class='has-comments'><main class='share-layout'>"
        f"{_para(1)}{_para(2)}</main></body></html>"
    )
    body = extract_body(Document(tree=LexborHTMLParser(html), html=html))
    assert len(body.blocks) == 2


def test_cjk_page() -> None:
    sentence = (
        "東京都は火曜日、新しい路面電車の路線を承認した。"
        + "住民の意見を聞いた上で、計画は二年後に始まる。"
    )
    paragraphs = "".join(f"<p>{n}。{sentence}</p>" for n in range(4))
    doc = _doc(f"<div class='menu-x'><a href='/'>ホーム</a></div><div>{paragraphs}</div>")
    texts = _texts(extract_body(doc))
    assert len(texts) == 4
    assert all(sentence in t for t in texts)


def test_div_text_page() -> None:
    doc = _doc(f"<div><div>{PARA} {PARA}</div><div>{PARA.upper()}</div></div>")
    assert len(extract_body(doc).blocks) == 2


def test_no_article_gives_empty_body() -> None:
    doc = _doc("<nav><a href='/'>Home</a></nav><div><a href='/a'>A</a> <a href='/b'>B</a></div>")
    assert extract_body(doc) == Body(())


def test_rule_hooks_remove_and_body() -> None:
    page = (
        f"<div class='story'>{_para(1)}<p class='promo-line'>Sponsored words here, "
        f"long enough to be a paragraph of text.</p></div><div class='other'>{_para(2)}"
        f"{_para(3)}{_para(4)}</div>"
    )
    body = extract_body(_doc(page), remove=[".promo-line"], body=[".missing", ".story"])
    assert _texts(body) == [f"Paragraph 1: {PARA}"]


def test_rule_body_keeps_link_heavy_paragraphs_but_not_link_lists() -> None:
    towns = "".join(
        f"<a href='/{n}'>{n}</a>, " for n in ("Nobeoka", "Saito", "Miyakonojo", "Kobayashi")
    )
    places = f"<p>Intensity 4: {towns}<a href='/k'>Kawaminami</a>.</p>"
    links = "<ul><li><a href='/x'>Read the next story about trams</a></li></ul>"
    page = f"<div class='story'>{_para(1)}{places}{links}{_para(2)}</div>"
    ruled = _texts(extract_body(_doc(page), body=[".story"]))
    assert "Intensity 4: Nobeoka, Saito, Miyakonojo, Kobayashi, Kawaminami." in ruled
    assert not any("next story" in text for text in ruled)
    scored = _texts(extract_body(_doc(page)))
    assert not any(text.startswith("Intensity 4") for text in scored)


def test_blocks_from_is_reusable() -> None:
    tree = LexborHTMLParser(f"<div>{_para(1)}<h3>Sub</h3>{_para(2)}</div>")
    body = blocks_from(tree.css("div"))
    kinds = [(b.kind, b.level) for b in body.blocks]
    assert kinds == [("paragraph", 0), ("heading", 3), ("paragraph", 0)]


def test_trailing_heading_and_short_lines_dropped() -> None:
    tail = "<h3>About the author</h3><p>More from this section</p>"
    doc = _doc(f"<article>{_para(1)}<p>Short, but a sentence.</p>{_para(2)}{tail}</article>")
    texts = _texts(extract_body(doc))
    assert texts[-1] == f"Paragraph 2: {PARA}"
    assert len(texts) == 3


def test_layout_class_wrapping_prose_is_kept_but_comments_go() -> None:
    chunks = "".join(
        f"<div class='sidebar-grid__container'>{_para(2 * n)}{_para(2 * n + 1)}</div>"
        for n in range(3)
    )
    comments = f"<div class='comments-list'><p>Reader: {PARA}</p></div>"
    doc = _doc(f"<article><div class='sidebar-grid'>{chunks}{comments}</div></article>")
    texts = _texts(extract_body(doc))
    assert [t.split(":")[0] for t in texts] == [f"Paragraph {n}" for n in range(6)]


def test_body_split_into_deeply_wrapped_chunks_is_found_whole() -> None:
    def chunk(first: int) -> str:
        inner = "".join(_para(n) for n in range(first, first + 3))
        return f"<div class='grid'><div class='item'><div class='body'>{inner}</div></div></div>"

    teaser = (
        "<div class='box'><p><a href='/x'>Other story with a long enough headline</a></p></div>"
    )
    doc = _doc(f"<main><div class='chunks'>{chunk(1)}{teaser}{chunk(4)}{chunk(7)}</div></main>")
    texts = _texts(extract_body(doc))
    assert [t.split(":")[0] for t in texts] == [f"Paragraph {n}" for n in range(1, 10)]


def test_layout_table_with_teaser_column() -> None:
    teasers = "".join(
        f"<li><a href='/n/{n}'>Most discussed: another long headline {n}, with words</a></li>"
        for n in range(4)
    )
    article = "".join(_para(n) for n in range(4))
    page = f"<table><tr><td><h2>Top 12</h2><ol>{teasers}</ol></td><td>{article}</td></tr></table>"
    texts = _texts(extract_body(_doc(page)))
    assert [t.split(":")[0] for t in texts] == [f"Paragraph {n}" for n in range(4)]


def test_opening_h1_is_the_headline_even_with_a_kicker() -> None:
    doc = _doc(f"<article><h1>Transport: Trams approved at last</h1>{_para(1)}{_para(2)}</article>")
    assert [b.kind for b in extract_body(doc).blocks] == ["paragraph", "paragraph"]


def test_later_h1_that_is_not_the_title_is_kept() -> None:
    doc = _doc(f"<article>{_para(1)}<h1>A second part</h1>{_para(2)}</article>")
    assert [(b.kind, b.level) for b in extract_body(doc).blocks][1] == ("heading", 1)


def test_long_comment_section_never_chosen_over_a_short_article() -> None:
    comments = "".join(
        f"<li class='comment'><p>Comment {n}: {PARA}</p><p>{PARA}</p></li>" for n in range(8)
    )
    page = f"<article>{_para(1)}{_para(2)}</article><ol class='commentlist'>{comments}</ol>"
    texts = _texts(extract_body(_doc(page)))
    assert [t.split(":")[0] for t in texts] == ["Paragraph 1", "Paragraph 2"]


def test_form_wrapping_the_whole_page_is_kept() -> None:
    short = "".join(f"<p>Short paragraph {n}, with a comma, and an end.</p>" for n in range(6))
    doc = _doc(f"<form id='aspnetForm'><div class='content'>{short}</div></form>")
    assert len(extract_body(doc).blocks) == 6


def test_br_separated_post_wins_over_long_comments() -> None:
    post = f"<div class='post-body'>{PARA}<br>{PARA.upper()}<br>{PARA.lower()}</div>"
    comments = "".join(f"<p>Reader {n}: {PARA} {PARA}</p>" for n in range(5))
    doc = _doc(
        f"<div class='main'>{post}<div id='comments' class='comments'>{comments}</div></div>"
    )
    texts = _texts(extract_body(doc))
    assert PARA in texts and PARA.upper() in texts
    assert not any(t.startswith("Reader") for t in texts)


def test_article_wrapped_in_a_teaser_class_is_still_found() -> None:
    doc = _doc(f"<div class='teaserBox news-single'>{_para(1)}{_para(2)}</div>")
    assert len(_texts(extract_body(doc))) == 2


def test_long_paragraph_said_again_is_kept_but_a_run_of_repeats_goes() -> None:
    one, two = f"<p>Paragraph 1: {PARA} {PARA}</p>", f"<p>Paragraph 2: {PARA} {PARA}</p>"
    three, notice = f"<p>Paragraph 3: {PARA} {PARA}</p>", "<p>Content blocked here.</p>"
    doc = _doc(f"<article>{one}{one}{notice}{two}<h2>Again</h2>{one}{three}{two}{one}{notice}")
    assert [t.split(":")[0] for t in _texts(extract_body(doc))] == [
        "Paragraph 1",
        "Paragraph 1",
        "Content blocked here.",
        "Paragraph 2",
        "Again",
        "Paragraph 1",
        "Paragraph 3",
        "Paragraph 2",
    ]


def test_page_without_paragraphs_gives_its_text() -> None:
    doc = _doc("<h2>Test case one</h2><img src='a.png'><h2>Test case two</h2>")
    assert _texts(extract_body(doc)) == ["Test case one", "Test case two"]
    assert _texts(extract_body(_doc("  Test  "))) == ["Test"]


def test_first_of_several_articles_in_the_same_markup_is_the_pages() -> None:
    first = "".join(f"<p>First story {n}: {PARA}</p>" for n in range(3))
    second = "".join(f"<p>Next story {n}: {PARA}</p>" for n in range(8))
    doc = _doc(
        f"<div class='feed'><article><h2>First</h2><div class='story-text'>{first}</div>"
        f"</article><article><h2>Next</h2><div class='story-text'>{second}</div></article></div>"
    )
    texts = _texts(extract_body(doc))
    assert sum(t.startswith("First story") for t in texts) == 3
    assert not any(t.startswith("Next story") for t in texts)


def test_a_short_lead_sharing_the_body_class_does_not_replace_the_body() -> None:
    lead = "<div class='text-block'><p>A lead of one sentence, in the body's class.</p></div>"
    body = "".join(_para(n) for n in range(6))
    doc = _doc(f"<div>{lead}<div class='text-block'>{body}</div></div>")
    assert sum(t.startswith("Paragraph") for t in _texts(extract_body(doc))) == 6


def test_subscriber_content_is_the_article() -> None:
    """BLOX/TownNews pages wrap the story in subscriber-preview/subscriber-only: content
    for subscribers is the article, unlike a newsletter-subscribe box (on the page too)."""
    folder = Path(__file__).parents[1] / "fixtures" / "rules" / "thestar"
    html = (folder / "page.html").read_text(encoding="utf-8")
    expected = json.loads((folder / "page.expected.json").read_text(encoding="utf-8"))
    text = extract_body(Document(tree=LexborHTMLParser(html), html=html)).text
    score = score_page(expected["text"], text)
    assert score.precision >= 0.9 and score.recall >= 0.95, score


def test_forum_thread_keeps_its_posts() -> None:
    # A page that is a thread: every candidate sits in a forum block, whose posts are
    # the content, each in its own "forum-post" box.
    posts = "".join(f"<div class='forum-post'><p>Post {n}: {PARA}</p></div>" for n in range(4))
    doc = _doc(f"<div class='forum-thread'>{posts}</div>")
    texts = _texts(extract_body(doc))
    assert [text.split(":")[0] for text in texts] == ["Post 0", "Post 1", "Post 2", "Post 3"]


def test_body_class_inside_another_word_gives_no_prior() -> None:
    # "giz-blockcontent-body" holds a comment list: "content-body" inside a word is
    # not the markup of an article body.
    comments = "".join(f"<p>Reader {n}: {PARA}</p>" for n in range(3))
    doc = _doc(
        f"<div><div class='post-inner'>{''.join(_para(n) for n in range(1, 5))}</div></div>"
        f"<div><div class='giz-BlockContent-body'>{comments}</div></div>"
    )
    texts = _texts(extract_body(doc))
    assert texts[0].startswith("Paragraph 1:")
    assert not any(text.startswith("Reader") for text in texts)


def test_body_split_into_same_class_chunks_far_apart_is_joined() -> None:
    def chunk(first: int, count: int, depth: int) -> str:
        inner = "".join(_para(n) for n in range(first, first + count))
        return "<div>" * depth + f"<div class='post-text'>{inner}</div>" + "</div>" * depth

    tags = "<div class='post-text' id='post-tags'><p>Filed under trams, city, budget.</p></div>"
    ad = "<div><p>Sponsored: a word from a tram maker, with a comma, and more.</p></div>"
    doc = _doc(f"<div>{chunk(1, 8, 1)}{ad}{chunk(9, 2, 5)}{chunk(11, 1, 2)}{tags}</div>")
    texts = _texts(extract_body(doc))
    assert [t.split(":")[0] for t in texts] == [f"Paragraph {n}" for n in range(1, 12)]


def test_same_class_chunks_of_different_articles_are_not_joined() -> None:
    def story(name: str, count: int) -> str:
        paras = "".join(f"<p>{name} story {n}: {PARA}</p>" for n in range(count))
        return f"<section><h1>{name}</h1><div><div class='text'>{paras}</div></div></section>"

    doc = _doc(f"<div>{story('First', 8)}{story('Next', 2)}</div>")
    texts = _texts(extract_body(doc))
    assert sum(t.startswith("First story") for t in texts) == 8
    assert not any(t.startswith("Next story") for t in texts)


def test_fact_box_inside_the_body_is_left_out_but_an_infobox_table_stays() -> None:
    box = f"<div class='infobox clearBox'><h3>Numbers</h3><p>Box fact: {PARA} {PARA}</p></div>"
    table = "<table class='infobox'><tr><th>Length</th><td>12 km</td></tr></table>"
    doc = _doc(f"<article>{_para(1)}{box}{_para(2)}{table}{_para(3)}</article>")
    texts = _texts(extract_body(doc))
    assert [t.split(":")[0] for t in texts] == [
        "Paragraph 1",
        "Paragraph 2",
        "Length | 12 km",
        "Paragraph 3",
    ]


def test_embed_placeholder_with_a_long_consent_notice_is_left_out() -> None:
    notice = (
        "Your privacy settings prevent loading and showing all external content (graphics, "
        "tables, videos and social media posts) on this page; change them to see it here."
    )
    box = f"<div class='social-placeholder'><h3>External content</h3><p>{notice}</p></div>"
    doc = _doc(f"<article>{_para(1)}{box}{_para(2)}</article>")
    assert [t.split(":")[0] for t in _texts(extract_body(doc))] == ["Paragraph 1", "Paragraph 2"]


def test_body_of_text_divs_beats_a_short_paragraph_note() -> None:
    chapter = "".join(f"<div><span>Line {n}: {PARA}</span></div>" for n in range(8))
    note = f"<div class='note'><p>Note: {PARA}</p><p>Thanks: {PARA}</p></div>"
    doc = _doc(f"<div><div class='chapter'>{chapter}</div></div><div class='notes'>{note}</div>")
    texts = _texts(extract_body(doc))
    assert [t.split(":")[0] for t in texts] == [f"Line {n}" for n in range(8)]


def test_lead_printed_with_the_headline_outside_the_body_is_kept() -> None:
    lead = "The city will build four new tram lines by 2030, the council decided on Tuesday."
    head = (
        "<div class='title-block'><h1>Trams approved</h1><p class='byline'>By Jane Doe, "
        f"city reporter, in the council chamber.</p><p class='intro'>{lead}</p><p>Short.</p>"
        "</div>"
    )
    story = "".join(_para(n) for n in range(5))
    doc = _doc(f"<div>{head}<div class='row'><div class='story'>{story}</div></div></div>")
    texts = _texts(extract_body(doc))
    assert texts[0] == lead
    assert [t.split(":")[0] for t in texts[1:]] == [f"Paragraph {n}" for n in range(5)]


def test_no_lead_is_taken_from_a_linked_teaser_or_after_the_body() -> None:
    # A box of prose named "teaser" before the body is often the lead itself (German
    # CMSs call the standfirst "Teaser"); a teaser for another story is a link.
    box = f"<div class='teaser'><p><a href='/other'>Elsewhere: {PARA}</a></p></div>"
    story = "".join(_para(n) for n in range(5))
    after = f"<p>After the story: {PARA}</p>"
    doc = _doc(f"<div><h1>Trams approved</h1>{box}<div><div>{story}</div></div>{after}</div>")
    texts = _texts(extract_body(doc))
    assert texts[0].startswith("Paragraph 0")
    assert not any(t.startswith(("Elsewhere", "After")) for t in texts)


def test_br_separated_text_in_a_div_scores_as_paragraphs_not_one() -> None:
    runs = "<br><br>".join(f"Run {n}: {PARA}" for n in range(6))
    specs = "".join(f"<li>Spec {n}: four new lines, every five minutes, ok.</li>" for n in range(9))
    doc = _doc(f"<div id='story'><div class='lead'>{PARA}</div>{runs}<ul>{specs}</ul></div>")
    texts = _texts(extract_body(doc))
    assert [t.split(":")[0] for t in texts if t.startswith("Run")] == [f"Run {n}" for n in range(6)]


def _ld_doc(body: str, stated: str) -> Document:
    data = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "articleBody": stated}
    )
    html = (
        f"<html><head><title>Trams approved</title><script type='application/ld+json'>{data}"
        f"</script></head><body>{body}</body></html>"
    )
    return Document(tree=LexborHTMLParser(html), html=html)


def test_paywalled_page_takes_the_body_its_json_ld_states() -> None:
    stated = "\n".join(f"Paragraph {n}: {PARA}" for n in range(6))
    doc = _ld_doc(
        f"<article>{_para(0)}<div class='paywall'>Subscribe to read on.</div></article>", stated
    )
    assert [t.split(":")[0] for t in _texts(extract_body(doc))] == [
        f"Paragraph {n}" for n in range(6)
    ]


def test_json_ld_body_of_another_text_or_as_long_is_not_taken() -> None:
    other = " ".join(f"Unrelated sentence number {n} about something else." for n in range(30))
    page = "".join(_para(n) for n in range(3))
    assert _texts(extract_body(_ld_doc(f"<article>{page}</article>", other)))[0].startswith(
        "Paragraph 0"
    )
    same = "\n".join(f"Paragraph {n}: {PARA}" for n in range(4))
    texts = _texts(extract_body(_ld_doc(f"<article>{page}</article>", same)))
    assert [t.split(":")[0] for t in texts] == ["Paragraph 0", "Paragraph 1", "Paragraph 2"]


def test_long_image_caption_inside_the_body_is_left_out() -> None:
    caption = (
        f"<p class='wp-caption-text'>Caption: the new tram at the depot. {PARA} (Photo: AP)</p>"
    )
    doc = _doc(
        f"<article>{_para(1)}<div class='wp-caption'><img src='t.jpg'>{caption}</div>"
        f"{_para(2)}</article>"
    )
    assert [t.split(":")[0] for t in _texts(extract_body(doc))] == ["Paragraph 1", "Paragraph 2"]


def test_photo_gallery_legends_never_beat_the_article() -> None:
    slides = "".join(
        f"<li><h3>{n}/12 Depot</h3><p>Slide {n}: {PARA} {PARA}</p></li>" for n in range(4)
    )
    gallery = (
        f"<div><div class='photo-gallery'><div><ul class='slides'>{slides}</ul></div></div></div>"
    )
    story = "".join(_para(n) for n in range(4))
    doc = _doc(f"<div><article><div class='text'>{story}</div></article></div>{gallery}")
    assert [t.split(":")[0] for t in _texts(extract_body(doc))] == [
        f"Paragraph {n}" for n in range(4)
    ]


def test_stream_of_story_cards_loses_to_the_article() -> None:
    cards = "".join(
        f"<li><h3><a href='/s/{n}'>Story {n} headline</a></h3><p>Card {n}: {PARA}</p></li>"
        for n in range(10)
    )
    story = "".join(_para(n) for n in range(3))
    doc = _doc(
        f"<div><div class='story'>{story}</div></div>"
        f"<section><div><div><ul class='stream'>{cards}</ul></div></div></section>"
    )
    assert [t.split(":")[0] for t in _texts(extract_body(doc))] == [
        f"Paragraph {n}" for n in range(3)
    ]


def test_story_cards_inside_the_chosen_body_are_dropped() -> None:
    # A "recommended for you" stream in the same container as a short article, holding
    # more text than it: the cards go, the article stays.
    cards = "".join(
        f"<li><h3><a href='/s/{n}'>Story {n} headline</a></h3><p>Card {n}: {PARA}</p></li>"
        for n in range(8)
    )
    story = "".join(_para(n) for n in range(4))
    doc = _doc(f"<div class='main'>{story}<h2>Recommended</h2><ul>{cards}</ul></div>")
    texts = _texts(extract_body(doc))
    assert [t.split(":")[0] for t in texts] == [f"Paragraph {n}" for n in range(4)]


def test_teaser_article_inside_the_body_is_dropped() -> None:
    teaser = (
        "<article><h3><span>Live</span><a href='/live'>Latest news on the trams</a></h3>"
        "<div>All the news on the tram network, as it happens, in our live blog.</div></article>"
    )
    story = "".join(_para(n) for n in range(4))
    doc = _doc(f"<div class='main'>{story}<p>More in our live blog:</p>{teaser}</div>")
    texts = _texts(extract_body(doc))
    assert not any("live blog." in t or "Latest news" in t for t in texts)
    assert [t.split(":")[0] for t in texts[:4]] == [f"Paragraph {n}" for n in range(4)]


def test_page_that_is_a_list_of_cards_keeps_them() -> None:
    cards = "".join(
        f"<li><h3><a href='/s/{n}'>Story {n} headline</a></h3><p>Card {n}: {PARA}</p></li>"
        for n in range(4)
    )
    doc = _doc(f"<div class='main'><p>Our picks this week, in short.</p><ul>{cards}</ul></div>")
    assert sum(t.startswith("Card") for t in _texts(extract_body(doc))) == 4


def test_ruby_readings_left_out() -> None:
    # Japanese pages print kana readings over kanji (<ruby>子<rt>こ</rt></ruby>): the text
    # is the base characters alone.
    kanji = "<ruby>虐待<rp>(</rp><rt>ぎゃくたい</rt><rp>)</rp></ruby>"
    line = f"<ruby>子<rt>こ</rt></ruby>どもへの{kanji}をなくすための法律ができて、親が教育する。"
    doc = _doc(f"<article>{''.join(f'<p>{line}{n}</p>' for n in range(3))}</article>")
    assert (
        _texts(extract_body(doc))[0] == "子どもへの虐待をなくすための法律ができて、親が教育する。0"
    )


def test_short_article_beats_a_testimonial_slider() -> None:
    # A carousel of long quotes outscores a two-paragraph page by length alone; layout
    # chrome (slider, sidebar, pop-up) weighs less than the page's own text.
    quote = f"{PARA} {PARA} {PARA}"
    quotes = "".join(f"<div class='slide'><p>Client {n}: {quote}</p></div>" for n in range(4))
    doc = _doc(
        f"<div class='row'><div class='intro'>{_para(1)}{_para(2)}{_para(3)}</div></div>"
        f"<div class='row'><div class='testimonial-slider'>{quotes}</div></div>"
    )
    texts = _texts(extract_body(doc))
    assert texts[0].startswith("Paragraph 1:")
    assert not any(text.startswith("Client") for text in texts)


def test_drupal_promoted_node_is_an_article() -> None:
    # "node-promoted" marks an article shown on the front page, not a promo box.
    article = f"<div class='node node-article node-promoted'>{_para(1)}{_para(2)}</div>"
    doc = _doc(f"{article}<div class='block'><p>Newest: {PARA}</p></div>")
    texts = _texts(extract_body(doc))
    assert [text.split(":")[0] for text in texts] == ["Paragraph 1", "Paragraph 2"]


LEAD = "The city will build four new tram lines by 2030, the council decided after a long debate."


def test_lead_before_the_body_container_is_kept() -> None:
    # A standfirst in its own "intro" block next to the body's container is the
    # article's first paragraph; the headline and a short dateline are not.
    header = (
        "<div class='article-header'><h1>Trams approved</h1><p>May 5, 2024</p>"
        f"<p class='intro'>{LEAD}</p></div>"
    )
    body = "".join(_para(n) for n in range(1, 5))
    doc = _doc(f"<div class='page'>{header}<div class='body'>{body}</div></div>")
    texts = _texts(extract_body(doc))
    assert texts[0] == LEAD
    assert texts[1].startswith("Paragraph 1:")
    assert "May 5, 2024" not in texts


def test_lead_before_the_container_the_body_opens_is_kept() -> None:
    # The body opens a column wrapper; the lead sits before the wrapper.
    body = "".join(_para(n) for n in range(1, 5))
    doc = _doc(f"<div><div class='lead'>{LEAD}</div><div class='col'><div>{body}</div></div></div>")
    assert _texts(extract_body(doc))[0] == LEAD


def test_lists_and_link_lines_before_the_body_are_no_lead() -> None:
    links = "".join(
        f"<li><a href='/s{n}'>Story {n}, with a long linked title here</a></li>" for n in range(3)
    )
    teaser = f"<div><a href='/t'>{LEAD}</a></div>"
    body = "".join(_para(n) for n in range(1, 5))
    doc = _doc(f"<div><ul>{links}</ul>{teaser}<div class='body'>{body}</div></div>")
    assert _texts(extract_body(doc))[0].startswith("Paragraph 1:")


def test_commentary_is_an_article_not_comments() -> None:
    # "commentary" names an opinion piece; a comment section beside it still goes.
    comments = "".join(f"<p>Reader {n}: {PARA}</p>" for n in range(3))
    doc = _doc(
        f"<div class='sect news commentary'>{_para(1)}{_para(2)}{_para(3)}</div>"
        f"<div class='comments'>{comments}</div>"
    )
    texts = _texts(extract_body(doc))
    assert [text.split(":")[0] for text in texts] == ["Paragraph 1", "Paragraph 2", "Paragraph 3"]


def test_deck_in_an_h2_under_the_headline_is_the_lead() -> None:
    body = "".join(_para(n) for n in range(1, 5))
    doc = _doc(f"<div><h1>Trams approved</h1><h2>{LEAD}</h2><div class='body'>{body}</div></div>")
    texts = _texts(extract_body(doc))
    assert texts[:2] == [LEAD, _texts(extract_body(_doc(body)))[0]]


def test_short_copyright_lines_are_dropped() -> None:
    # Photo credits and copyright notices outside <figcaption> markup.
    credit = "<div>Marco Odermatt, ski star from Switzerland. © AFP / MARCO BERTORELLO</div>"
    doc = _doc(f"<article>{_para(1)}{credit}{_para(2)}</article>")
    texts = _texts(extract_body(doc))
    assert [text.split(":")[0] for text in texts] == ["Paragraph 1", "Paragraph 2"]
