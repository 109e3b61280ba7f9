"""Mutations of real pages for fuzz/mutate.py: seven families (tag, byte, nesting,
attribute, encoding, truncation, text), each a list of operations. An operation takes a
seeded `random.Random` and the page's bytes and returns the new bytes and a one-line
description of what it did, so a mutation chain is both reproducible (from the seed) and
readable (from the descriptions)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

Op = Callable[[random.Random, bytes], tuple[bytes, str]]

MAX_BYTES = 6 * 1024 * 1024  # a mutation that would grow the page past this is dropped

TAGS = (
    "table", "tr", "td", "th", "tbody", "caption", "colgroup", "ul", "ol", "li", "dl", "dt",
    "div", "span", "p", "br", "hr", "article", "section", "main", "header", "footer", "nav",
    "aside", "h1", "h2", "h3", "figure", "figcaption", "blockquote", "pre", "code", "a", "b",
    "i", "font", "img", "script", "style", "template", "svg", "math", "mi", "mtext",
    "foreignObject", "annotation-xml", "desc", "title", "textarea", "noscript", "iframe",
    "select", "option", "form", "input", "button", "frameset", "frame", "body", "html",
    "head", "meta", "base", "plaintext", "xmp", "noembed", "object", "embed", "time",
)  # fmt: skip
UNCLOSED = (
    b"<script>", b"<style>", b"<textarea>", b"<title>", b"<template>", b"<svg>", b"<math>",
    b"<table>", b"<table><tr><td>", b"<plaintext>", b"<xmp>", b"<!--", b"<![CDATA[",
    b"<noscript>", b"<iframe>", b"<select>", b"<ul><li>", b"<p>", b"<a href=x>", b"<!DOCTYPE",
    b"<?xml ", b"<h1>", b"<article>",
)  # fmt: skip
NESTS = (
    (b"<div>", b"</div>"), (b"<table><tr><td>", b"</td></tr></table>"),
    (b"<ul><li>", b"</li></ul>"), (b"<span>", b"</span>"), (b"<blockquote>", b"</blockquote>"),
    (b"<section>", b"</section>"), (b"<article>", b"</article>"), (b"<b>", b"</b>"),
    (b"<a href='#'>", b"</a>"), (b"<font>", b"</font>"), (b"<svg><g>", b"</g></svg>"),
    (b"<math><mrow>", b"</mrow></math>"), (b"<template>", b"</template>"), (b"<p>", b"</p>"),
    (b"<ol><li><p>", b"</p></li></ol>"), (b"<figure>", b"</figure>"),
)  # fmt: skip
CODECS = (
    "undefined", "punycode", "utf-7", "idna", "utf-16", "utf-32", "rot13", "base64", "hex",
    "zlib", "bz2", "uu", "quopri", "x-user-defined", "mbcs", "unicode-escape",
    "raw-unicode-escape", "utf-8-sig", "cp65001", "", "utf8\x00", "a" * 300, "latin-1",
    "shift_jis", "gb18030", "iso-2022-jp", "utf-16be", "string-escape", "replace", "ascii",
)  # fmt: skip
REENCODE = (
    "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "shift_jis",
    "gb18030", "euc-kr", "koi8-r", "iso-2022-jp", "utf-7", "big5", "cp437",
)  # fmt: skip
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
BAD_URLS = (
    "javascript:alert(1)", "JaVaScRiPt:void(0)", " javascript:x", "http://[::1", "https://[",
    "http://a b/", "//", "x:", ":", "http://%zz/", "https://exa mple.com/\x00", "data:,x",
    "http://" + "a" * 5000 + ".com/", "https://example.com:99999/", "https://example.com:-1/",
    "http://[v1.x]/", "http://\u0000/", "file:///etc/passwd", "mailto:", "http://xn--/",
    "https://xn--ls8h.la/", "http://\u3002/", "\ud800", "https://example.com/" + "%" * 100,
)  # fmt: skip
INVALID_UTF8 = (
    b"\xff", b"\xfe\xff", b"\xc3", b"\xe2\x82", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
    b"\xf8\x88\x80\x80\x80", b"\x80\x80\x80",
)  # fmt: skip
CHAR_REFS = (
    b"&#xD800;", b"&#0;", b"&#x110000;", b"&#99999999999999;", b"&#x1F600", b"&nbsp", b"&amp;amp;",
    b"&#128;", b"&#xDFFF;", b"&#65534;", b"&", b"&#", b"&#x;", b"&notin", b"&#12",
)  # fmt: skip
ODD_CHARS = ("\x0b", "\x0c", "\x1b", "\u2028", "\u2029", "\u200b", "\ufeff", "\ufffe", "\u202e")
WORDS = (b"the", b"news", b"said", b"minister", b"photo", b"related", b"share", b"subscribe")

TAG_RE = re.compile(rb"<[a-zA-Z/!?][^<>]{0,300}>")
OPEN_RE = re.compile(rb"<[a-zA-Z][a-zA-Z0-9-]{0,20}")
PARA_RE = re.compile(rb"<p[ >][^<]{20,1500}</p>", re.IGNORECASE)
LEAD_RE = re.compile(rb"[\xc0-\xff]")  # the first byte of a multi-byte UTF-8 character
CHARSET_RE = re.compile(rb"<meta[^>]{0,200}charset[^>]{0,200}>", re.IGNORECASE)


@dataclass(frozen=True)
class Mutated:
    """A mutated page and the chain of operations that made it."""

    data: bytes
    steps: tuple[str, ...]


def _pos(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def _insert(rng: random.Random, data: bytes, piece: bytes) -> tuple[bytes, int]:
    at = _pos(rng, data)
    return data[:at] + piece + data[at:], at


def _tag_spans(rng: random.Random, data: bytes, *, window: int = 65536) -> list[tuple[int, int]]:
    """The tags in a random window of the page (a whole page's tags cost too much)."""
    start = rng.randrange(max(1, len(data) - window))
    found = TAG_RE.finditer(data, start, start + window)
    return [(m.start() + start, m.end() + start) for m in found]


def _random_tag(rng: random.Random) -> bytes:
    name = rng.choice(TAGS).encode()
    form = rng.randrange(4)
    if form == 0:
        return b"<" + name + b">"
    if form == 1:
        return b"</" + name + b">"
    if form == 2:
        return b"<" + name + b"/>"
    return b"<" + name + b">" + rng.choice(WORDS) + b"</" + name + b">"


def _log_count(rng: random.Random, top: int) -> int:
    """A count from 1 to top, as often small as large (log-uniform)."""
    return min(top, int(2 ** rng.uniform(0, top.bit_length())))


# -- tag ---------------------------------------------------------------------------------


def tag_delete(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    spans = _tag_spans(rng, data)
    if not spans:
        return data, "no tag"
    doomed = sorted(rng.sample(spans, min(len(spans), rng.randint(1, 8))), reverse=True)
    for start, end in doomed:
        data = data[:start] + data[end:]
    return data, f"deleted {len(doomed)} tags"


def tag_duplicate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    spans = _tag_spans(rng, data)
    if not spans:
        return data, "no tag"
    start, end = rng.choice(spans)
    tag = data[start:end]
    times = _log_count(rng, 200)
    data, at = _insert(rng, data, tag * times)
    return data, f"{tag[:40]!r} x{times} at {at}"


def tag_swap(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    spans = _tag_spans(rng, data)
    if len(spans) < 2:
        return data, "fewer than two tags"
    (a0, a1), (b0, b1) = sorted(rng.sample(spans, 2))
    if a1 > b0:
        return data, "overlapping tags"
    data = data[:a0] + data[b0:b1] + data[a1:b0] + data[a0:a1] + data[b1:]
    return data, f"swapped tags at {a0} and {b0}"


def tag_insert(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    count = _log_count(rng, 64)
    names = []
    for _ in range(count):
        tag = _random_tag(rng)
        data, _at = _insert(rng, data, tag)
        names.append(tag[:20])
    return data, f"inserted {count} tags, first {names[0]!r}"


def tag_unclosed(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    tag = rng.choice(UNCLOSED)
    data, at = _insert(rng, data, tag)
    return data, f"unclosed {tag!r} at {at}"


def tag_jsonld(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    payloads = (
        b"[" * 5000 + b"]" * 5000,
        b'{"@type":"NewsArticle","author":' * 3000 + b"1" + b"}" * 3000,
        b'{"@type":"NewsArticle","datePublished":' + b"1" * 5000 + b"}",
        b'{"@type":"NewsArticle","headline":123,"author":[null,{"name":{"x":1}}],'
        b'"datePublished":"9999-99-99T99:99","image":{"url":[[]]},"articleBody":"'
        + b"word " * 20000
        + b'"}',
        b'{"@graph":[{"@type":["NewsArticle",null,7]},{"@type":{}}],"@context":null}',
        b'{"@type":"NewsArticle","datePublished":"-1e400","dateModified":1e400}',
        b'{"@type":"NewsArticle", "headline": "\\ud800", "author": "\\udfff"}',
        b"{",
    )
    choice = rng.randrange(len(payloads))
    piece = b'<script type="application/ld+json">' + payloads[choice] + b"</script>"
    data, at = _insert(rng, data, piece)
    return data, f"JSON-LD payload {choice} at {at}"


# -- byte --------------------------------------------------------------------------------


def byte_flip(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    if not data:
        return data, "empty"
    out = bytearray(data)
    count = _log_count(rng, 256)
    for _ in range(count):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out), f"flipped {count} bits"


def byte_insert(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    piece = rng.randbytes(_log_count(rng, 4096))
    data, at = _insert(rng, data, piece)
    return data, f"inserted {len(piece)} random bytes at {at}"


def byte_delete(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    start = _pos(rng, data)
    size = _log_count(rng, 65536)
    return data[:start] + data[start + size :], f"deleted {size} bytes at {start}"


def byte_nul(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    count = _log_count(rng, 64)
    for _ in range(count):
        data, _at = _insert(rng, data, b"\x00" * rng.randint(1, 3))
    return data, f"inserted NULs at {count} places"


def byte_invalid_utf8(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    piece = rng.choice(INVALID_UTF8)
    count = _log_count(rng, 64)
    for _ in range(count):
        data, _at = _insert(rng, data, piece)
    return data, f"inserted {piece!r} at {count} places"


def byte_surrogate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    char = chr(rng.choice((0xD800, 0xDBFF, 0xDC00, 0xDFFF, rng.randrange(0xD800, 0xE000))))
    piece = char.encode("utf-8", "surrogatepass")
    count = _log_count(rng, 16)
    for _ in range(count):
        data, _at = _insert(rng, data, piece)
    return data, f"inserted lone surrogate U+{ord(char):04X} at {count} places"


def byte_char_ref(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    piece = rng.choice(CHAR_REFS) if rng.random() < 0.7 else rng.choice(ODD_CHARS).encode()
    count = _log_count(rng, 64)
    for _ in range(count):
        data, _at = _insert(rng, data, piece)
    return data, f"inserted {piece!r} at {count} places"


# -- nesting -----------------------------------------------------------------------------


def nest_wrap(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    start = _pos(rng, data)
    end = min(len(data), start + _log_count(rng, 20000))
    opener, closer = rng.choice(NESTS)
    depth = _log_count(rng, 2000)
    data = data[:start] + opener * depth + data[start:end] + closer * depth + data[end:]
    return data, f"wrapped {end - start} bytes at {start} in {depth} x {opener!r}"


def nest_unclosed(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    opener, _closer = rng.choice(NESTS)
    depth = _log_count(rng, 2000)
    data, at = _insert(rng, data, opener * depth)
    return data, f"{depth} unclosed {opener!r} at {at}"


def nest_repeat(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Repeat a subtree: from an opening tag to its name's next closing tag."""
    spans = [s for s in _tag_spans(rng, data) if data[s[0] + 1 : s[0] + 2].isalpha()]
    if not spans:
        return data, "no opening tag"
    start, _end = rng.choice(spans)
    match = OPEN_RE.match(data, start)
    name = match.group()[1:] if match else b"div"
    close = data.find(b"</" + name + b">", start, start + 20000)
    if close < 0:
        return data, f"no </{name.decode(errors='replace')}> near"
    tree = data[start : close + len(name) + 3]
    times = min(_log_count(rng, 1000), MAX_BYTES // max(1, len(tree)))
    data = data[:start] + tree * times + data[start:]
    return data, f"repeated a {len(tree)}-byte {name!r} x{times}"


# -- attribute ---------------------------------------------------------------------------


def _into_open_tag(rng: random.Random, data: bytes, attrs: bytes) -> tuple[bytes, str]:
    match = None
    for _ in range(8):
        match = OPEN_RE.search(data, _pos(rng, data))
        if match:
            break
    if match is None:
        data, at = _insert(rng, data, b"<div" + attrs + b">x</div>")
        return data, f"in a new <div> at {at}"
    return data[: match.end()] + attrs + data[match.end() :], f"in {match.group()!r}"


def attr_huge(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    name = rng.choice((b"class", b"id", b"style", b"href", b"itemprop", b"data-x"))
    size = _log_count(rng, 1 << 20)
    word = rng.choice((b"a", b"story ", b"article-body ", b"comment ", b"x" * 50))
    value = (word * (size // len(word) + 1))[:size]
    data, where = _into_open_tag(rng, data, b" " + name + b'="' + value + b'"')
    return data, f"{size}-byte {name!r} {where}"


def attr_many(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    count = _log_count(rng, 20000)
    attrs = b"".join(b" a%d=%d" % (i, i) for i in range(count))
    data, where = _into_open_tag(rng, data, attrs)
    return data, f"{count} attributes {where}"


def attr_quotes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    forms = (
        b" class='a\"b", b' class="foo', b" class=a\"b'c", b" id=`x`", b' class=""""',
        b" class='", b' href="', b" =\"x\"", b" class\x00=\"x\"", b" class = > ",
    )  # fmt: skip
    piece = rng.choice(forms)
    data, where = _into_open_tag(rng, data, piece)
    return data, f"{piece!r} {where}"


def attr_url(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    url = rng.choice(BAD_URLS).encode("utf-8", "surrogatepass")
    forms = (
        b'<a href="%s">a link</a>', b'<link rel="canonical" href="%s">',
        b'<meta property="og:url" content="%s">', b'<base href="%s">', b'<img src="%s">',
        b'<meta property="og:image" content="%s">', b'<link rel="amphtml" href="%s">',
    )  # fmt: skip
    form = rng.choice(forms)
    data, at = _insert(rng, data, form % url)
    return data, f"{(form % url)[:60]!r} at {at}"


def attr_charset(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    codec = rng.choice(CODECS).encode("utf-8", "surrogatepass")
    if rng.random() < 0.5:
        meta = b'<meta charset="' + codec + b'">'
    else:
        meta = b'<meta http-equiv="Content-Type" content="text/html; charset=' + codec + b'">'
    old = CHARSET_RE.search(data)
    if old and rng.random() < 0.7:
        return data[: old.start()] + meta + data[old.end() :], f"charset -> {codec[:20]!r}"
    at = rng.choice((0, _pos(rng, data)))
    return data[:at] + meta + data[at:], f"added charset {codec[:20]!r} at {at}"


# -- encoding ----------------------------------------------------------------------------


def _declare(data: bytes, codec: str) -> bytes:
    meta = f'<meta charset="{codec}">'.encode()
    old = CHARSET_RE.search(data)
    return data[: old.start()] + meta + data[old.end() :] if old else meta + data


def enc_reencode(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    codec = rng.choice(REENCODE)
    how = rng.choice(("keep", "declare", "strip"))
    if how == "declare":
        data = _declare(data, codec)
    elif how == "strip":
        data = CHARSET_RE.sub(b"", data)
    text = data.decode("utf-8", "replace")
    return text.encode(codec, "xmlcharrefreplace"), f"re-encoded to {codec} ({how} declaration)"


def enc_region(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    start = _pos(rng, data)
    end = min(len(data), start + _log_count(rng, 65536))
    codec = rng.choice(REENCODE)
    piece = data[start:end].decode("utf-8", "replace").encode(codec, "xmlcharrefreplace")
    return data[:start] + piece + data[end:], f"bytes {start}-{end} re-encoded to {codec}"


def enc_bom(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    bom = rng.choice(BOMS)
    if rng.random() < 0.3:
        data, at = _insert(rng, data, bom)
        return data, f"BOM {bom!r} at {at}"
    return bom + data, f"BOM {bom!r} prepended"


def enc_strip_bom(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    for bom in sorted(BOMS, key=len, reverse=True):
        if data.startswith(bom):
            return data[len(bom) :], f"removed BOM {bom!r}"
    return data[rng.randint(1, 3) :], "removed the first bytes (no BOM)"


# -- truncation --------------------------------------------------------------------------


def cut_random(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    at = _pos(rng, data)
    return data[:at], f"cut at {at}"


def cut_in_tag(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    spans = _tag_spans(rng, data)
    if not spans:
        return data, "no tag"
    start, end = rng.choice(spans)
    at = rng.randrange(start + 1, end)
    return data[:at], f"cut inside {data[start:end][:30]!r} at {at}"


def cut_in_char(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    lead = LEAD_RE.search(data, _pos(rng, data))
    if lead is None:
        return data[: len(data) // 2] + b"\xe2\x82", "cut and ended on half a euro sign"
    at = lead.start() + 1
    return data[:at], f"cut inside a multi-byte character at {at}"


def cut_start(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    at = _pos(rng, data)
    return data[at:], f"dropped the first {at} bytes"


# -- text --------------------------------------------------------------------------------


def text_repeat(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    times = rng.choice((10000, _log_count(rng, 10000)))
    paras = PARA_RE.findall(data, _pos(rng, data) // 2)
    if paras:
        para = rng.choice(paras[:50])
    else:  # a text dump: a line, or a made-up paragraph
        lines = [line for line in data.splitlines() if 20 <= len(line) <= 1500]
        para = (rng.choice(lines) if lines else b"A sentence of a paragraph, said.") + b"\n\n"
    times = min(times, MAX_BYTES // max(1, len(para)))
    data, at = _insert(rng, data, para * times)
    return data, f"a {len(para)}-byte paragraph x{times} at {at}"


def text_long_line(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    size = rng.choice((1 << 20, _log_count(rng, 1 << 20)))
    word = rng.choice((b"word ", b"x", b"\xc3\xa9", b"-", b"https://example.com/a ", b". "))
    line = (word * (size // len(word) + 1))[:size]
    piece = b"<p>" + line + b"</p>" if rng.random() < 0.5 else line
    data, at = _insert(rng, data, piece)
    return data, f"a {size}-byte line of {word!r} at {at}"


def text_blank(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    piece = rng.choice((b"\n", b"<br>", b" ", b"\r", b"&nbsp;", b"<p></p>", b"\t"))
    times = _log_count(rng, 200000)
    data, at = _insert(rng, data, piece * times)
    return data, f"{piece!r} x{times} at {at}"


FAMILIES: dict[str, tuple[Op, ...]] = {
    "tag": (tag_delete, tag_duplicate, tag_swap, tag_insert, tag_unclosed, tag_jsonld),
    "byte": (byte_flip, byte_insert, byte_delete, byte_nul, byte_invalid_utf8, byte_surrogate,
             byte_char_ref),
    "nesting": (nest_wrap, nest_unclosed, nest_repeat),
    "attribute": (attr_huge, attr_many, attr_quotes, attr_url, attr_charset),
    "encoding": (enc_reencode, enc_region, enc_bom, enc_strip_bom),
    "truncation": (cut_random, cut_in_tag, cut_in_char, cut_start),
    "text": (text_repeat, text_long_line, text_blank),
}  # fmt: skip


def mutate(rng: random.Random, data: bytes, *, count: int) -> Mutated:
    """Apply `count` random operations in turn; one that would grow the page past
    MAX_BYTES is dropped (and says so in the chain)."""
    steps: list[str] = []
    for _ in range(count):
        family = rng.choice(sorted(FAMILIES))
        op = rng.choice(FAMILIES[family])
        out, what = op(rng, data)
        name = f"{family}.{op.__name__}"
        if len(out) > MAX_BYTES:
            steps.append(f"{name}: dropped, {len(out)} bytes")
            continue
        data = out
        steps.append(f"{name}: {what}")
    return Mutated(data=data, steps=tuple(steps))
