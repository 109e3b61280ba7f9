"""The lead (standfirst) of an article printed with its headline, outside the body.

Many layouts put the headline and a one- or two-sentence lead in a title block, and the
story in a separate column further down: the scored container never holds the lead.
The paragraphs between the headline and the start of the chosen body, when they read as
prose (long, punctuated, few links) and sit in no chrome-named box, are its lead.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.clean import normalize_space
from scraper.extract_boiler import is_boilerplate_named

LEAD_MIN = 60  # characters: a sentence, not a kicker, a dateline or a byline
LEAD_MAX_PARAGRAPHS = 2
LEAD_MAX_LINKS = 0.2
LEAD_LEVELS = 12  # the headline and the body meet within this many levels
LEAD_END = (".", "!", "?", "\u3002", "\uff01", "\uff1f", "\u2026")


def with_lead(tree: LexborHTMLParser, nodes: list[LexborNode], *, title: str) -> list[LexborNode]:
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


def _ancestor_ids(node: LexborNode) -> dict[int, LexborNode]:
    found: dict[int, LexborNode] = {}
    current = node.parent
    while current is not None and current.tag != "html":
        found[current.mem_id] = current
        current = current.parent
    return found


def _inside_any(node: LexborNode, nodes: list[LexborNode]) -> bool:
    above = _ancestor_ids(node)
    return any(other.mem_id in above or other.mem_id == node.mem_id for other in nodes)


def _common_ancestor(headline: LexborNode, first: LexborNode) -> LexborNode | None:
    above = _ancestor_ids(first)
    current = headline.parent
    for _ in range(LEAD_LEVELS):
        if current is None or current.tag in ("body", "html"):
            return None
        if current.mem_id in above:
            return current
        current = current.parent
    return None


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
            if body_ids & _ancestor_ids(node).keys():
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
    current: LexborNode | None = node
    while current is not None and current.mem_id != common.mem_id:
        if is_boilerplate_named(current):
            return False
        current = current.parent
    return True
