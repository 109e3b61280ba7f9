"""decode(), parse() and looks_like_html() on hand-made pages (fixtures/charset/)."""

from __future__ import annotations

import contextlib
import os
import tracemalloc
from pathlib import Path

import charset_normalizer
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scraper import parse
from scraper.errors import DecodeError
from scraper.model import PageKind, RawPage

CHARSET = Path(__file__).resolve().parent.parent / "fixtures" / "charset"

# The sentences the fixture pages were written from (fixtures/charset/README.md).
FR = (
    "Le café était “très” bon, déjà à l\u2019heure. "
    "Noël approche et l\u2019élève répète sa leçon — ça va."
)
JA = "日本語のテキストです。東京は晴れています。今日はいい天気ですね。ニュースを読みましょう。"
KO = "한국어 텍스트입니다. 서울은 맑습니다. 오늘은 날씨가 좋네요. 뉴스를 읽어 봅시다."


def raw(data: bytes, *, charset: str | None = None, kind: PageKind = "html") -> RawPage:
    return RawPage(content=data, kind=kind, charset=charset)


def fixture(name: str) -> bytes:
    return (CHARSET / name).read_bytes()


def paragraph(html: str) -> str:
    doc = parse.parse(raw(html.encode("utf-8"), charset="utf-8"), url=None, source_name="t")
    node = doc.tree.css_first("p")
    assert node is not None
    return node.text()


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("utf8-bom.html", FR),
        ("utf16le-bom.html", FR),
        ("utf16be-bom.html", JA),
        ("meta-windows-1252.html", FR),
        ("http-equiv-iso-8859-1.html", FR),  # latin1 label means windows-1252: “ ” survive
        ("shift_jis.html", JA),
        ("euc-kr.html", KO),
        ("lying-meta-utf8-body-1252.html", FR),
        ("lying-meta-latin1-body-utf8.html", FR),
    ],
)
def test_fixture_pages_decode_to_their_sentence(name: str, sentence: str) -> None:
    text = parse.decode(raw(fixture(name)), source_name=name)
    assert not text.startswith("\ufeff")
    assert paragraph(text) == sentence


def test_bom_beats_a_contrary_header_and_meta() -> None:
    data = fixture("utf8-bom.html").replace(b"<title>", b'<meta charset="koi8-r"><title>')
    text = parse.decode(raw(data, charset="shift_jis"), source_name="t")
    assert paragraph(text) == FR


def test_header_charset_beats_meta() -> None:
    data = fixture("shift_jis.html").replace(b"Shift_JIS", b"euc-kr")
    assert paragraph(parse.decode(raw(data, charset="Shift_JIS"), source_name="t")) == JA


def test_lying_header_falls_through_to_meta() -> None:
    # header says utf-8, body is windows-1252 and says so in its meta
    data = fixture("meta-windows-1252.html")
    assert paragraph(parse.decode(raw(data, charset="utf-8"), source_name="t")) == FR


@pytest.mark.parametrize("label", ["no-such-charset", "x-user-defined", "utf-7", "rot13", "base64"])
def test_unknown_or_refused_header_charset_falls_through(label: str) -> None:
    data = fixture("euc-kr.html")
    assert paragraph(parse.decode(raw(data, charset=label), source_name="t")) == KO


def test_text_kind_ignores_meta() -> None:
    data = ('<meta charset="koi8-r"> ' + FR).encode("utf-8")
    assert parse.decode(raw(data, kind="text"), source_name="t").endswith(FR)


def test_undeclared_windows_1252_is_detected() -> None:
    data = fixture("meta-windows-1252.html").replace(b'<meta charset="windows-1252">', b"")
    assert b"charset" not in data
    assert paragraph(parse.decode(raw(data), source_name="t")) == FR


def test_invalid_utf8_without_declaration_does_not_raise() -> None:
    text = parse.decode(raw(fixture("invalid-utf8-undeclared.html")), source_name="t")
    assert "<title>Test</title>" in text
    assert "Noël" in text or "No\u00c3\u00abl" in text  # decoded, one way or another


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"%PDF-1.7\n" + bytes(range(1, 32)) * 40,
        os.urandom(4096).replace(b"\x00", b"\x01"),
    ],
    ids=["png", "control-bytes", "random"],
)
def test_binary_input_is_a_decode_error(data: bytes) -> None:
    with pytest.raises(DecodeError, match="binary") as info:
        parse.decode(raw(data), source_name="img.png")
    assert "img.png" in str(info.value)


def test_empty_input_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="empty") as info:
        parse.decode(raw(b""), source_name="empty.html")
    assert info.value.source == "empty.html"


def test_whitespace_page_cannot_be_parsed() -> None:
    with pytest.raises(DecodeError, match="empty"):
        parse.parse(raw(b" \r\n\t \n"), url=None, source_name="blank.html")


def test_parse_gives_one_tree_and_the_html() -> None:
    data = fixture("shift_jis.html")
    doc = parse.parse(raw(data), url="https://example.org/a", source_name="t")
    assert doc.url == "https://example.org/a"
    assert doc.html == parse.decode(raw(data), source_name="t")
    title = doc.tree.css_first("title")
    assert title is not None and title.text() == "Test"


def test_utf8_common_case_never_runs_the_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("charset-normalizer ran")

    monkeypatch.setattr(charset_normalizer, "from_bytes", forbidden)
    page = ("<html><body><p>" + FR + JA + "</p></body></html>").encode("utf-8")
    assert paragraph(parse.decode(raw(page), source_name="t")) == FR + JA
    assert paragraph(parse.decode(raw(page, charset="UTF-8"), source_name="t")) == FR + JA


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=200)


@given(_TEXT)
def test_undeclared_utf8_round_trips(text: str) -> None:
    # U+FEFF first is encoded as the UTF-8 byte-order mark, which decoding drops (WHATWG).
    assume(not text.startswith("\ufeff"))
    assert parse.decode(raw(text.encode("utf-8")), source_name="t") == text


@given(st.binary(min_size=1, max_size=300))
def test_decode_raises_nothing_but_decode_error(data: bytes) -> None:
    with contextlib.suppress(DecodeError):
        parse.decode(raw(data), source_name="t")


@pytest.mark.parametrize(
    "head",
    [
        b"<!DOCTYPE html><html>",
        b"\xef\xbb\xbf  \n<!doctype HTML>",
        b"<HTML lang=en>",
        b"\n\n<head><title>x</title>",
        b"<body>",
        b"<div class=a>",
        b"<p>Hello",
        b"<meta charset=utf-8>",
        b"<!-- saved page --><html>",
        b"<?xml version='1.0'?>\n<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0 Strict//EN'>",
        "<html>".encode("utf-16-le").join([b"\xff\xfe", b""]),
    ],
)
def test_looks_like_html(head: bytes) -> None:
    assert parse.looks_like_html(head)


@pytest.mark.parametrize(
    "head",
    [
        b"Title of a text dump\n\nFirst paragraph mentions <p> tags later.",
        b"",
        b"%PDF-1.7",
        b"\x89PNG\r\n",
        b'{"html": "<html>"}',
        b"Dear reader, <b>bold</b> claims follow.\n<p>not a page start",
    ],
)
def test_does_not_look_like_html(head: bytes) -> None:
    assert not parse.looks_like_html(head)


@pytest.mark.parametrize("declared", ["utf-8", None])
def test_utf8_with_a_stray_byte_stays_utf8(declared: str | None) -> None:
    data = ("<p>" + FR + "</p>").encode("utf-8").replace(b"bon,", b"bon\x92,")
    text = parse.decode(raw(data, charset=declared), source_name="t")
    assert text == "<p>" + FR.replace("bon,", "bon\ufffd,") + "</p>"


# A page that names a text codec which is not a character set (or no codec at all).
_NOT_CHARSETS = ("undefined", "punycode", "idna", "unicode_escape", "raw_unicode_escape",
                 "charmap", "rot13", "base64", "zlib", "hex", "uu", "bz2", "quopri")  # fmt: skip


@pytest.mark.parametrize("label", _NOT_CHARSETS)
def test_a_codec_that_is_not_a_charset_is_ignored(label: str) -> None:
    page = f'<meta charset="{label}"><p>{FR}</p>'.encode("cp1252")
    assert paragraph(parse.decode(raw(page), source_name="t")) == FR
    assert paragraph(parse.decode(raw(page, charset=label), source_name="t")) == FR


def test_a_str_with_lone_surrogates_is_encoded_with_replacement_characters() -> None:
    assert parse.encode_text("a\ud800b\udfffc") == "a\ufffdb\ufffdc".encode()
    assert parse.encode_text("\ud83d\ude00 ok") == "😀 ok".encode()  # a pair: its character
    assert parse.encode_text("plain é") == "plain é".encode()


def test_an_unreadable_url_is_no_address_for_the_document() -> None:
    page = raw(b"<p>Hello there.</p>", charset="utf-8")
    for url in ("https://[::1/a", "https://example.com\uff0fa"):
        assert parse.parse(page, url=url, source_name="t").url is None
    assert parse.parse(page, url="https://a.org/", source_name="t").url == "https://a.org/"


def _legacy_page(size: int) -> bytes:
    """An undeclared windows-1251 page of about `size` bytes: mostly non-ASCII."""
    para = ("<p>Городской совет собрался во вторник, чтобы обсудить бюджет.</p>\n").encode("cp1251")
    return b"<html><body>" + para * (size // len(para)) + b"</body></html>"


def test_decoding_a_large_legacy_page_costs_about_its_decoded_size() -> None:
    data = _legacy_page(8 << 20)
    tracemalloc.start()
    try:
        text = parse.decode(raw(data), source_name="t")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert text.startswith("<html><body><p>Городской совет")
    # The result (two bytes a character, built by CPython as one byte a character first)
    # and bounded working space; counting the invalid UTF-8 on the whole page took a
    # str per non-ASCII character (~15x).
    assert peak < 3.5 * len(data), f"{peak / len(data):.1f}x the page"


def test_a_large_page_is_detected_on_a_sample_that_holds_its_non_ascii(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []
    detect = charset_normalizer.from_bytes

    def recording(data: bytes, **kwargs: object) -> object:
        seen.append(len(data))
        return detect(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(charset_normalizer, "from_bytes", recording)
    filler = b"<p>Plain ASCII words, nothing else.</p>\n" * 20_000  # 800 KB: past the sample
    page = filler + f"<p>{FR}</p>\n".encode("cp1252") * 50 + filler
    text = parse.decode(raw(page), source_name="t")
    assert f"<p>{FR}</p>" in text and "\ufffd" not in text
    assert seen and max(seen) <= parse._DETECT_BYTES
