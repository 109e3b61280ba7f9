"""Boilerplate removal for the extractor: one selector for tags, one name test for classes/ids.

Everything here mutates a clone of the page, never `Document.tree`. Matches are unlinked
with `remove(recursive=False)`: the subtree goes with its root in one step (selectolax's
recursive removal would unlink every descendant one by one), nothing is freed before the
document is, and nested matches stay safe to touch.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.parse import self_and_ancestors

PUNCTUATION = ",.;:!?\uff0c\u3001\u3002\uff01\uff1f\u060c\u0964"  # CJK, Arabic, Devanagari marks
PUNCTUATION_RE = re.compile(f"[{re.escape(PUNCTUATION)}]")


# Elements that never hold article prose; ruby readings (<rt>, <rp>: the kana printed
# over Japanese kanji) would otherwise be read inline, doubling each annotated word.
TAG_SELECTOR = (
    "script, style, noscript, template, iframe, svg, canvas, button, select, input, "
    "textarea, nav, footer, aside, menu, dialog, figcaption, link, object, embed, rt, rp, "
    "[hidden], [aria-hidden=true]"
)
# Roles and inline styles are checked in Python on the few elements that carry them:
# one selector instead of one per value.
ROLE_OR_STYLE = "[role], [style]"
CHROME_ROLES = frozenset(
    {
        "navigation", "complementary", "dialog", "alertdialog", "contentinfo", "menu",
        "menubar", "search", "toolbar",
    }
)  # fmt: skip
HIDING_STYLES = ("display:none", "visibility:hidden")

# Elements that are chrome unless they hold the text: checked before removal.
GUARDED_TAG_SELECTOR = "form, header, [role=banner]"

# Sign-up boxes ("newsletter-subscribe", "subscribe_box"), but not "subscriber-only" or
# "subscriber-preview": content for subscribers is the article itself (BLOX/TownNews).
SUBSCRIBE = ("subscribe-", "-subscribe", "subscribe_", "_subscribe", "subscribebox")
# The kinds of chrome that a class or an id may name (the vocabulary, written once):
_CHROME = (
    "cookie", "consent", "gdpr", "newsletter", *SUBSCRIBE, "share", "social", "related",
    "recommend", "comment", "disqus", "breadcrumb", "sidebar", "widget", "advert",
    "sponsor", "promo", "outbrain", "taboola", "popup", "modal", "banner", "masthead",
)  # fmt: skip
# ... the ones only classes are read for (an id of these words is too often the page's),
_CLASS_ONLY = (
    "signup", "sign-up", "sharing", "more-stories", "morestories", "read-more", "readmore",
    "teaser", "-ad-", "_ad_", "adslot", "ad-slot", "ad-container", "adcontainer", "byline",
    "author-box", "authorbox", "author-bio", "author-info", "bio-box", "caption", "credit",
    "copyright", "tags", "keywords", "toolbar", "skip-link", "visually-hidden", "sr-only",
    "screen-reader", "print-only", "pagination", "embed", "placeholder", "offscreen", "a11y",
    "footer", "gallery", "legends",
)  # fmt: skip
# ... and the one only ids name (WordPress's comment form, #respond).
_ID_ONLY = ("respond",)
_SUBSTRINGS = (*_CHROME, *_CLASS_ONLY)
_ID_SUBSTRINGS = (*_CHROME, *_ID_ONLY)
# Fact and info boxes beside the story ("infobox", "fact-box"); a table of that class is
# data the article presents (Wikipedia's infobox), so only other elements go.
BOXES = ("infobox", "info-box", "factbox", "fact-box")
# Whole words (a class "ad", not "shadow") and prefixes ("ad-", not "adverb").
_WORDS = ("ad", "ads", "bio", "print", "tag", "meta", "hidden", "hide", "nav", "menu", "subscribe")
_PREFIXES = ("ad-", "ad_", "ads-", "ads_")

# The elements those names are looked for on; the names are tested in Python with one
# regular expression each (is_boilerplate_named). Profiled on the corpus, the same test
# written as one selector of 128 case-insensitive [class*=...] parts cost ~4.6 ms a page,
# most of the extraction: lexbor walks the tree once per part.
NAMED_SELECTOR = "[class], [id]"
_NAMED = re.compile("|".join(re.escape(s) for s in _SUBSTRINGS))
_BOX_NAMED = re.compile("|".join(re.escape(s) for s in BOXES))
_ID_NAMED = re.compile("|".join(re.escape(s) for s in _ID_SUBSTRINGS))
_WORD_SET = frozenset(_WORDS)

# Class words that mark boilerplate even around long paragraphs.
STRONG_BOILER = (
    "comment", "disqus", "respond", "related", "recommend", "teaser", "newsletter",
    *SUBSCRIBE, "cookie", "consent", "gdpr", "outbrain", "taboola",
    "more-stories", "morestories", "promo", "sponsor", "advert", "author-bio", "bio-box",
    "footer", "forum", "placeholder", "caption", "gallery", "legends", *BOXES,
)  # fmt: skip
# Names holding a boilerplate word that name an article: Drupal's "node-promoted" (shown
# on the front page, not a promo box), "commentary" (an opinion piece, not comments).
_ARTICLE_NAMES = re.compile("promoted|commentary")
# Before the body is chosen only comment sections are removed whatever they hold: a
# "teaser" or "related" class sometimes wraps the article itself.
COMMENT_BOILER = ("comment", "disqus", "respond")
# Removing these by a class match would empty the page.
PROTECTED_TAGS = frozenset({"html", "body", "main", "article", "head"})
# Share of the page's text a class-matched element may hold and still be removed.
MAX_SHARE = 0.4
# A header (or form) with a paragraph this long is kept.
LONG_PARAGRAPH = 150


def remove_all(tree: LexborHTMLParser, selectors: Sequence[str]) -> None:
    """Detach every match of the given selectors (site-rule `remove` lists)."""
    if selectors:
        for node in tree.css(", ".join(selectors)):
            node.remove(recursive=False)


def remove_boilerplate(tree: LexborHTMLParser) -> None:
    """Detach chrome: scripts, navigation, hidden parts, and boilerplate classes."""
    for node in tree.css(TAG_SELECTOR):
        node.remove(recursive=False)
    for node in tree.css(ROLE_OR_STYLE):
        if _is_chrome(node):
            node.remove(recursive=False)
    guarded = tree.css(GUARDED_TAG_SELECTOR)
    if guarded:
        total = text_len(tree.body)
        for node in guarded:
            if not _holds_prose(node) and text_len(node) <= MAX_SHARE * total:
                node.remove(recursive=False)


def _is_chrome(node: LexborNode) -> bool:
    attrs = node.attributes
    if attrs.get("role") in CHROME_ROLES:
        return True
    style = attrs.get("style")
    if not style:
        return False
    style = style.replace(" ", "").lower()
    return any(hiding in style for hiding in HIDING_STYLES)


def _holds_prose(node: LexborNode) -> bool:
    return node.tag in PROTECTED_TAGS or any(
        len(p.text(strip=True)) >= LONG_PARAGRAPH for p in node.css("p")
    )


def text_len(node: LexborNode | None) -> int:
    return len(node.text(strip=True)) if node is not None else 0


def remove_boilerplate_in(
    node: LexborNode, *, strong: Sequence[str] = STRONG_BOILER, always: Sequence[str] = ()
) -> None:
    """Detach boilerplate classes inside node (never node itself).
    A layout class ("sidebar-grid", "widget") wrapping article prose is kept; the
    `strong` kinds (comments, teasers, sign-up boxes) go even when they hold long
    paragraphs, the `always` kinds even when they hold most of the text."""
    total = text_len(node)
    for match in boilerplate_named_in(node):
        if match.tag in PROTECTED_TAGS:
            continue
        if always and _is_strong(match, always):
            match.remove(recursive=False)
            continue
        length = text_len(match)
        if length > MAX_SHARE * total:
            continue
        if length >= LONG_PARAGRAPH and not _is_strong(match, strong) and _holds_prose(match):
            continue
        match.remove(recursive=False)


def is_boilerplate_named(node: LexborNode) -> bool:
    """Whether node's own class or id names chrome ("tags", "related", "ad-slot"...):
    a class or id holding one of the names, a class or id word that is one of the words,
    a class or id starting with an ad prefix; a fact box unless it is a table."""
    attrs = node.attributes
    return _names_chrome(attrs.get("class") or "", attrs.get("id") or "", node.tag == "table")


def _names_chrome(names: str, ident: str, table: bool) -> bool:
    names = names.lower()
    ident = ident.lower()
    return (
        _NAMED.search(names) is not None
        or (not table and _BOX_NAMED.search(names) is not None)
        or _ID_NAMED.search(ident) is not None
        or not _WORD_SET.isdisjoint(names.split())
        or not _WORD_SET.isdisjoint(ident.split())
        or names.startswith(_PREFIXES)
        or ident.startswith(_PREFIXES)
    )


def boilerplate_named_in(node: LexborNode) -> list[LexborNode]:
    """The elements inside node whose class or id names chrome, in document order, once
    each (a page repeats its class names: each distinct name is tested once)."""
    seen: set[int] = set()
    verdicts: dict[tuple[str, str, bool], bool] = {}
    found: list[LexborNode] = []
    for match in node.css(NAMED_SELECTOR):
        if match.mem_id in seen:
            continue
        seen.add(match.mem_id)
        attrs = match.attributes
        key = (attrs.get("class") or "", attrs.get("id") or "", match.tag == "table")
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = verdicts[key] = _names_chrome(*key)
        if verdict:
            found.append(match)
    return found


def in_strong_boilerplate(node: LexborNode) -> bool:
    """Whether node or an ancestor below <body> is a comment section, a related-stories
    box or the like (by class or id): such a node never is the article body."""
    names = [
        f"{current.attributes.get('class') or ''} {current.attributes.get('id') or ''}"
        for current in itertools.takewhile(
            lambda above: above.tag not in PROTECTED_TAGS, self_and_ancestors(node)
        )
    ]
    joined = _ARTICLE_NAMES.sub("", " ".join(names).lower())
    return any(word in joined for word in STRONG_BOILER)


def _is_strong(node: LexborNode, strong: Sequence[str]) -> bool:
    attrs = node.attributes
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    if not any(word in names for word in strong):
        return False
    names = _ARTICLE_NAMES.sub("", names)
    return any(word in names for word in strong)


def link_density(node: LexborNode) -> float:
    """The share of node's text that is link text (1.0 for a node without text)."""
    total = len(node.text(strip=True))
    if not total:
        return 1.0
    links = sum(len(a.text(strip=True)) for a in node.css("a"))
    return min(links / total, 1.0)
