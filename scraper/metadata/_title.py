"""Title: the article's title without the site's name, section names or a date.

Sources, the most trusted first: the JSON-LD headline, og:title and twitter:title, the
other title meta keys (citation, Parse.ly, Dublin Core...), then <title>. The page's <h1>
(one in an <article> first; a logo naming the site is skipped) decides between them when
the most trusted one shares few words with it, tells which parts of a "Post | Site" title
are the post's, and is taken over the declared title when that is the site's or a
section's name, or the heading says the same with better typography or more words.
Site-name parts are cut only when they match the site's names (declared names and the host
name) or a generic section name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeGuard

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.metadata._jsonld import strings
from scraper.metadata._page import SITE_KEYS, TITLE_KEYS, Page, fold_text, h1_nodes, node_text

# Never started inside a run of spaces (after one and before one): searched through a long
# run, it would scan the rest of it at every position.
_TITLE_SEPARATORS = re.compile(
    r"(?:(?<!\s)|(?!\s))(?:\s*\|\s*|\s+(?:-|\u2013|\u2014|::|»|·|•|/|:)\s+)"
)
_SITE_PREFIX = re.compile(r"^(?P<site>[^:|]{2,40}):\s+(?P<rest>.+)$")
_WORD = re.compile(r"\w+")
_NOT_HEADING = frozenset(("style", "script", "rt", "rp"))
_NOT_HEADING_CSS = ", ".join(sorted(_NOT_HEADING))
_SET_OFF = ("|", "\u2022", "\u00b7")  # marks setting a site's name or a date off a heading
_SENTENCE_HEADING_WORDS = 3  # an <h1> of this many words names an article, not a section
_FEW_SHARED = 3  # titles sharing under a third of their words are not one wording
_MIN_AGREEING_WORDS = 2  # a one-word heading ("News") is too often a section's name
_MAX_H2 = 8  # <h2>s looked at for the part of the title that names the post
_MAX_TITLE = 1000  # characters: longer is a page run into <title> or <h1>, not a title
_MAX_PARTS = 16  # separated parts of a title considered as runs (real titles have a few)
# Title parts that name a section of any site: cut like the site's name.
_GENERIC_PARTS = frozenset(
    ("blog archive", "blog archiv", "archive", "archiv", "blog", "home", "startseite", "news")
)


def find_title(page: Page, site_name: str | None) -> str | None:
    names = _site_names(page, site_name)
    doc_title = fold_text(page.scan.title)
    candidates = [
        *strings(page.ld_value("headline")),
        *page.meta_values(TITLE_KEYS[:2]),
        *page.meta_values(TITLE_KEYS[2:]),
        *([doc_title] if doc_title else []),
    ]
    folded = [title for title in map(fold_text, candidates) if _plausible(title)]
    declared = {_key(title) for title in folded}
    texts = map(fold_text, map(_heading_text, h1_nodes(page.scan)))
    headings = [text for text in texts if _plausible(text)]
    logos = [
        text for text in headings if _key(text) not in declared and _is_logo(text, doc_title, names)
    ]
    names += [_compact(text) for text in logos]
    h1 = _page_heading([text for text in headings if text not in logos], folded)
    if not folded:
        return h1
    chosen = _completed(_agreeing(folded, h1), folded)
    if h1 is None or _key(h1) not in _key(chosen):
        others = [*headings, *filter(_plausible, _h2_texts(page.tree))]
        posts = [text for text in others if not _is_logo(text, doc_title, names)]
        h1 = _heading_in_title(chosen, posts) or h1
    return choose_title(clean_title(chosen, site_names=names, h1=h1), h1, names)


def _plausible(text: str | None) -> TypeGuard[str]:
    """Whether a text may be a title: not empty, and not the page's text run into a
    <title> or heading left unclosed (over _MAX_TITLE characters)."""
    return text is not None and 0 < len(text) <= _MAX_TITLE


def _page_heading(headings: Sequence[str], titles: Sequence[str]) -> str | None:
    """The first <h1> that is not the site's, or a later one when the first is not part of
    the declared title and that one is (a menu's or a video player's <h1> first)."""
    first = next(iter(headings), None)
    if first is None or not titles or _is_title_part(first, titles[0]):
        return first
    later = (
        text
        for text in headings[1:]
        if len(_key(text).split()) >= _MIN_AGREEING_WORDS and _is_title_part(text, titles[0])
    )
    return next(later, first)


def _completed(title: str, titles: Sequence[str]) -> str:
    """The title, or another declared title that is it and more words, not set off by a
    separator: an attribute cut at an unescaped quote (og:title 'Senator calls Biden' for
    <title> 'Senator calls Biden "unfit"')."""
    for other in titles:
        rest = other[len(title) :] if other.startswith(title) else ""
        if _WORD.search(rest) and rest[:1].isspace() and not _TITLE_SEPARATORS.match(rest):
            return other
    return title


def _agreeing(titles: Sequence[str], h1: str | None) -> str:
    """The most trusted declared title, unless it shares few words with the page heading and
    another declared title is that heading (alone or with the site's name): a JSON-LD
    headline can be a summary ("constitutional monarchy in Oceania") where the OpenGraph
    title and <title> name the page as its heading does ("New Zealand")."""
    if h1 is None or len(_key(h1).split()) < _MIN_AGREEING_WORDS:
        return titles[0]
    head, first = set(_key(h1).split()), set(_key(titles[0]).split())
    if len(head & first) * _FEW_SHARED >= max(len(head), len(first)):
        return titles[0]
    return next((title for title in titles if _is_title_part(h1, title)), titles[0])


def _is_title_part(heading: str | None, title: str) -> bool:
    """Whether the heading is the title or a run of its parts ("Post | Blog": "Post")."""
    if heading is None:
        return False
    parts, seps = _TITLE_SEPARATORS.split(title), _TITLE_SEPARATORS.findall(title)
    key = _key(heading)
    if len(parts) > _MAX_PARTS:  # no title has that many: runs of them would cost parts²
        return key == _key(title)
    return any(
        key == _key(_join(parts[start:end], seps[start : end - 1]))
        for start in range(len(parts))
        for end in range(start + 1, len(parts) + 1)
    )


def _heading_in_title(title: str, headings: Sequence[str]) -> str | None:
    """The longest heading (other <h1>s, <h2>s) that is a run of the title's parts: on pages
    whose <h1> is absent or off the title, it tells the post's part from the site's."""
    if not _TITLE_SEPARATORS.search(title):
        return None
    parts = [text for text in headings if _key(text) not in _GENERIC_PARTS]
    return max((text for text in parts if _is_title_part(text, title)), key=len, default=None)


def _heading_text(node: LexborNode) -> str:
    """A heading's text without the <style> or <script> a component framework put in it,
    or the readings of ruby annotations (<rt>, <rp>: 子<rt>こ</rt>ども is 子ども)."""
    if node.css_first(_NOT_HEADING_CSS) is None:
        return node_text(node)
    texts = (
        text.text_content or ""
        for text in node.traverse(include_text=True)
        if text.tag == "-text" and text.parent is not None and text.parent.tag not in _NOT_HEADING
    )
    joint = "" if node.css_first("rt") is not None else " "  # ruby: 子 + ども is 子ども
    return " ".join(joint.join(texts).split())


def _h2_texts(tree: LexborHTMLParser) -> list[str]:
    return [text for text in map(fold_text, map(node_text, tree.css("h2")[:_MAX_H2])) if text]


def _is_logo(heading: str, doc_title: str | None, site_names: Sequence[str]) -> bool:
    """An <h1> that names the site (a logo): the site's name, or the last part of the
    document title and not its longest ("Post title | Blog Name"), or an edge part
    starting with the site's name ("Four Years Remaining" on fouryears.eu)."""
    if _is_site(heading, site_names):
        return True
    parts = _TITLE_SEPARATORS.split(doc_title) if doc_title else []
    if len(parts) < 2:
        return False
    key = _key(heading)
    if key == _key(parts[-1]) and _shorter_than_a_part(heading, parts):
        return True
    compact = _compact(heading)
    named = any(len(name) >= 5 and compact.startswith(name) for name in site_names)
    return named and key in (_key(parts[0]), _key(parts[-1]))


def _shorter_than_a_part(heading: str, parts: Sequence[str]) -> bool:
    """Whether the heading has fewer words and characters than the title's longest part
    (characters too: Japanese or Chinese is written without spaces between words)."""
    longest = max(parts, key=lambda part: len(part.split()))
    return len(heading.split()) < len(longest.split()) and len(heading) < max(map(len, parts))


def choose_title(title: str, h1: str | None, site_names: Sequence[str]) -> str:
    """The declared title, or the page heading when the declared title is the site's name
    or a section's (one word), the heading is the title without decoration or the title
    and more words, or the two differ only in punctuation (the heading's text, joined
    from its inline parts, may differ in spacing only)."""
    if not h1 or _is_site(h1, site_names):
        return title
    head, declared = _key(h1), _key(title)
    if head == declared:  # the same words: the visible heading's typography (quotes, dashes)
        return title if "".join(h1.split()) == "".join(title.split()) else h1
    if _is_site(title, site_names) or (len(head.split()) >= 2 and head in declared):
        return h1
    if len(declared.split()) == 1 and len(head.split()) >= _SENTENCE_HEADING_WORDS:
        return h1  # a section's name ("Pressemitteilungen") over the article's heading
    if _continues(h1, title):
        return h1  # the heading says more after the declared (shortened) title
    return title


def _continues(heading: str, title: str) -> bool:
    """Whether the heading is the declared title and more words after it ("Ultium Cells
    raises capacity" / "... in Tennessee"), not a site's name or a date set off by a bar
    or a bullet ("Post | Site", "Post 02.02.2022 •")."""
    head, declared = _key(heading), _key(title)
    if len(declared.split()) < _MIN_AGREEING_WORDS or not head.startswith(declared + " "):
        return False
    return not any(mark in heading and mark not in title for mark in _SET_OFF)


def clean_title(title: str, *, site_names: Sequence[str], h1: str | None) -> str:
    """The title without a site-name prefix or suffix. A part is cut only when it matches
    the site name or domain, or when the heading equals what remains."""
    if h1 and _key(h1) == _key(title):
        return title
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        kept = _strip_site_parts(title, parts, site_names=site_names, h1=h1)
        if kept:
            return kept
    prefix = _SITE_PREFIX.match(title)
    if prefix and _is_site(prefix["site"], site_names):
        return prefix["rest"]
    return title


def _strip_site_parts(
    title: str, parts: list[str], *, site_names: Sequence[str], h1: str | None
) -> str | None:
    seps = _TITLE_SEPARATORS.findall(title)
    if h1:
        for index in range(len(parts)):
            for end in range(len(parts), index, -1):
                if _key(_join(parts[index:end], seps[index : end - 1])) == _key(h1):
                    return _join(parts[index:end], seps[index : end - 1])
    start, end = 0, len(parts)
    while end - start > 1 and _is_decoration(parts[end - 1], site_names):
        end -= 1
    while end - start > 1 and _is_decoration(parts[start], site_names):
        start += 1
    if (start, end) == (0, len(parts)):
        return None
    return _join(parts[start:end], seps[start : end - 1])


def _is_decoration(part: str, site_names: Sequence[str]) -> bool:
    return _is_site(part, site_names) or _key(part) in _GENERIC_PARTS


def _join(parts: list[str], seps: list[str]) -> str:
    out = parts[0]
    for sep, part in zip(seps, parts[1:], strict=False):
        out += sep + part
    return out


def _is_site(part: str, site_names: Sequence[str]) -> bool:
    key = _compact(part)
    if not key:
        return False
    return any(key == name or (len(key) >= 4 and key in name) for name in site_names)


def _site_names(page: Page, site_name: str | None) -> list[str]:
    names = [site_name or "", *page.ld.site_names, *page.meta_values(SITE_KEYS)]
    host = page.host
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp")]
    if labels:
        names.append(".".join(labels))
        names.extend(label for label in labels[:-1] if len(label) > 3)
    compacted = (_compact(name) for name in names)
    return [name for name in dict.fromkeys(compacted) if name]


def _compact(text: str) -> str:
    words = _WORD.findall(text.casefold())
    if words and words[0] == "the":
        words = words[1:]
    return "".join(words)


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))
