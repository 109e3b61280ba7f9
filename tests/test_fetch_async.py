"""fetch_async (the concurrent fetcher's request) against real servers on 127.0.0.1:
the same caps and checks as the sync fetch, shared code, so a few cases per check."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import time
from collections.abc import Mapping

import httpx
import pytest

from scraper import parse
from scraper.errors import (
    FetchError,
    FetchTimeout,
    NotHTMLError,
    RetryableStatusError,
    TooLargeError,
    TransportError,
)
from scraper.fetch import LISTING_TYPES, PAGE_TYPES, as_page, fetch_async, retry_after
from scraper.model import Fetched
from scraper.settings import FetchSettings
from tests.httpserver import (
    Exchange,
    Handler,
    chunked,
    dribble,
    redirect,
    reset_connection,
    respond,
    serve,
)

PAGE = b"<!doctype html><html><head><title>Hi</title></head><body><p>Hello</p></body></html>"
FAST = FetchSettings(timeout=1.0, max_bytes=100_000, max_redirects=3)


def get(
    routes: Mapping[str, Handler],
    path: str,
    *,
    settings: FetchSettings = FAST,
    accept: frozenset[str] = PAGE_TYPES,
) -> Fetched:
    async def go(base: str) -> Fetched:
        async with httpx.AsyncClient() as client:
            return await fetch_async(base + path, settings=settings, client=client, accept=accept)

    with serve(routes) as base:
        return asyncio.run(go(base))


def test_page_and_redirect_chain() -> None:
    routes = {"/a": redirect("/b", status=301), "/b": redirect("/c"), "/c": respond(PAGE)}
    got = get(routes, "/a")
    assert got.url.endswith("/c")
    assert as_page(got).kind == "html"
    assert got.content == PAGE


def test_redirect_loop_and_other_scheme() -> None:
    with pytest.raises(FetchError, match="redirect loop"):
        get({"/a": redirect("/b"), "/b": redirect("/a")}, "/a")
    with pytest.raises(FetchError, match="unsupported URL scheme file"):
        get({"/a": redirect("file:///etc/passwd")}, "/a")


def test_dribbling_server_cut_at_total_timeout() -> None:
    settings = FetchSettings(timeout=0.5)
    start = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"timed out after 0\.5 s"):
        get({"/a": dribble(PAGE, interval=0.1)}, "/a", settings=settings)
    assert time.monotonic() - start < 0.9


def test_reset_is_a_retryable_transport_error() -> None:
    with pytest.raises(TransportError, match="reset"):
        get({"/a": reset_connection()}, "/a")


def test_endless_body_and_gzip_bomb_cost_at_most_the_cap() -> None:
    endless = chunked(itertools.repeat(b"<p>" + b"x" * 8192 + b"</p>"))
    with pytest.raises(TooLargeError):
        get({"/a": endless}, "/a")
    bomb = gzip.compress(b"<p>" + b"a" * 3_000_000)
    headers = (("Content-Type", "text/html"), ("Content-Encoding", "gzip"))
    with pytest.raises(TooLargeError, match="over the cap of 100000 bytes"):
        get({"/a": respond(bomb, headers=headers)}, "/a")


def test_binary_body_is_not_html() -> None:
    png = respond(b"\x89PNG\r\n\x1a\n" + b"\0" * 64, headers=(("Content-Type", "image/png"),))
    with pytest.raises(NotHTMLError, match="image/png"):
        get({"/a": png}, "/a")
    binary = respond(b"\0\1\2\3" * 50, headers=(("Content-Type", "application/octet-stream"),))
    with pytest.raises(NotHTMLError, match="body not HTML"):
        as_page(get({"/a": binary}, "/a"))


def test_xml_accepted_only_when_asked() -> None:
    xml = respond(b"<rss/>", headers=(("Content-Type", "application/rss+xml"),))
    with pytest.raises(NotHTMLError):
        get({"/a": xml}, "/a")
    assert get({"/a": xml}, "/a", accept=LISTING_TYPES).mime == "application/rss+xml"


def test_windows_1252_without_charset_keeps_raw_bytes_and_decodes() -> None:
    text = (
        "<html><body><p>Le caf\xe9 \xe9tait \u201ctr\xe8s\u201d bon, d\xe9j\xe0.</p></body></html>"
    )
    got = get(
        {"/a": respond(text.encode("cp1252"), headers=(("Content-Type", "text/html"),))}, "/a"
    )
    page = as_page(got)
    assert page.charset is None and page.content == text.encode("cp1252")
    assert parse.decode(page, source_name="x") == text


@pytest.mark.parametrize("status", [408, 429, 500, 503])
def test_retryable_statuses_carry_retry_after(status: int) -> None:
    def answer(ex: Exchange) -> None:
        respond(b"busy", status=status, headers=(("Retry-After", "7"),))(ex)

    with pytest.raises(RetryableStatusError) as info:
        get({"/a": answer}, "/a")
    assert info.value.status == status and info.value.retry_after == 7.0


def test_other_4xx_is_not_retryable() -> None:
    with pytest.raises(FetchError) as info:
        get({"/a": respond(b"gone", status=410)}, "/a")
    assert not isinstance(info.value, RetryableStatusError)


def test_retry_after_forms() -> None:
    assert retry_after("120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_extra_headers_sent() -> None:
    seen: list[str | None] = []

    def record(ex: Exchange) -> None:
        seen.append(ex.request.header("x-test"))
        respond(PAGE)(ex)

    get({"/a": record}, "/a", settings=FetchSettings(headers=(("X-Test", "yes"),)))
    assert seen == ["yes"]
