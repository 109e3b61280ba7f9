"""Extract stage: find the article body in a parsed page (generic, on selectolax).

One clone of the parse is mutated: chrome is detached with a few big selectors, the
paragraph-like nodes score their parent and grandparent (text length, punctuation,
link density; characters, not words, so CJK pages score too), the best container and
its body-like siblings are cleaned of boilerplate classes and walked into blocks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from scraper.budget import UNLIMITED, Budget
from scraper.extract._boiler import (
    COMMENT_BOILER,
    PUNCTUATION_RE,
    STRONG_BOILER,
    in_strong_boilerplate,
    is_boilerplate_named,
    link_density,
    remove_all,
    remove_boilerplate,
    remove_boilerplate_in,
    text_len,
)
from scraper.extract._ld import with_stated_body
from scraper.extract._lead import lead_after_headline, lead_before_body
from scraper.extract._walk import blocks_from
from scraper.model import Body, Document
from scraper.parse import ancestors, ancestors_in_body

__all__ = ["blocks_from", "extract_body"]

PARAGRAPHS = "p, pre, blockquote, td, li, br"
# Pages that write paragraphs as bare text in divs are scored again with divs.
PARAGRAPHS_AND_DIVS = PARAGRAPHS + ", div"
WEAK_SCORE = 15.0  # below this the divs are taken whatever they score
DIV_RETRY = 40.0  # a best paragraph score below this: score divs with text too
DIV_GAIN = 2.0  # and take them when they find a container this many times better
# Paragraph-like elements that are often teaser links: scored net of their link text.
LINKY_PARAGRAPHS = frozenset({"li", "td"})
INLINE = frozenset({"-text", "a", "span", "em", "strong", "b", "i", "u", "font", "small", "sup"})
PRIOR_TAGS = frozenset({"article", "main"})
PRIOR_CLASSES = (
    "article-body", "articlebody", "article__body", "story-body", "post-content",
    "entry-content", "article-content", "article__content", "post-body", "story-content",
    "article-text", "rich-text", "main-content", "content-body",
)  # fmt: skip
# A prior class starts a class word or follows a separator ("c-article-body",
# "article-body__text"), not the middle of one ("giz-blockcontent-body" is a comment box).
_PRIOR_RE = re.compile(
    "(?:^|[^a-z0-9])(?:" + "|".join(re.escape(name) for name in PRIOR_CLASSES) + ")"
)
MIN_PARAGRAPH = 25  # characters
TOP_CANDIDATES = 6
PRIOR_BONUS = 1.4
CARD_HEADLINE = "h2 a, h3 a, h4 a, a h2, a h3, a h4"
CARD_MIN = 3
CARD_WEIGHT = 0.2
CARD_SHARE = 0.5  # of a candidate's paragraph score in card lists
CARD_LIST_SHARE = 0.1  # lists holding less are not looked at
CARD_TEXT = 400  # characters: a nested <article> with a linked headline is a teaser card
CARD_REST = 500  # characters outside a card list for it to be dropped from the body
CLIMB_RATIO = 1.8  # an ancestor holding this many times the paragraphs is preferred
LEVEL_SHARES = (1.0, 0.6, 0.35, 0.2)  # of a paragraph's score, to parent, grandparent...
CLIMB_MAX_LINKS = 0.2
CLIMB_LEVELS = 5
INSIDE_DEPTH = 10  # levels above a paragraph that count it as held inside
FIRST_SHARE = 0.15  # an earlier article like the best, scoring this share of it, is the page's
FIRST_MIN = 12.0  # and this much: several paragraphs, not a standfirst in a layout class
# Layout chrome (a sidebar, a slider, a pop-up): a paragraph inside it scores this share,
# so that a short article beats a long testimonial carousel or a sidebar's text.
CHROME_NAMES = (
    "sidebar", "slider", "carousel", "modal", "popup", "dialog", "flyout", "aside",
    "testimonial", "login",
)  # fmt: skip
_CHROME_RE = re.compile("|".join(CHROME_NAMES), re.IGNORECASE)
CHROME_PENALTY = 0.3
MAIN_SELECTOR = "main, [role=main]"
SIBLING_SHARE = 0.2  # a sibling scoring this share of the best joins it
SIBLING_PARAGRAPH = 80  # or a plain paragraph this long with few links
SIBLING_MAX_LINKS = 0.25
PART_LEVELS = 10  # a chunk of a split body shares an ancestor this close with the best
PART_MIN = 5.0  # and scores this much: a paragraph or more


@dataclass(frozen=True, slots=True)
class _Candidate:
    node: LexborNode
    score: float


def extract_body(
    doc: Document,
    *,
    remove: Sequence[str] = (),
    body: Sequence[str] = (),
    budget: Budget = UNLIMITED,
) -> Body:
    """The article's blocks, in order. Works on a clone of doc.tree.

    `remove`: CSS selectors detached before anything else (site rule).
    `body`: CSS selectors of the body; the first that matches gives the nodes walked,
    skipping the scoring. A page without an article gives Body(()).
    `budget`: the page's time and text budget (PageTooSlowError, TextTooLargeError).
    """
    tree = _clone(doc)
    remove_all(tree, remove)
    title = _title(doc.tree)
    ruled = _rule_nodes(tree, body)
    if ruled:
        remove_boilerplate(tree)
        return blocks_from(_cleaned(ruled), title=title, linked_paragraphs=True, budget=budget)
    remove_boilerplate(tree)
    budget.check()
    return with_stated_body(doc, _scored(doc, tree, title=title, remove=remove, budget=budget))


def _scored(
    doc: Document, tree: LexborHTMLParser, *, title: str, remove: Sequence[str], budget: Budget
) -> Body:
    """The generic path: the best-scoring container's blocks, else the page's text."""
    page = tree.body
    if page is None:
        return Body(())
    remove_boilerplate_in(page, strong=COMMENT_BOILER, always=COMMENT_BOILER)
    found = _walk_best(tree, title=title, budget=budget)
    if found.blocks:
        return found
    # Nothing outside comment-like blocks: a forum or a page whose article carries such a
    # class. Score again without the class pass; failing that, the page is the text.
    tree = _clone(doc)
    remove_all(tree, remove)
    remove_boilerplate(tree)
    found = _walk_best(tree, title=title, budget=budget)
    if found.blocks or tree.body is None:
        return found
    return blocks_from([tree.body], title=title, budget=budget)


def _walk_best(tree: LexborHTMLParser, *, title: str, budget: Budget) -> Body:
    """The best container's blocks, led by its lead (a leaf block: nothing to clean)."""
    nodes = lead_after_headline(tree, find_body(tree, budget=budget), title=title)
    if not nodes:
        return Body(())
    budget.check()
    nodes = lead_before_body(_without_cards(_cleaned(nodes)))
    return blocks_from(nodes, title=title, budget=budget)


def _without_cards(nodes: list[LexborNode]) -> list[LexborNode]:
    """Story-card lists in the chosen body (a "recommended" stream: items with a linked
    headline and a summary) left out when the body holds an article besides: a page
    that is such a list, with a short intro, keeps it."""
    total = sum(text_len(node) for node in nodes)
    kept: list[LexborNode] = []
    for node in nodes:
        if node.tag in ("ul", "ol") and _is_dropped_card_list(node, total):
            continue
        for lst in node.css("ul, ol"):
            if _is_dropped_card_list(lst, total):
                lst.remove(recursive=False)
        _drop_teaser_articles(node, total)
        kept.append(node)
    return kept


def _drop_teaser_articles(node: LexborNode, total: int) -> None:
    """Nested <article>s with a linked headline and a line or two ("more in our
    liveblog"), when the body holds an article besides them."""
    cards = [
        card
        for card in node.css("article")
        if text_len(card) <= CARD_TEXT and card.css_first(CARD_HEADLINE) is not None
    ]
    if cards and total - sum(text_len(card) for card in cards) >= CARD_REST:
        for card in cards:
            card.remove(recursive=False)


def _is_dropped_card_list(node: LexborNode, total: int) -> bool:
    return total - text_len(node) >= CARD_REST and _is_card_list(node, _linked_items(node))


def _clone(doc: Document) -> LexborHTMLParser:
    """A C-level copy of the parse; selectolax cannot clone some doctypes
    (`<!DOCTYPE html SYSTEM "about:legacy-compat">`), so those are parsed again."""
    try:
        return doc.tree.clone()
    except SelectolaxError:
        return LexborHTMLParser(doc.html)


def _rule_nodes(tree: LexborHTMLParser, selectors: Sequence[str]) -> list[LexborNode]:
    for selector in selectors:
        nodes = tree.css(selector)
        if nodes:
            return nodes
    return []


def _cleaned(nodes: list[LexborNode]) -> list[LexborNode]:
    """Boilerplate removed inside the chosen nodes. When the body itself sits in a
    comment- or forum-named block (a forum thread, a page that names its article so),
    the blocks inside carrying such names are its posts: only small chrome goes."""
    for node in nodes:
        strong = () if in_strong_boilerplate(node) else STRONG_BOILER
        remove_boilerplate_in(node, strong=strong)
    return nodes


def _title(tree: LexborHTMLParser) -> str:
    head = tree.head
    if head is None:
        return ""
    parts = [node.text() for node in head.css("title")]
    parts += [
        node.attributes.get("content") or ""
        for node in head.css("meta[property='og:title'], meta[name='twitter:title']")
    ]
    return " | ".join(parts)


def find_body(tree: LexborHTMLParser, *, budget: Budget = UNLIMITED) -> list[LexborNode]:
    """The best-scoring container and its body-like siblings, in document order."""
    chrome = _Chrome()
    scores = _score_parents(tree, PARAGRAPHS, chrome=chrome, budget=budget)
    top = max(scores.near.values(), default=0.0)
    if top < DIV_RETRY:
        with_divs = _score_parents(tree, PARAGRAPHS_AND_DIVS, chrome=chrome, budget=budget)
        if top < WEAK_SCORE or max(with_divs.near.values(), default=0.0) > DIV_GAIN * top:
            scores = with_divs
    if not scores.near:
        return []
    best = _best(scores)
    if best is None:
        return []
    first = _first_of_kind(_climb(best, scores.inside), scores)
    return _with_parts(first.node, _with_siblings(first, scores.near, chrome=chrome), scores)


def _first_of_kind(best: _Candidate, scores: _Scores) -> _Candidate:
    """On a page of several articles in the same markup (an endless-scroll page, a
    list of stories), the first one that is a real article is the page's own: the
    earliest scored node with the best's tag and class, scoring a fair share of it."""
    node = best.node
    names = node.attributes.get("class")
    if not names:
        return best
    own = scores.near.get(node.mem_id, 0.0)
    if not own:
        return best
    floor = max(FIRST_SHARE * own, FIRST_MIN)
    for key, other in scores.nodes.items():  # insertion order: document order
        if key == node.mem_id:
            return best
        if (
            other.tag == node.tag
            and scores.near[key] >= floor
            and other.attributes.get("class") == names
            and not in_strong_boilerplate(other)
        ):
            return _Candidate(other, best.score * scores.near[key] / own)
    return best


def _with_parts(best: LexborNode, chosen: list[LexborNode], scores: _Scores) -> list[LexborNode]:
    """The chosen nodes plus the other chunks of a body split around ads, figures or
    boxes: later nodes with the best's tag and class, in the same article, close by."""
    names = best.attributes.get("class")
    if not names:
        return chosen
    near = _ancestor_ids(best, PART_LEVELS)
    parts: tuple[list[LexborNode], list[LexborNode]] = ([], [])
    passed = False
    for key, other in scores.nodes.items():  # document order
        passed = passed or key == best.mem_id
        if (
            other.tag == best.tag
            and key != best.mem_id
            and other.attributes.get("class") == names
            and scores.near[key] >= PART_MIN
            and _is_part(best, other, near)
        ):
            parts[passed].append(other)
    return [*parts[0], *chosen, *parts[1]]


def _ancestor_ids(node: LexborNode, levels: int) -> dict[int, LexborNode]:
    return {above.mem_id: above for above in ancestors_in_body(node, limit=levels)}


def _is_part(best: LexborNode, other: LexborNode, near: dict[int, LexborNode]) -> bool:
    """Whether other shares a close ancestor with best that holds one article: no
    nesting either way, one headline, few links."""
    if other.mem_id in near or best.mem_id in _ancestor_ids(other, INSIDE_DEPTH):
        return False
    common = next((near[key] for key in _ancestor_ids(other, PART_LEVELS) if key in near), None)
    return (
        common is not None
        and len(common.css("h1, article")) <= 1
        and not in_strong_boilerplate(other)
        and not is_boilerplate_named(other)
        and link_density(other) < SIBLING_MAX_LINKS
    )


def _climb(best: _Candidate, inside: dict[int, float]) -> _Candidate:
    """Go up from a container that holds only a small part of the paragraphs around it
    (a body split into chunks wrapped several levels deep), while the ancestor is not a
    link farm."""
    node = best.node
    while (higher := _richer_ancestor(node, inside)) is not None:
        node = higher
    return _Candidate(node, best.score)


def _richer_ancestor(node: LexborNode, inside: dict[int, float]) -> LexborNode | None:
    held = inside.get(node.mem_id, 0.0)
    for ancestor in ancestors_in_body(node, limit=CLIMB_LEVELS):
        if inside.get(ancestor.mem_id, 0.0) >= CLIMB_RATIO * held:
            return ancestor if link_density(ancestor) <= CLIMB_MAX_LINKS else None
    return None


def _paragraph_score(text: str) -> float:
    length = len(text)
    if length < MIN_PARAGRAPH:
        return 0.0
    punct = len(PUNCTUATION_RE.findall(text))
    return 1.0 + min(punct, 10) + min(length / 100, 3.0)


@dataclass(frozen=True, slots=True)
class _Scores:
    """Readability-style scores (parent, grandparent...) and the paragraph score held
    anywhere inside each node, keyed by the node's mem_id: selectolax's node `==`
    compares serialised HTML, far too slow for dict keys."""

    near: dict[int, float]
    inside: dict[int, float]
    nodes: dict[int, LexborNode]


def _score_parents(
    tree: LexborHTMLParser, selector: str, *, chrome: _Chrome, budget: Budget
) -> _Scores:
    scores: dict[int, float] = {}
    inside: dict[int, float] = {}
    chains: dict[int, tuple[LexborNode, ...]] = {}
    nodes: dict[int, LexborNode] = {}
    seen: set[int] = set()
    for node in tree.css(selector):
        para = node.parent if node.tag == "br" else node
        if para is None or para.mem_id in seen:
            continue
        seen.add(para.mem_id)
        budget.check()
        if para.tag == "div":
            score = sum(_paragraph_score(run) for run in _direct_runs(para))
        else:
            text = para.text(strip=True)
            score = _paragraph_score(text)
        if score and para.tag in LINKY_PARAGRAPHS:
            score *= 1.0 - _link_share(para, len(text))
        if not score:
            continue
        chain = _ancestors(para, chains)
        if _in_chrome(para, chrome):
            score *= CHROME_PENALTY
        inside[para.mem_id] = inside.get(para.mem_id, 0.0) + score
        for depth, ancestor in enumerate(chain):
            key = ancestor.mem_id
            inside[key] = inside.get(key, 0.0) + score
            if depth < len(LEVEL_SHARES):
                scores[key] = scores.get(key, 0.0) + score * LEVEL_SHARES[depth]
                nodes[key] = ancestor
    return _Scores(scores, inside, nodes)


def _ancestors(
    node: LexborNode, chains: dict[int, tuple[LexborNode, ...]]
) -> tuple[LexborNode, ...]:
    """Up to INSIDE_DEPTH ancestors below <html>, nearest first; memoised, since the
    paragraphs of a page share most of their ancestors."""
    path: list[LexborNode] = []
    parent = node.parent
    tail: tuple[LexborNode, ...] = ()
    while parent is not None and parent.tag not in ("html", "-document"):
        known = chains.get(parent.mem_id)
        if known is not None:
            tail = known
            break
        path.append(parent)
        parent = parent.parent
    for ancestor in reversed(path):
        tail = (ancestor, *tail)[:INSIDE_DEPTH]
        chains[ancestor.mem_id] = tail
    return tail


def _direct_runs(node: LexborNode) -> list[str]:
    """The text of a div's own text nodes and inline children (not of nested blocks),
    split at its <br>s: each run is a paragraph of a page that writes them so."""
    runs: list[str] = []
    parts: list[str] = []
    for child in node.iter(include_text=True):
        if child.tag == "br":
            runs.append("".join(parts).strip())
            parts = []
        elif child.tag in INLINE:
            parts.append(child.text())
    runs.append("".join(parts).strip())
    return runs


def _link_share(node: LexborNode, length: int) -> float:
    links = sum(len(a.text(strip=True)) for a in node.css("a"))
    return min(links / length, 1.0) if length else 1.0


@dataclass(slots=True)
class _Chrome:
    """Which nodes are named as layout chrome (own) and sit in such a node (above),
    judged once per node of one page: mem_id -> answer."""

    own: dict[int, bool] = field(default_factory=dict)
    above: dict[int, bool] = field(default_factory=dict)


def _chrome_named(node: LexborNode, chrome: _Chrome) -> bool:
    """Whether node's class or id names layout chrome, unless it holds <main>: a page
    wrapper ("dialog-off-canvas-main-canvas") holds the article too."""
    key = node.mem_id
    answer = chrome.own.get(key)
    if answer is None:
        element = not (node.tag or "-").startswith("-")  # comments have no attributes
        names = f"{node.attrs.get('class') or ''} {node.id or ''}" if element else ""
        answer = (
            len(names) > 1
            and _CHROME_RE.search(names) is not None
            and node.css_first(MAIN_SELECTOR) is None
        )
        chrome.own[key] = answer
    return answer


def _in_chrome(node: LexborNode, chrome: _Chrome) -> bool:
    """Whether node or one of its ancestors below <body> is named as chrome."""
    path: list[LexborNode] = []
    current: LexborNode | None = node
    answer = False
    while current is not None and current.tag not in ("body", "html", "-document"):
        known = chrome.above.get(current.mem_id)
        if known is not None:
            answer = known
            break
        path.append(current)
        current = current.parent
    for step in reversed(path):
        answer = answer or _chrome_named(step, chrome)
        chrome.above[step.mem_id] = answer
    return answer


def _best(scores: _Scores) -> _Candidate | None:
    """The top candidate by score, link density and markup prior; candidates inside a
    comment or related-stories box only when every candidate is (the page's own markup
    then names its article so, e.g. a "teaser" class around a short notice)."""
    top = sorted(scores.near.items(), key=lambda item: item[1], reverse=True)[:TOP_CANDIDATES]
    ranked = [
        _Candidate(
            node, score * (1.0 - link_density(node)) * _prior(node) * _cards(node, scores.inside)
        )
        for node, score in ((scores.nodes[key], score) for key, score in top)
    ]
    if not ranked:
        return None
    plain = [candidate for candidate in ranked if not in_strong_boilerplate(candidate.node)]
    return max(plain or ranked, key=lambda c: c.score)


def _cards(node: LexborNode, inside: dict[int, float]) -> float:
    """A candidate whose text is mostly a stream of story cards (list items that carry a
    linked headline and a summary), however long the summaries, weighs CARD_WEIGHT."""
    held = inside.get(node.mem_id, 0.0)
    lists = [node] if node.tag in ("ul", "ol") else node.css("ul, ol")
    scored = ((lst, inside.get(lst.mem_id, 0.0)) for lst in lists)
    sizable = [(lst, score) for lst, score in scored if score >= CARD_LIST_SHARE * held]
    linked = _linked_items(node) if sizable else set()
    if len(linked) < CARD_MIN:  # no list of it can be a card list
        return 1.0
    carded = sum(score for lst, score in sizable if _is_card_list(lst, linked))
    return CARD_WEIGHT if carded and carded >= CARD_SHARE * held else 1.0


def _is_card_list(node: LexborNode, linked: set[int]) -> bool:
    """Whether most of a list's items are cards (`linked`: the <li>s that hold a linked
    headline, from _linked_items)."""
    items = [child for child in node.iter() if child.tag == "li"]
    cards = sum(1 for item in items if item.mem_id in linked)
    return cards >= CARD_MIN and cards * 2 >= len(items)


def _linked_items(node: LexborNode) -> set[int]:
    """The <li>s inside node that hold a linked headline: one selector pass, then each
    headline's ancestors up to node, stopping at an <li> already found (whose ancestors
    were walked then), so nested lists cost their size, not size times depth."""
    found: set[int] = set()
    for headline in node.css(CARD_HEADLINE):
        for above in ancestors(headline):
            if above.mem_id == node.mem_id or above.mem_id in found:
                break
            if above.tag == "li":
                found.add(above.mem_id)
    return found


def _prior(node: LexborNode) -> float:
    parent = node.parent
    return PRIOR_BONUS if _is_prior(node) or (parent is not None and _is_prior(parent)) else 1.0


def _is_prior(node: LexborNode) -> bool:
    """Markup that says "this is the article body" (checked on the node itself)."""
    if node.tag in PRIOR_TAGS:
        return True
    attrs = node.attributes
    if attrs.get("role") == "main" or attrs.get("itemprop") in ("articleBody", "text"):
        return True
    names = attrs.get("class") or ""
    return _PRIOR_RE.search(names.lower()) is not None


def _with_siblings(
    best: _Candidate, scores: dict[int, float], *, chrome: _Chrome
) -> list[LexborNode]:
    """The best node and the siblings that read as more of the body; a sibling named as
    layout chrome (a slider, a sidebar) does not join."""
    parent = best.node.parent
    if parent is None or best.node.tag == "body":
        return [best.node]
    threshold = max(10.0, best.score * SIBLING_SHARE)
    chosen = best.node.mem_id
    return [
        sibling
        for sibling in parent.iter()
        if sibling.mem_id == chosen
        or (
            not _chrome_named(sibling, chrome)
            and _joins(sibling, scores.get(sibling.mem_id, 0.0), threshold)
        )
    ]


def _joins(sibling: LexborNode, score: float, threshold: float) -> bool:
    if score >= threshold:
        return link_density(sibling) < SIBLING_MAX_LINKS * 2
    if sibling.tag != "p":
        return False
    text = sibling.text(strip=True)
    return len(text) >= SIBLING_PARAGRAPH and link_density(sibling) < SIBLING_MAX_LINKS
