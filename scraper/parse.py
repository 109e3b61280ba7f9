"""Parse stage: bytes decoded by their declared charset, then parsed once with Lexbor.

Charset order follows browsers (WHATWG "encoding sniffing"): BOM, transport charset,
<meta> prescan, then detection. A declared charset that Python does not know, or that
fails a strict decode (the server or page lies), falls through to the next source.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlsplit

import charset_normalizer
from charset_normalizer import CharsetMatch
from charset_normalizer.utils import is_multi_byte_encoding
from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.errors import DecodeError, ExtractionError
from scraper.model import Document, RawPage

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG Encoding labels where Python's codec of the same name decodes differently
# (or does not exist): (Python codec, space-separated labels).
_LABEL_GROUPS: tuple[tuple[str, str], ...] = (
    (
        "cp1252",
        "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 "
        "iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252 latin-1 "
        "iso_8859_1 iso8859_1",
    ),
    (
        "cp1254",
        "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
        "iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254",
    ),
    ("cp874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"),
    (
        "gb18030",
        "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030",
    ),
    ("big5hkscs", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"),
    ("cp932", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"),
    (
        "cp949",
        "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 "
        "ksc5601 ksc_5601 windows-949",
    ),
    ("euc_jp", "cseucpkdfmtjapanese euc-jp x-euc-jp"),
    ("iso2022_jp", "csiso2022jp iso-2022-jp"),
    ("utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"),
    ("utf-16-le", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le"),
    ("utf-16-be", "unicodefffe utf-16be"),
    ("koi8_r", "cskoi8r koi koi8 koi8-r koi8_r"),
    ("koi8_u", "koi8-ru koi8-u"),
    ("mac_roman", "csmacintosh mac macintosh x-mac-roman"),
    ("mac_cyrillic", "x-mac-cyrillic x-mac-ukrainian"),
    ("cp866", "866 cp866 csibm866 ibm866"),
    ("iso8859_8", "csiso88598i iso-8859-8-i logical"),
)
_WHATWG_LABELS: Mapping[str, str] = MappingProxyType(
    {label: codec for codec, labels in _LABEL_GROUPS for label in labels.split()}
)

# Labels WHATWG maps to its "replacement" decoder, and codecs no browser would use.
_REFUSED = frozenset(
    (
        "csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext", "iso-2022-kr",
        "replacement", "x-user-defined", "utf-7", "utf7", "utf_7", "unicode-1-1-utf-7",
    )
)  # fmt: skip

# Python text codecs that are not character sets: a page declaring one is ignored.
_NOT_CHARSETS = frozenset(
    ("idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "charmap")
)

_MULTI_BYTE = frozenset(
    ("utf-8", "utf-16-le", "utf-16-be", "gb18030", "big5hkscs", "cp932", "cp949", "euc_jp")
)
_UTF16 = frozenset(("utf-16-le", "utf-16-be"))

_PRESCAN_BYTES = 4096
_WESTERN_MARGIN = 0.1  # chaos (0-1) windows-1252 may exceed the best guess by
_SNIFF_BYTES = 8192
_CHUNK_BYTES = 1 << 20  # decoded at a time to count UTF-8's valid and invalid sequences
_DETECT_BYTES = 256 * 1024  # the sample charset detection reads of a larger page
_SEGMENT_BYTES = 4096  # the most of a sample's run on either side of a non-ASCII byte
_NON_ASCII_BYTE = re.compile(rb"[\x80-\xff]")
_META_CHARSET = re.compile(
    rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:\-]+)", re.IGNORECASE
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_HTML_START = re.compile(
    rb"\s*<(?:!doctype\s+html|!--|html|head|body|meta|title|link|script|style|base|div|p|"
    rb"span|a|h[1-6]|article|section|header|footer|nav|main|table|ul|ol|form|iframe|img|br|"
    rb"noscript)(?=[\s>/])",
    re.IGNORECASE,
)
# After leading junk (a PHP warning, a saved-page banner): a line starting the document.
_HTML_LINE = re.compile(
    rb"^[ \t]*<(?:!doctype\s+html|html|head|body)(?=[\s>])", re.IGNORECASE | re.MULTILINE
)


def looks_like_html(data: bytes) -> bool:
    """Whether bytes read from stdin are an HTML page rather than a text dump."""
    head = _strip_bom(data[:1024])
    if _HTML_START.match(head):
        return True
    return _HTML_LINE.search(head) is not None


def _strip_bom(head: bytes) -> bytes:
    for bom, codec in _BOMS:
        if head.startswith(bom):
            text = head[len(bom) :].decode(codec, errors="ignore")
            return text.encode("utf-8", errors="ignore")
    return head


def encode_text(text: str) -> bytes:
    """A str page as UTF-8. Lone surrogates (which UTF-8 cannot hold) become U+FFFD, and
    a surrogate pair left in the str becomes the character it stands for, as a UTF-16
    reader would take them."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        utf16 = text.encode("utf-16-le", errors="surrogatepass")
        return utf16.decode("utf-16-le", errors="replace").encode("utf-8")


def decode(raw: RawPage, *, source_name: str | None) -> str:
    """Decode the page's bytes: BOM, header charset, <meta charset>, then detection.
    Raises DecodeError for empty or binary input."""
    data = raw.content
    if not data:
        raise DecodeError("empty input", source=source_name)
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_codec, errors="replace")
    declared = [_codec_for(raw.charset, from_meta=False)]
    if raw.kind == "html":
        declared.append(_codec_for(_meta_charset(data), from_meta=True))
    if not any(codec in _UTF16 for codec in declared):
        _refuse_binary(data, source_name=source_name)
    for codec in declared:
        text = _strict_decode(data, codec)
        if text is not None:
            return text
    return _undeclared_decode(data)


def _codec_for(label: str | None, *, from_meta: bool) -> str | None:
    """The Python codec for a charset label, or None when it is unknown or refused."""
    if not label:
        return None
    name = label.strip().strip("\"'").strip().lower()
    if name in _REFUSED:
        return None
    codec = _WHATWG_LABELS.get(name)
    if codec is None:
        try:
            info = codecs.lookup(name)
        except LookupError:
            return None
        codec = info.name
        if not getattr(info, "_is_text_encoding", True) or codec in _REFUSED | _NOT_CHARSETS:
            return None
    if from_meta and codec in _UTF16:
        return "utf-8"  # a page that can be read as ASCII to find its meta is not UTF-16
    return codec


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data, 0, _PRESCAN_BYTES)
    return match.group(1).decode("ascii") if match else None


def _refuse_binary(data: bytes, *, source_name: str | None) -> None:
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        raise DecodeError("binary content (NUL bytes), not text", source=source_name)
    if len(_CONTROL_BYTES.findall(head)) * 20 > len(head):
        raise DecodeError("binary content (mostly control bytes), not text", source=source_name)


def _strict_decode(data: bytes, codec: str | None) -> str | None:
    """The text in `codec`, or None if the bytes are not valid in it. A single-byte
    declaration on a body that is valid UTF-8 with non-ASCII bytes is a lie: the
    chance of legacy text forming valid UTF-8 sequences is negligible."""
    if codec is None:
        return None
    if codec == "utf-8" or (codec not in _MULTI_BYTE and not data.isascii()):
        utf8 = _utf8(data)
        if utf8 is not None or codec == "utf-8":
            return utf8
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError):  # UnicodeError: a codec's own refusal, not a decode's
        return None


def _utf8(data: bytes) -> str | None:
    """The bytes as UTF-8, tolerating stray invalid bytes in a body that is UTF-8
    (its real multi-byte characters outnumber the invalid sequences); None when the
    body is not UTF-8 at all (a legacy page declared, or served, as UTF-8)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return data.decode("utf-8", errors="replace") if _mostly_utf8(data) else None


def _mostly_utf8(data: bytes) -> bool:
    """Whether the valid multi-byte characters outnumber the invalid sequences, counted
    a chunk at a time: a whole-page count would hold the page decoded (and a str per
    non-ASCII character) only to be thrown away on a legacy page."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    view = memoryview(data)
    balance = 0  # valid minus invalid
    for start in range(0, len(data), _CHUNK_BYTES):
        text = decoder.decode(view[start : start + _CHUNK_BYTES], start + _CHUNK_BYTES >= len(data))
        invalid = text.count("\ufffd")
        non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
        balance += non_ascii - 2 * invalid
    return balance > 0


def _undeclared_decode(data: bytes) -> str:
    return _utf8(data) or _detect(data) or data.decode("utf-8", errors="replace")


def _detect(data: bytes) -> str | None:
    """charset-normalizer's guess, made on a sample of a page over _DETECT_BYTES (the
    whole page would cost many times its size); bytes outside the sample that the
    guess cannot read become U+FFFD."""
    if len(data) <= _DETECT_BYTES:
        best = _guess(data)
        return str(best) if best is not None else None
    best = _guess(_detection_sample(data))
    if best is None:
        return None
    text = data.decode(best.encoding, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


def _detection_sample(data: bytes) -> bytes:
    """_DETECT_BYTES of the page from the line or tag end before its first non-ASCII
    byte (ASCII says nothing about a charset), cut after the last line or tag end in
    it: ">" and newline are never part of a multi-byte character in the legacy
    encodings detection can pick."""
    found = _NON_ASCII_BYTE.search(data)
    at = found.start() if found is not None else 0
    low = max(0, at - _SEGMENT_BYTES)
    start = max(data.rfind(b"\n", low, at), data.rfind(b">", low, at), low - 1) + 1
    end = start + _DETECT_BYTES
    if end < len(data):
        end = max(data.rfind(b"\n", start, end), data.rfind(b">", start, end), end - 1) + 1
    return data[start:end]


def _guess(data: bytes) -> CharsetMatch | None:
    """charset-normalizer's best match, but windows-1252 (the browsers' fallback) when it
    reads about as cleanly: on short Western pages the detector often picks a Baltic or
    Central European code page that garbles è, ą, ė."""
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    if best.encoding != "cp1252" and not is_multi_byte_encoding(best.encoding):
        western = charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best()
        if western is not None and western.chaos <= best.chaos + _WESTERN_MARGIN:
            return western
    return best


def parse(raw: RawPage, *, url: str | None, source_name: str | None) -> Document:
    """Decode and parse an HTML page. Raises DecodeError, or ExtractionError for
    markup past the limits of `bound_markup`."""
    html = decode(raw, source_name=source_name)
    if not html or html.isspace():  # (strip would copy the page)
        raise DecodeError("page is empty (only whitespace)", source=source_name)
    html = bound_markup(html, source_name=source_name)
    return Document(tree=LexborHTMLParser(html), html=html, url=_readable(url))


def _readable(url: str | None) -> str | None:
    """The page's address, or None when it cannot be read as a URL (`https://[::1/a`,
    a netloc that NFKC normalization changes): links cannot be resolved against it."""
    try:
        urlsplit(url or "")
    except ValueError:
        return None
    return url


# Markup limits. Lexbor's cost grows with depth times tags (scope checks walk the stack of
# open elements) and with the square of one element's attributes (duplicate checks), and
# the extractor matches ~100 substring selectors against every class and id: a hostile
# page could hold the run for minutes. Real pages stay far below (the 1,245 corpus pages:
# at most 19,600 tags, depth under 100); these bound any page to seconds.
MAX_TAGS = 200_000  # "<" characters in the page
MAX_DEPTH = 2_000  # elements open at once (Chrome's parser flattens past 512)
MAX_ATTRIBUTES = 1_000  # on one element: the rest are dropped
MAX_NAME_CHARS = 10_000  # of a class or id value (real pages: up to 2,600): the rest is cut
_DEPTH_SCAN_FROM = 20_000  # tags: fewer cannot nest deep enough to cost a second
_RAW_TEXT_NAMES = "script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext"
_ANY_LONG_TAG = re.compile(r"<[A-Za-z][^>]{1000,}")
# A raw-text element's start (skipped to its end tag), or a tag long enough to look into.
_LONG_TAG = re.compile(rf"<(?:({_RAW_TEXT_NAMES})(?=[\s/>])|[A-Za-z][^>]{{1000,}})", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""[\s/]*([^\s/>"'=]+)(\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")
_SPACES_AND_SLASHES = re.compile(r"[\s/]*")
_TAG_OR_RAW = re.compile(r"<(?:(/?)([A-Za-z][^\s/>]*)|!--)")
# Elements never left open on the stack: void, or closed by the next of their kind.
_NOT_NESTING = frozenset(
    (
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
        "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp", "html",
        "head", "body", "frame", "param", "keygen", "basefont", "bgsound", "image",
    )
)  # fmt: skip
# Elements whose content is text up to their end tag (which may never come).
_RAW_TEXT = tuple(_RAW_TEXT_NAMES.split("|"))
_RAW_TEXT_END: Mapping[str, re.Pattern[str]] = MappingProxyType(
    {name: re.compile(rf"</{name}[\s/>]", re.IGNORECASE) for name in _RAW_TEXT}
)
# Inside these, "/>" closes an element (it does not in HTML).
_FOREIGN = frozenset(("svg", "math"))
_TAG_NAME = re.compile(r"<[^\s/>]*")
_VALUE_START = re.compile(r"\s*=\s*[\"']?")
_LONG_NAME = re.compile(
    r"""[\s"'](?:class|id)\s*=\s*(?:"[^"]{10000}|'[^']{10000}|[^\s>"']{10000})""", re.IGNORECASE
)


def bound_markup(html: str, *, source_name: str | None) -> str:
    """The page, refused (ExtractionError) past MAX_TAGS tags or MAX_DEPTH levels of
    nesting; elements with over-long class or id values or too many attributes are
    cut down so that the parse and the selectors stay linear."""
    tags = html.count("<")
    if tags > MAX_TAGS:
        raise ExtractionError(
            f"page too complex: {tags:,} tags (limit {MAX_TAGS:,})", source=source_name
        )
    if tags > _DEPTH_SCAN_FROM and (depth := nesting_depth(html, stop=MAX_DEPTH)) > MAX_DEPTH:
        raise ExtractionError(
            f"page too complex: elements nested over {depth - 1:,} levels deep "
            f"(limit {MAX_DEPTH:,})",
            source=source_name,
        )
    return _bounded_tags(html)


def _bounded_tags(html: str) -> str:
    """html with its long tags bounded (raw-text elements' content is left alone)."""
    if not any(_may_exceed(match.group(0)) for match in _ANY_LONG_TAG.finditer(html)):
        return html  # the common case: one quick pass, no tag near a limit
    parts: list[str] = []
    pos = done = 0
    while (match := _LONG_TAG.search(html, pos)) is not None:
        raw = match.group(1)
        if raw is not None:
            closing = _RAW_TEXT_END[raw.lower()].search(html, match.end())
            if closing is None:
                break
            pos = closing.end()
            continue
        pos = match.end()
        if _may_exceed(match.group(0)):
            end, bounded = _bounded_tag(html, match.start())
            if bounded is not None:
                parts += (html[done : match.start()], bounded)
                done = pos = end
    return "".join([*parts, html[done:]]) if parts else html


def _may_exceed(tag: str) -> bool:
    if len(tag) < 2 * MAX_ATTRIBUTES:  # each attribute takes two characters at least
        return False
    separators = sum(tag.count(c) for c in " \t\n\r\f\"'")  # one before each attribute
    return separators >= MAX_ATTRIBUTES or _LONG_NAME.search(tag) is not None


def nesting_depth(html: str, *, stop: int) -> int:
    """How deep the page's elements nest, as the tags say (elements whose end tag is
    optional or absent do not count); scanning ends once the depth passes `stop`."""
    nesting = _Nesting()
    pos = 0
    while (match := _TAG_OR_RAW.search(html, pos)) is not None:
        name = (match.group(2) or "").lower()
        skipped = _past_unparsed(html, match, name)
        if skipped is not None:  # a comment or raw text: on after it, or the end
            if skipped < 0:
                break
            pos = skipped
            continue
        pos = match.end()
        if match.group(1):
            nesting.close(name)
        elif name not in _NOT_NESTING and not (nesting.foreign and _self_closed(html, pos)):
            nesting.open(name)
            if nesting.deepest > stop:
                break
    return nesting.deepest


@dataclass(slots=True)
class _Nesting:
    depth: int = 0
    deepest: int = 0
    foreign: int = 0  # open <svg> and <math> elements (where <x/> closes itself)

    def open(self, name: str) -> None:
        self.foreign += name in _FOREIGN
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)

    def close(self, name: str) -> None:
        if name not in _NOT_NESTING:
            self.depth = max(self.depth - 1, 0)
            self.foreign -= name in _FOREIGN and self.foreign > 0


def _past_unparsed(html: str, match: re.Match[str], name: str) -> int | None:
    """Where scanning goes on after a comment or a raw-text element's start tag (-1: the
    page ends inside it); None for any other tag."""
    if not name:
        end = html.find("-->", match.end())
        return end + 3 if end >= 0 else -1
    if match.group(1) or name not in _RAW_TEXT_END:
        return None
    closing = _RAW_TEXT_END[name].search(html, match.end())
    return closing.end() if closing is not None else -1


def _self_closed(html: str, pos: int) -> bool:
    end = html.find(">", pos)
    return end > 0 and html[end - 1] == "/"


def _bounded_tag(html: str, start: int) -> tuple[int, str | None]:
    """Where the tag at `start` ends, and the tag rewritten with its first
    MAX_ATTRIBUTES attributes and class and id values cut to MAX_NAME_CHARS (None
    when it is within both limits). Attributes are read as the tokenizer reads them,
    quoted values whole (they may hold ">")."""
    head = _TAG_NAME.match(html, start)
    pos = head.end() if head else start + 1
    kept: list[str] = []
    cut = False
    while pos < len(html) and html[pos] != ">":
        attribute = _ATTRIBUTE.match(html, pos)
        if attribute is None:  # a stray quote, "/" or space: the tokenizer skips it
            pos = _past_stray(html, pos)
            continue
        pos = attribute.end()
        name, value = attribute.group(1), attribute.group(2) or ""
        if len(kept) >= MAX_ATTRIBUTES:
            cut = True
            continue
        if name.lower() in ("class", "id") and len(value) > MAX_NAME_CHARS:
            value = _cut_value(value)
            cut = True
        kept.append(f" {name}{value}")
    return pos, (html[start : head.end() if head else start + 1] + "".join(kept) if cut else None)


def _past_stray(html: str, pos: int) -> int:
    """Past a run of spaces and slashes and the stray character after it (not a ">"):
    no attribute starts anywhere in that run, so it is skipped at once, not one
    character at a time (which retried the match over the whole run: quadratic)."""
    run = _SPACES_AND_SLASHES.match(html, pos)
    end = run.end() if run else pos
    return end if html.startswith(">", end) or end >= len(html) else end + 1


def _cut_value(value: str) -> str:
    """An attribute's `="..."` part with the value cut to MAX_NAME_CHARS characters."""
    opening = _VALUE_START.match(value)
    start = opening.end() if opening else 0
    quote = value[start - 1] if start and value[start - 1] in "\"'" else ""
    return value[:start] + value[start:].rstrip(quote)[:MAX_NAME_CHARS] + quote


PAGE_ROOTS = frozenset({"body", "html"})


def ancestors(node: LexborNode, *, limit: int | None = None) -> Iterator[LexborNode]:
    """A node's ancestors, nearest first, up to the document; at most `limit` of them.
    The one walk up the tree that the stages share."""
    current = node.parent
    steps = itertools.count() if limit is None else range(limit)
    for _ in steps:
        if current is None:
            return
        yield current
        current = current.parent


def ancestors_in_body(node: LexborNode, *, limit: int | None = None) -> Iterator[LexborNode]:
    """The ancestors below <body> (neither <body> nor <html>), nearest first, at most
    `limit` of the first ones looked at."""
    return itertools.takewhile(
        lambda above: above.tag not in PAGE_ROOTS, ancestors(node, limit=limit)
    )


def self_and_ancestors(node: LexborNode) -> Iterator[LexborNode]:
    """The node, then its ancestors."""
    return itertools.chain((node,), ancestors(node))
