"""Block walking: turn the chosen container(s) into ordered Blocks, in one pass.

Only block-level elements are recursed into in Python; inline runs are read with
selectolax's C-level `text()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from scraper.clean import is_ui_line, normalize_space
from scraper.model import Block, BlockKind, Body

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LISTS = frozenset({"ul", "ol", "dl"})
LIST_ITEMS = frozenset({"li", "dt", "dd"})
CONTAINERS = frozenset(
    {
        "div", "section", "article", "main", "header", "body", "center", "details",
        "figure", "hgroup", "address", "span", "font", "form", "picture", "tbody",
    }
)  # fmt: skip
BLOCK_TAGS = frozenset(
    {"p", "pre", "blockquote", "table", "hr", "br", "li", "dt", "dd"}
    | set(HEADINGS)
    | LISTS
    | CONTAINERS - {"span", "font"}
)
# Phrasing elements: read whole with text(). Any other element (span wrappers, <center>,
# custom elements) is walked into when it holds blocks.
INLINE = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd",
        "mark", "q", "s", "samp", "small", "strong", "sub", "sup", "time", "u", "var",
        "wbr", "del", "ins", "tt", "big", "strike", "nobr", "ruby", "rt", "rp",
    }
)  # fmt: skip
SKIP = frozenset({"-comment", "summary", "img", "video", "audio", "source", "picture"})
# A block whose text is more than this share link text is a teaser or menu.
MAX_LINK_SHARE = 0.6
REPEATABLE = 200  # characters of a paragraph that is kept when said again
TAIL_MAX = 40  # characters of a trailing line that is dropped when unpunctuated
CREDIT_MAX = 200  # characters of a line with a copyright sign that is dropped
SENTENCE_END = (".", "!", "?", '"', "\u201d", "\u00bb", ")", "\u3002", "\uff01", "\uff1f")


@dataclass(slots=True)
class _Walk:
    """Mutable state of one walk (local to a call, never shared)."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    parts: list[str] = field(default_factory=list)
    links: int = 0
    linked_paragraphs: bool = False
    repeating: bool = False  # the last long paragraph met was a repeat


def blocks_from(
    nodes: Iterable[LexborNode], *, title: str = "", linked_paragraphs: bool = False
) -> Body:
    """The blocks of the given nodes, in order, with teasers, UI lines and repeats dropped.
    `title`: an h1 whose text is this (or is inside it) is left out.
    `linked_paragraphs`: a <p> is kept however much of it is link text (a site rule chose
    the body: a paragraph of place names linked word by word is the article's); link-heavy
    list items and loose runs of links still go."""
    walk = _Walk(title=normalize_space(title).casefold(), linked_paragraphs=linked_paragraphs)
    for node in nodes:
        _element(walk, node, kind="paragraph", level=0)
        _flush(walk, "paragraph", 0)
    return Body(_without_tail(walk.blocks))


def _without_tail(blocks: list[Block]) -> tuple[Block, ...]:
    """Drop what trails the last paragraph and cannot end an article: headings with
    nothing under them, short unpunctuated lines ("About the author", "More on this")."""
    end = len(blocks)
    while end and _is_tail(blocks[end - 1]):
        end -= 1
    return tuple(blocks[:end] if end else blocks)  # no paragraph at all: nothing trails one


def _is_tail(block: Block) -> bool:
    if block.kind == "heading":
        return True
    text = block.text
    return block.kind in ("paragraph", "list_item") and (
        len(text) < TAIL_MAX and not text.endswith(SENTENCE_END)
    )


def _children(walk: _Walk, node: LexborNode, *, kind: BlockKind, level: int) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            walk.parts.append(child.text_content or "")
        elif tag in SKIP:
            continue
        elif tag in BLOCK_TAGS or (tag not in INLINE and _has_block(child)):
            _flush(walk, kind, level)
            _element(walk, child, kind=kind, level=level)
            _flush(walk, kind, level)
        elif tag == "a":
            text = child.text()
            walk.parts.append(text)
            walk.links += len(text.strip())
        else:
            walk.parts.append(child.text())


def _element(walk: _Walk, node: LexborNode, *, kind: BlockKind, level: int) -> None:
    tag = node.tag or ""
    if tag in HEADINGS:
        _heading(walk, node, HEADINGS[tag])
    elif tag == "pre":
        _emit(walk, "code", node.text(), level=0, links=0, keep_lines=True)
    elif tag == "table":
        _table(walk, node)
    elif tag in LISTS:
        _children(walk, node, kind="list_item", level=level + 1)
    elif tag in LIST_ITEMS:
        _children(walk, node, kind="list_item", level=max(level, 1))
    elif tag == "blockquote":
        _children(walk, node, kind="quote", level=level)
    elif tag == "br":
        pass  # the caller flushed: a line break ends the run of inline text
    elif tag == "p" and kind == "paragraph" and walk.linked_paragraphs:
        _children(walk, node, kind=kind, level=level)
        walk.links = 0  # the caller flushes the paragraph's last run as prose
    else:
        _children(walk, node, kind=kind, level=level)


def _heading(walk: _Walk, node: LexborNode, level: int) -> None:
    text = normalize_space(node.text())
    if level == 1 and (not walk.blocks or (walk.title and text.casefold() in walk.title)):
        return  # the headline: it opens the article or repeats the page title
    _emit(walk, "heading", text, level=level, links=0)


def _table(walk: _Walk, node: LexborNode) -> None:
    for row in node.css("tr"):
        cells = [normalize_space(cell.text()) for cell in row.css("th, td")]
        _emit(walk, "table_row", " | ".join(c for c in cells if c), level=0, links=0)


def _has_block(node: LexborNode) -> bool:
    return any(child.tag in BLOCK_TAGS for child in node.iter())


def _repeatable(walk: _Walk, kind: BlockKind, text: str) -> bool:
    """A long paragraph said again is the author's (said twice in a row, a refrain, the
    same paragraph under two headings) unless it follows another repeat elsewhere: a run of
    them is a copied block (a recap, a second rendering of the story). Short lines and
    notices scattered over the page ("your privacy settings block this content") repeat
    as chrome."""
    if kind != "paragraph" or len(text) < REPEATABLE:
        return False
    return not walk.repeating or (bool(walk.blocks) and walk.blocks[-1].text == text)


def _is_credit(text: str) -> bool:
    """A short line with a copyright sign: a photo credit or a copyright notice."""
    return len(text) < CREDIT_MAX and "\u00a9" in text


def _flush(walk: _Walk, kind: BlockKind, level: int) -> None:
    if walk.parts:
        text, links = "".join(walk.parts), walk.links
        walk.parts, walk.links = [], 0
        _emit(walk, kind, text, level=level if kind == "list_item" else 0, links=links)


def _emit(
    walk: _Walk, kind: BlockKind, raw: str, *, level: int, links: int, keep_lines: bool = False
) -> None:
    text = raw.strip("\n") if keep_lines else normalize_space(raw)
    if not text.strip():
        return
    if text in walk.seen and not _repeatable(walk, kind, text):
        walk.repeating = walk.repeating or len(text) >= REPEATABLE
        return
    if links > MAX_LINK_SHARE * len(text) or (kind != "heading" and is_ui_line(text)):
        return
    if _is_credit(text):
        return
    if kind == "paragraph" and len(text) >= REPEATABLE:
        walk.repeating = text in walk.seen
    walk.seen.add(text)
    walk.blocks.append(Block(kind=kind, text=text, level=level))
