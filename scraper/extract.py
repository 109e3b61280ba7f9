"""Extract stage: find the article body in a parsed page (generic, on selectolax).

One clone of the parse is mutated: chrome is detached with a few big selectors, the
paragraph-like nodes score their parent and grandparent (text length, punctuation,
link density; characters, not words, so CJK pages score too), the best container and
its body-like siblings are cleaned of boilerplate classes and walked into blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from scraper.extract_boiler import remove_all, remove_boilerplate, remove_boilerplate_in
from scraper.extract_walk import blocks_from
from scraper.model import Body, Document

__all__ = ["blocks_from", "extract_body"]

PARAGRAPHS = "p, pre, blockquote, td, li, br"
PRIORS = ", ".join(
    (
        "article, main, [role=main], [itemprop=articleBody], [itemprop=text]",
        "[class*=article-body i], [class*=articlebody i], [class*=article__body i]",
        "[class*=story-body i], [class*=post-content i], [class*=entry-content i]",
        "[class*=article-content i], [class*=article__content i], [class*=post-body i]",
        "[class*=story-content i], [class*=article-text i], [class*=rich-text i]",
    )
)
PUNCTUATION = ",.;:!?\uff0c\u3001\u3002\uff01\uff1f\u060c"  # incl. CJK and Arabic marks
MIN_PARAGRAPH = 25  # characters
TOP_CANDIDATES = 8
PRIOR_BONUS = 1.4
SIBLING_SHARE = 0.2  # a sibling scoring this share of the best joins it
SIBLING_PARAGRAPH = 80  # or a plain paragraph this long with few links
SIBLING_MAX_LINKS = 0.25


@dataclass(frozen=True, slots=True)
class _Candidate:
    node: LexborNode
    score: float


def extract_body(doc: Document, *, remove: Sequence[str] = (), body: Sequence[str] = ()) -> Body:
    """The article's blocks, in order. Works on a clone of doc.tree.

    `remove`: CSS selectors detached before anything else (site rule).
    `body`: CSS selectors of the body; the first that matches gives the nodes walked,
    skipping the scoring. A page without an article gives Body(()).
    """
    tree = _clone(doc)
    remove_all(tree, remove)
    title = _title(doc.tree)
    ruled = _rule_nodes(tree, body)
    if ruled:
        remove_boilerplate(tree)
        return blocks_from(_cleaned(ruled), title=title)
    remove_boilerplate(tree)
    nodes = find_body(tree)
    return blocks_from(_cleaned(nodes), title=title) if nodes else Body(())


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
    for node in nodes:
        remove_boilerplate_in(node)
    return nodes


def _title(tree: LexborHTMLParser) -> str:
    parts = [node.text() for node in tree.css("head > title")]
    parts += [
        node.attributes.get("content") or ""
        for node in tree.css("meta[property='og:title'], meta[name='twitter:title']")
    ]
    return " | ".join(parts)


def find_body(tree: LexborHTMLParser) -> list[LexborNode]:
    """The best-scoring container and its body-like siblings, in document order."""
    scores = _score_parents(tree)
    if not scores:
        return []
    best = _best(tree, scores)
    return _with_siblings(best, scores)


def _paragraph_score(text: str) -> float:
    length = len(text)
    if length < MIN_PARAGRAPH:
        return 0.0
    punct = sum(text.count(mark) for mark in PUNCTUATION)
    return 1.0 + min(punct, 10) + min(length / 100, 3.0)


def _score_parents(tree: LexborHTMLParser) -> dict[LexborNode, float]:
    scores: dict[LexborNode, float] = {}
    seen: set[LexborNode] = set()
    for node in tree.css(PARAGRAPHS):
        para = node.parent if node.tag == "br" else node
        if para is None or para in seen:
            continue
        seen.add(para)
        score = _paragraph_score(para.text(strip=True))
        if not score:
            continue
        parent = para.parent
        for share in (1.0, 0.5, 0.25):
            if parent is None or parent.tag in ("html", "-document"):
                break
            scores[parent] = scores.get(parent, 0.0) + score * share
            parent = parent.parent
    return scores


def _link_density(node: LexborNode) -> float:
    total = len(node.text(strip=True))
    if not total:
        return 1.0
    links = sum(len(a.text(strip=True)) for a in node.css("a"))
    return min(links / total, 1.0)


def _best(tree: LexborHTMLParser, scores: dict[LexborNode, float]) -> _Candidate:
    top = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:TOP_CANDIDATES]
    priors = set(tree.css(PRIORS))
    ranked = [
        _Candidate(node, score * (1.0 - _link_density(node)) * _prior(node, priors))
        for node, score in top
    ]
    return max(ranked, key=lambda c: c.score)


def _prior(node: LexborNode, priors: set[LexborNode]) -> float:
    parent = node.parent
    return PRIOR_BONUS if node in priors or (parent is not None and parent in priors) else 1.0


def _with_siblings(best: _Candidate, scores: dict[LexborNode, float]) -> list[LexborNode]:
    parent = best.node.parent
    if parent is None or best.node.tag == "body":
        return [best.node]
    threshold = max(10.0, best.score * SIBLING_SHARE)
    return [
        sibling
        for sibling in parent.iter()
        if sibling == best.node or _joins(sibling, scores.get(sibling, 0.0), threshold)
    ]


def _joins(sibling: LexborNode, score: float, threshold: float) -> bool:
    if score >= threshold:
        return _link_density(sibling) < SIBLING_MAX_LINKS * 2
    if sibling.tag != "p":
        return False
    text = sibling.text(strip=True)
    return len(text) >= SIBLING_PARAGRAPH and _link_density(sibling) < SIBLING_MAX_LINKS
