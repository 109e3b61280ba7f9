"""Block walking: turn the chosen container(s) into ordered Blocks, in one pass.

Only block-level elements are descended into in Python, with an explicit stack (no
recursion: a page nested thousands of levels deep is walked like a flat one); inline runs
are read with selectolax's C-level `text()`. Each text node is read once: a table's rows
hold their own cells' text, not that of a table nested in a cell (whose rows follow).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from scraper.budget import CHECK_EVERY, UNLIMITED, Budget
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
    budget: Budget = UNLIMITED
    blocks: list[Block] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    parts: list[str] = field(default_factory=list)
    links: int = 0
    linked_paragraphs: bool = False
    repeating: bool = False  # the last long paragraph met was a repeat
    chars: int = 0  # characters of text emitted, held to the budget's cap
    steps: int = 0  # nodes visited, for the budget's clock


@dataclass(slots=True)
class _Frame:
    """A container being walked: its remaining children, the kind and level its runs of
    inline text take, and what its end does (reset the link count of a rule-chosen
    paragraph; flush with the enclosing container's kind and level)."""

    children: Iterator[LexborNode]
    kind: BlockKind
    level: int
    outer_kind: BlockKind
    outer_level: int
    reset_links: bool = False


def blocks_from(
    nodes: Iterable[LexborNode],
    *,
    title: str = "",
    linked_paragraphs: bool = False,
    budget: Budget = UNLIMITED,
) -> Body:
    """The blocks of the given nodes, in order, with teasers, UI lines and repeats dropped.
    `title`: an h1 whose text is this (or is inside it) is left out.
    `linked_paragraphs`: a <p> is kept however much of it is link text (a site rule chose
    the body: a paragraph of place names linked word by word is the article's); link-heavy
    list items and loose runs of links still go.
    `budget`: raises PageTooSlowError or TextTooLargeError when the walk overruns it."""
    walk = _Walk(
        title=normalize_space(title).casefold(), linked_paragraphs=linked_paragraphs, budget=budget
    )
    for node in nodes:
        stack: list[_Frame] = []
        _element(walk, stack, node, outer=_Frame(iter(()), "paragraph", 0, "paragraph", 0))
        _run(walk, stack)
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


def _run(walk: _Walk, stack: list[_Frame]) -> None:
    """Walk the containers on the stack, depth first, in document order."""
    while stack:
        frame = stack[-1]
        child = next(frame.children, None)
        if child is None:
            stack.pop()
            if frame.reset_links:
                walk.links = 0  # the caller flushes the paragraph's last run as prose
            _flush(walk, frame.outer_kind, frame.outer_level)
            continue
        _tick(walk)
        tag = child.tag
        if tag == "-text":
            walk.parts.append(child.text_content or "")
        elif tag in SKIP:
            continue
        elif tag in BLOCK_TAGS or (tag not in INLINE and _has_block(child)):
            _flush(walk, frame.kind, frame.level)
            _element(walk, stack, child, outer=frame)
        elif tag == "a":
            text = child.text()
            walk.parts.append(text)
            walk.links += len(text.strip())
        else:
            walk.parts.append(child.text())


def _tick(walk: _Walk) -> None:
    walk.steps += 1
    if walk.steps % CHECK_EVERY == 0:
        walk.budget.check()


def _element(walk: _Walk, stack: list[_Frame], node: LexborNode, *, outer: _Frame) -> None:
    """A block element: emitted here (heading, code, table), or pushed on the stack to be
    walked, its end flushed with the kind and level of `outer`, the enclosing container."""
    tag = node.tag or ""
    kind, level = outer.kind, outer.level
    if tag in HEADINGS:
        _heading(walk, node, HEADINGS[tag])
    elif tag == "pre":
        _emit(walk, "code", node.text(), level=0, links=0, keep_lines=True)
    elif tag == "table":
        _table(walk, node)
    elif tag == "br":
        pass  # the caller flushed: a line break ends the run of inline text
    else:
        if tag in LISTS:
            kind, level = "list_item", level + 1
        elif tag in LIST_ITEMS:
            kind, level = "list_item", max(level, 1)
        elif tag == "blockquote":
            kind = "quote"
        reset = tag == "p" and kind == "paragraph" and walk.linked_paragraphs
        children = node.iter(include_text=True)
        stack.append(_Frame(children, kind, level, outer.kind, outer.level, reset_links=reset))
        return
    _flush(walk, outer.kind, outer.level)


def _heading(walk: _Walk, node: LexborNode, level: int) -> None:
    text = normalize_space(node.text())
    if level == 1 and (not walk.blocks or (walk.title and text.casefold() in walk.title)):
        return  # the headline: it opens the article or repeats the page title
    _emit(walk, "heading", text, level=level, links=0)


def _table(walk: _Walk, node: LexborNode) -> None:
    """One block per row, in document order, a nested table's rows after the row that
    holds it: each cell gives its own text, without the text of a table inside it."""
    nested = len(node.css("table")) > 1  # css() counts the table itself
    for row in node.css("tr"):
        _tick(walk)
        found = row.css("th, td") if not nested else _own_cells(row)
        cells = [normalize_space(cell.text() if not nested else _own_text(cell)) for cell in found]
        _emit(walk, "table_row", " | ".join(c for c in cells if c), level=0, links=0)


def _own_cells(row: LexborNode) -> list[LexborNode]:
    return [child for child in row.iter() if child.tag in ("th", "td")]


def _own_text(cell: LexborNode) -> str:
    """The cell's text as text() reads it (comments left out), but not that of tables
    inside it: their rows are blocks of their own."""
    parts: list[str] = []
    stack = [cell.iter(include_text=True)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == "-text":
            parts.append(child.text_content or "")
        elif child.tag not in ("table", "-comment"):
            stack.append(child.iter(include_text=True))
    return "".join(parts)


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
    walk.chars += len(text)
    walk.budget.check_size(walk.chars)
    walk.blocks.append(Block(kind=kind, text=text, level=level))
