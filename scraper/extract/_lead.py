"""The lead (standfirst) of an article, printed outside the container that holds the body.

The scored container rarely holds the lead. Two places are looked at, and both are kept
because each finds leads the other misses:
- lead_after_headline: many layouts put the headline and a one- or two-sentence lead in
  a title block, the story in a column further down. The paragraphs between the headline
  and the body, when they read as prose (long, punctuated, few links) and sit in no
  chrome-named box, are its lead.
- lead_before_body: the few elements just before the body's container (or before the
  wrapper the body opens), as "intro", "lead", "teaser" or "article-header" blocks.
"""

from __future__ import annotations

import itertools

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.clean import normalize_space
from scraper.extract._boiler import PUNCTUATION_RE, is_boilerplate_named, link_density
from scraper.parse import ancestors, ancestors_in_body, self_and_ancestors

LEAD_MIN = 60  # characters: a sentence, not a kicker, a dateline or a byline
LEAD_MAX_PARAGRAPHS = 2
LEAD_MAX_LINKS = 0.2
LEAD_LEVELS = 12  # the headline and the body meet within this many levels
LEAD_END = (".", "!", "?", "\u3002", "\uff01", "\uff1f", "\u2026")
# Before the body (lead_before_body): the few elements just before its container.
LEAD_SIBLINGS = 3  # elements before the body looked at for a lead
STANDFIRST_MIN = 80  # characters
# A lead is in one of these (a deck is often an <h2> under the <h1> headline).
LEAD_TAGS = frozenset({"p", "div", "section", "header", "hgroup", "h2"})
LEAD_BLOCK_TAGS = LEAD_TAGS | {
    "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure",
}  # fmt: skip
LEAD_DEPTH = 4
LEAD_CLIMB = 3  # levels above a body that opens its container
LEAD_MAX = 1500  # characters: a longer element before the body is no lead
LEAD_STOP = frozenset({"ul", "ol", "table", "form", "nav", "head"})
STANDFIRST_MAX_LINKS = 0.25


def lead_after_headline(
    tree: LexborHTMLParser, nodes: list[LexborNode], *, title: str
) -> list[LexborNode]:
    """nodes, preceded by the lead paragraphs found between the headline and them."""
    headline = _headline(tree, title)
    if headline is None or not nodes or _inside_any(headline, nodes):
        return nodes
    common = _common_ancestor(headline, nodes[0])
    if common is None:
        return nodes
    return [*_leads(common, headline=headline, body=nodes), *nodes]


def _headline(tree: LexborHTMLParser, title: str) -> LexborNode | None:
    """The page's h1 that says its title (the first h1 when it is the only one)."""
    body = tree.body
    if body is None:
        return None
    heads = body.css("h1")
    folded = normalize_space(title).casefold()
    for head in heads:
        text = normalize_space(head.text()).casefold()
        if text and text in folded:
            return head
    return heads[0] if len(heads) == 1 else None


def _ancestor_ids(node: LexborNode) -> set[int]:
    return {above.mem_id for above in itertools.takewhile(_below_html, ancestors(node))}


def _below_html(node: LexborNode) -> bool:
    return node.tag != "html"


def _inside_any(node: LexborNode, nodes: list[LexborNode]) -> bool:
    above = _ancestor_ids(node)
    return any(other.mem_id in above or other.mem_id == node.mem_id for other in nodes)


def _common_ancestor(headline: LexborNode, first: LexborNode) -> LexborNode | None:
    above = _ancestor_ids(first)
    shared = (c for c in ancestors_in_body(headline, limit=LEAD_LEVELS) if c.mem_id in above)
    return next(shared, None)


def _leads(common: LexborNode, *, headline: LexborNode, body: list[LexborNode]) -> list[LexborNode]:
    """Prose paragraphs after the headline and before the body's first paragraph, in
    document order (a body without <p> gives no place to stop: no lead)."""
    stops = {p.mem_id for node in body for p in node.css("p")}
    stops.update(node.mem_id for node in body if node.tag == "p")
    if not stops:
        return []
    body_ids = {node.mem_id for node in body}
    found: list[LexborNode] = []
    started = False
    for node in common.css("h1, p"):
        if node.mem_id in stops:
            break
        if node.mem_id == headline.mem_id:
            started = True
        elif started and _is_lead(node, common):
            if body_ids & _ancestor_ids(node):
                break
            found.append(node)
    return found[:LEAD_MAX_PARAGRAPHS]


def _is_lead(node: LexborNode, common: LexborNode) -> bool:
    text = normalize_space(node.text())
    if len(text) < LEAD_MIN or not text.endswith(LEAD_END):
        return False
    links = sum(len(a.text(strip=True)) for a in node.css("a"))
    if links > LEAD_MAX_LINKS * len(text):
        return False
    below_common = itertools.takewhile(
        lambda above: above.mem_id != common.mem_id, self_and_ancestors(node)
    )
    return not any(is_boilerplate_named(current) for current in below_common)


def lead_before_body(nodes: list[LexborNode]) -> list[LexborNode]:
    """The body with its lead: the prose paragraphs of the few elements just before it
    (a standfirst in "intro", "lead" or "article-header" markup, outside the body's
    container), in document order. When the body opens its container, the elements
    before the container are looked at."""
    anchor = nodes[0]
    for _ in range(LEAD_CLIMB):
        if anchor.tag == "body" or _content_before(anchor) or anchor.parent is None:
            break
        anchor = anchor.parent
    if anchor.tag == "body":
        return nodes
    lead: list[LexborNode] = []
    sibling = anchor.prev
    seen = 0
    while sibling is not None and seen < LEAD_SIBLINGS and sibling.tag not in LEAD_STOP:
        if _has_text(sibling):
            seen += 1
            lead[:0] = _lead_paragraphs(sibling)
        sibling = sibling.prev
    return lead + nodes


def _content_before(node: LexborNode) -> bool:
    sibling = node.prev
    while sibling is not None:
        if _has_text(sibling):
            return True
        sibling = sibling.prev
    return False


def _has_text(node: LexborNode) -> bool:
    return not (node.tag or "-").startswith("-") and bool(node.text(strip=True))


def _lead_paragraphs(node: LexborNode, depth: int = 0) -> list[LexborNode]:
    """The innermost paragraph-like blocks of node (itself when it holds none) that read
    as a lead; the headline, lists and tables are not one."""
    if node.tag not in LEAD_TAGS or len(node.text(strip=True)) > LEAD_MAX:
        return []
    children = [child for child in node.iter() if child.tag in LEAD_BLOCK_TAGS]
    if not children:
        return [node] if _is_standfirst(node) else []
    if depth >= LEAD_DEPTH:
        return []
    return [part for child in children for part in _lead_paragraphs(child, depth + 1)]


def _is_standfirst(node: LexborNode) -> bool:
    text = node.text(strip=True)
    return (
        len(text) >= STANDFIRST_MIN
        and PUNCTUATION_RE.search(text) is not None
        and link_density(node) < STANDFIRST_MAX_LINKS
    )
