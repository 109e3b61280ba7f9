"""fetch() against real HTTP servers on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import gzip
import itertools
import time
import zlib
from collections.abc import Iterator, Mapping

import httpx
import pytest

from scraper import parse
from scraper.errors import FetchError, FetchTimeout, HTTPStatusError, NotHTMLError, TooLargeError
from scraper.fetch import fetch
from scraper.model import RawPage
from scraper.settings import FetchSettings
from tests.httpserver import (
    Exchange,
    Handler,
    chunked,
    close_connection,
    closed_port,
    dribble,
    hang,
    redirect,
    reset_connection,
    respond,
    serve,
)

PAGE = "<!doctype html><html><head><title>Hi</title></head><body><p>Café</p></body></html>"
FAST = FetchSettings(timeout=5.0, max_bytes=1_000_000, max_redirects=3)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """One client for the module: making one loads the CA bundle (~70 ms)."""
    with httpx.Client() as shared:
        yield shared


def fetch_from(
    routes: Mapping[str, Handler],
    path: str,
    *,
    client: httpx.Client,
    settings: FetchSettings = FAST,
) -> RawPage:
    """Serve `routes`, fetch `path` from them."""
    with serve(routes) as base:
        return fetch(base + path, settings=settings, client=client)


def test_200_html() -> None:
    with serve({"/a": respond(PAGE.encode())}) as base:
        raw = fetch(base + "/a", settings=FAST)
    assert raw.kind == "html"
    assert raw.content == PAGE.encode()
    assert raw.charset == "utf-8"
    assert raw.url == base + "/a"
    assert ("content-type", "text/html; charset=utf-8") in raw.headers


def test_redirect_chain_followed_and_final_url_reported(client: httpx.Client) -> None:
    def absolute(ex: Exchange) -> None:  # an absolute Location, built from the Host header
        redirect(f"http://{ex.request.header('host')}/3", status=307)(ex)

    routes = {
        "/1": redirect("/2", status=301),
        "/2": absolute,
        "/3": redirect("final", status=308),
        "/final": respond(PAGE.encode()),
    }
    with serve(routes) as base:
        raw = fetch(base + "/1", settings=FAST, client=client)
    assert raw.url == base + "/final"
    assert raw.content == PAGE.encode()


def test_redirect_loop_is_an_error(client: httpx.Client) -> None:
    with pytest.raises(FetchError, match="redirect loop") as info:
        fetch_from({"/a": redirect("/b"), "/b": redirect("/a")}, "/a", client=client)
    assert info.value.url is not None and info.value.url.endswith("/a")


def test_too_many_redirects(client: httpx.Client) -> None:
    routes = {f"/{i}": redirect(f"/{i + 1}") for i in range(10)}
    routes["/10"] = respond(PAGE.encode())
    with serve(routes) as base:
        with pytest.raises(FetchError, match="too many redirects"):
            fetch(base + "/0", settings=FAST, client=client)
        # exactly max_redirects hops is fine
        assert fetch(base + "/7", settings=FAST, client=client).url == base + "/10"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://x/"])
def test_redirect_to_other_scheme_refused(target: str, client: httpx.Client) -> None:
    with pytest.raises(FetchError, match="unsupported URL scheme"):
        fetch_from({"/a": redirect(target)}, "/a", client=client)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "javascript:x"])
def test_non_http_url_refused(url: str) -> None:
    with pytest.raises(FetchError, match="unsupported URL scheme"):
        fetch(url, settings=FAST)


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (500, "Internal Server Error")])
def test_http_error_status(status: int, reason: str, client: httpx.Client) -> None:
    with pytest.raises(HTTPStatusError) as info:
        fetch_from({"/a": respond(b"nope", status=status)}, "/a", client=client)
    assert info.value.status == status
    assert info.value.message == f"HTTP {status} {reason}"


def test_dribbling_body_cut_at_total_timeout(client: httpx.Client) -> None:
    settings = FetchSettings(timeout=0.8, max_bytes=1_000_000)
    with serve({"/a": dribble(PAGE.encode(), interval=0.2)}) as base:
        start = time.monotonic()
        with pytest.raises(FetchTimeout, match="timed out"):
            fetch(base + "/a", settings=settings, client=client)
        elapsed = time.monotonic() - start
    assert 0.7 < elapsed < 1.2


def test_server_going_silent_mid_body_cut_at_deadline(client: httpx.Client) -> None:
    def one_byte_then_silence(ex: Exchange) -> None:
        ex.send_head(200, [("Content-Type", "text/html"), ("Content-Length", "100")])
        ex.pause(0.3)
        ex.send(b"<")
        ex.hang()

    settings = FetchSettings(timeout=0.6, max_bytes=1_000_000)
    with serve({"/a": one_byte_then_silence}) as base:
        start = time.monotonic()
        with pytest.raises(FetchTimeout):
            fetch(base + "/a", settings=settings, client=client)
        elapsed = time.monotonic() - start
    assert elapsed < 0.8  # the watchdog (0.6 s), not the per-read timeout (0.3 + 0.6 s)


def test_server_that_never_answers(client: httpx.Client) -> None:
    settings = FetchSettings(timeout=0.5)
    with serve({"/a": hang()}) as base:
        start = time.monotonic()
        with pytest.raises(FetchTimeout):
            fetch(base + "/a", settings=settings, client=client)
    assert time.monotonic() - start < 1.0


def test_connection_refused(client: httpx.Client) -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    with pytest.raises(FetchError, match="connection refused") as info:
        fetch(url, settings=FAST, client=client)
    assert "\n" not in str(info.value)
    assert str(info.value).startswith(url)


def test_connection_closed_without_response(client: httpx.Client) -> None:
    with serve({"/a": close_connection()}) as base, pytest.raises(FetchError) as info:
        fetch(base + "/a", settings=FAST, client=client)
    assert not isinstance(info.value, FetchTimeout)
    assert "\n" not in str(info.value)


def test_connection_reset(client: httpx.Client) -> None:
    with pytest.raises(FetchError, match="connection reset") as info:
        fetch_from({"/a": reset_connection()}, "/a", client=client)
    assert "\n" not in str(info.value)


def test_content_length_over_cap_refused_before_reading(client: httpx.Client) -> None:
    def huge_declared(ex: Exchange) -> None:
        ex.send_head(200, [("Content-Type", "text/html"), ("Content-Length", "5000000")])
        ex.hang()  # never sends the body: reading it would time out

    with pytest.raises(TooLargeError, match="Content-Length"):
        fetch_from({"/a": huge_declared}, "/a", client=client)


def test_endless_chunked_body(client: httpx.Client) -> None:
    endless = itertools.repeat(b"<p>" + b"x" * 8192 + b"</p>")
    with serve({"/a": chunked(endless)}) as base, pytest.raises(TooLargeError):
        fetch(base + "/a", settings=FAST, client=client)


def test_gzip_bomb_costs_at_most_the_cap(client: httpx.Client) -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 5_000_000)
    assert len(bomb) < FAST.max_bytes
    headers = (("Content-Type", "text/html"), ("Content-Encoding", "gzip"))
    with serve({"/a": respond(bomb, headers=headers)}) as base, pytest.raises(TooLargeError):
        fetch(base + "/a", settings=FAST, client=client)


@pytest.mark.parametrize("wrap", ["gzip", "deflate", "raw-deflate"])
def test_compressed_body_decoded(wrap: str, client: httpx.Client) -> None:
    body = PAGE.encode() * 50
    if wrap == "gzip":
        data = gzip.compress(body)
    elif wrap == "deflate":
        data = zlib.compress(body)
    else:
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        data = packer.compress(body) + packer.flush()
    encoding = "gzip" if wrap == "gzip" else "deflate"
    headers = (("Content-Type", "text/html"), ("Content-Encoding", encoding))
    with serve({"/a": respond(data, headers=headers)}) as base:
        assert fetch(base + "/a", settings=FAST, client=client).content == body


def test_image_is_not_html(client: httpx.Client) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    with pytest.raises(NotHTMLError, match="image/png"):
        fetch_from(
            {"/a": respond(png, headers=(("Content-Type", "image/png"),))}, "/a", client=client
        )


def test_text_plain_is_text(client: httpx.Client) -> None:
    headers = (("Content-Type", "text/plain; charset=iso-8859-1"),)
    with serve({"/a": respond(b"Just text.\n", headers=headers)}) as base:
        raw = fetch(base + "/a", settings=FAST, client=client)
    assert raw.kind == "text"
    assert raw.charset == "iso-8859-1"


def test_no_content_type_sniffed(client: httpx.Client) -> None:
    with serve(
        {"/html": respond(PAGE.encode(), headers=()), "/bin": respond(b"\0\1\2", headers=())}
    ) as base:
        assert fetch(base + "/html", settings=FAST, client=client).kind == "html"
        with pytest.raises(NotHTMLError):
            fetch(base + "/bin", settings=FAST, client=client)


WESTERN = (
    "<html><head><title>Caf\xe9</title></head><body><p>Le caf\xe9 \xe9tait \u201ctr\xe8s\u201d "
    "bon, d\xe9j\xe0 \xe0 l\u2019heure. No\xebl approche et l\u2019\xe9l\xe8ve r\xe9p\xe8te."
    "</p></body></html>"
)


def test_windows_1252_without_charset_in_header_decodes(client: httpx.Client) -> None:
    with serve(
        {"/a": respond(WESTERN.encode("cp1252"), headers=(("Content-Type", "text/html"),))}
    ) as base:
        raw = fetch(base + "/a", settings=FAST, client=client)
    assert raw.charset is None
    assert parse.decode(raw, source_name="x") == WESTERN


def test_header_lying_about_utf8_meta_wins(client: httpx.Client) -> None:
    page = WESTERN.replace("<head>", '<head><meta charset="windows-1252">')
    with serve({"/a": respond(page.encode("cp1252"))}) as base:  # header says utf-8
        raw = fetch(base + "/a", settings=FAST, client=client)
    assert raw.charset == "utf-8"
    text = parse.decode(raw, source_name="x")
    assert text == page
    assert "\ufffd" not in text


def test_user_agent_and_accept_sent() -> None:
    seen: list[tuple[str | None, str | None]] = []

    def record(ex: Exchange) -> None:
        seen.append((ex.request.header("user-agent"), ex.request.header("accept")))
        respond(PAGE.encode())(ex)

    settings = FetchSettings(user_agent="TestAgent/1.0 (like Mozilla)")
    with serve({"/a": record}) as base:
        fetch(base + "/a", settings=settings)
    assert seen[0][0] == "TestAgent/1.0 (like Mozilla)"
    assert seen[0][1] is not None and "text/html" in seen[0][1]
