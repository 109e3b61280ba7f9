"""Fetch stage: an http(s) URL in, a RawPage out (httpx), synchronously (`fetch`) or
on an asyncio loop (`fetch_async`, used by _crawl for many URLs at once).

Both paths share every check; only the I/O differs. Redirects are followed here, one
hop at a time, so that every target can be checked (scheme, loop, count). The total
timeout covers the whole request however the server dribbles: the sync path gives each
hop the remaining time as its httpx timeouts, checks the deadline after every chunk, and
a watchdog shuts the socket down at the deadline so that a server going silent mid-body
cannot hold a read past it; the async path wraps the request in asyncio.timeout. The
body cap applies to the decompressed bytes, inflated here with a bounded output, so a
gzip bomb costs at most the cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import http.cookiejar
import re
import socket
import sys
import threading
import time
import zlib
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import cast

import httpx

from scraper import parse
from scraper.errors import (
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NotHTMLError,
    RetryableStatusError,
    TooLargeError,
    TransportError,
)
from scraper.model import Fetched, PageKind, RawPage
from scraper.settings import FetchSettings

_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
_REDIRECTS = frozenset((301, 302, 303, 307, 308))
_SCHEMES = frozenset(("http", "https"))
_HTML_TYPES = frozenset(("text/html", "application/xhtml+xml"))
_TEXT_TYPES = frozenset(("text/plain",))
_GENERIC_TYPES = frozenset(("", "application/octet-stream", "binary/octet-stream"))
PAGE_TYPES = _HTML_TYPES | _TEXT_TYPES | _GENERIC_TYPES
# What a sitemap or a feed may be served as (scraper.sources reads them).
LISTING_TYPES = PAGE_TYPES | frozenset(
    (
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/x-rss+xml",
        "application/atom+xml",
        "application/x-atom+xml",
        "application/rdf+xml",
        "application/gzip",
        "application/x-gzip",
    )
)
RETRYABLE_STATUSES = frozenset((408, 429))  # and every 5xx
_CHARSET_PARAM = re.compile(r";\s*charset\s*=\s*[\"']?([^\"';\s]+)", re.IGNORECASE)
_ERRNO_PREFIX = re.compile(r"^\[Errno -?\d+\]\s*")


@dataclass(frozen=True, slots=True)
class _Deadline:
    """The instant (time.monotonic) a request must be done by."""

    at: float
    total: float

    def remaining(self, url: str) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise self.expired(url)
        return left

    def expired(self, url: str) -> FetchTimeout:
        return FetchTimeout(f"timed out after {self.total:g} s", url=url)


def fetch(url: str, *, settings: FetchSettings, client: httpx.Client | None = None) -> RawPage:
    """Fetch one URL. Raises FetchError (or a subclass) naming the URL.

    `client`, when given, is used (and left open) instead of a client made for this call."""
    return as_page(fetch_response(url, settings=settings, client=client))


def fetch_response(
    url: str,
    *,
    settings: FetchSettings,
    client: httpx.Client | None = None,
    accept: frozenset[str] = PAGE_TYPES,
) -> Fetched:
    """Fetch one URL whose content type is in `accept`. Raises FetchError."""
    _check_scheme(url, origin=url)
    deadline = _Deadline(at=time.monotonic() + settings.timeout, total=settings.timeout)
    with _client(client, settings=settings) as http:
        hops = _Hops(url, limit=settings.max_redirects)
        while True:
            got = _one_hop(
                http, hops.current, hops=hops, settings=settings, accept=accept, deadline=deadline
            )
            if isinstance(got, Fetched):
                return got
            hops.follow(got)


async def fetch_async(
    url: str,
    *,
    settings: FetchSettings,
    client: httpx.AsyncClient,
    accept: frozenset[str] = PAGE_TYPES,
    truncate: bool = False,
    on_send: Callable[[], None] | None = None,
) -> Fetched:
    """`fetch_response` on an asyncio loop: the same checks, caps and total timeout.
    With `truncate`, a body over the cap is cut to the cap instead of refused; `on_send`
    is called the moment each request's headers go out (after connecting)."""
    ask = _Ask(accept=accept, truncate=truncate, on_send=on_send)
    _check_scheme(url, origin=url)
    deadline = _Deadline(at=time.monotonic() + settings.timeout, total=settings.timeout)
    try:
        async with asyncio.timeout(settings.timeout):
            hops = _Hops(url, limit=settings.max_redirects)
            while True:
                got = await _one_hop_async(
                    client, hops.current, hops=hops, settings=settings, ask=ask
                )
                if isinstance(got, Fetched):
                    return got
                hops.follow(got)
    except TimeoutError:
        raise deadline.expired(url) from None
    except httpx.HTTPError as exc:
        raise _transport_error(exc, url=url, deadline=deadline) from None
    except httpx.InvalidURL as exc:  # httpx reads a redirect's Location while sending
        raise FetchError(f"invalid redirect location: {exc}", url=url) from None


@contextlib.contextmanager
def _client(given: httpx.Client | None, *, settings: FetchSettings) -> Iterator[httpx.Client]:
    if given is not None:
        yield given
        return
    with new_client(settings) as made:
        yield made


def new_client(settings: FetchSettings | None = None) -> httpx.Client:
    """A client to share across many fetches (connection reuse; the CA bundle
    is loaded once, which costs tens of milliseconds). Proxies come from the
    environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), as httpx reads them."""
    cookies = load_cookies(settings.cookies_file) if settings else None
    return httpx.Client(follow_redirects=False, cookies=cookies)


def new_async_client(settings: FetchSettings) -> httpx.AsyncClient:
    """The async client of a run: HTTP/2 where the server offers it (over TLS),
    pooled connections sized to the concurrency, cookies from the cookies file."""
    limits = httpx.Limits(
        max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
    )
    return httpx.AsyncClient(
        follow_redirects=False,
        http2=True,
        limits=limits,
        cookies=load_cookies(settings.cookies_file),
    )


def load_cookies(path: Path | None) -> http.cookiejar.CookieJar | None:
    """Cookies from a Netscape cookies.txt (as browsers' exporters write). Raises FetchError."""
    if path is None:
        return None
    jar = http.cookiejar.MozillaCookieJar(str(path))
    try:
        jar.load(ignore_discard=True, ignore_expires=True)
    except (OSError, http.cookiejar.LoadError) as exc:
        raise FetchError(f"cannot read cookies file: {exc}", url=str(path)) from None
    for cookie in jar:  # exporters write 0 for a session cookie; the jar reads it as expired
        if cookie.expires == 0:
            cookie.expires, cookie.discard = None, True
    return jar


def headers_for(settings: FetchSettings) -> dict[str, str]:
    """The request headers: ours, then the user's (--header) over them."""
    headers = {
        "User-Agent": settings.user_agent,
        "Accept": _ACCEPT,
        "Accept-Language": "en-US,en;q=0.9",
        "Accept-Encoding": "gzip, deflate",
    }
    headers.update(settings.headers)
    return headers


def check_url(url: str) -> None:
    """Raise FetchError unless `url` is an absolute http(s) URL with a host."""
    _check_scheme(url, origin=url)


def _check_scheme(url: str, *, origin: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchError(f"invalid URL {url!r}: {exc}", url=origin) from None
    if parsed.scheme not in _SCHEMES:
        scheme = parsed.scheme or "(none)"
        where = "" if url == origin else f" in redirect to {url}"
        raise FetchError(f"unsupported URL scheme {scheme}{where}", url=origin)
    if not parsed.host:
        raise FetchError(f"invalid URL {url!r}: no host", url=origin)
    return parsed


class _Hops:
    """The redirect chain of one request: loops and too many hops are errors."""

    def __init__(self, origin: str, *, limit: int) -> None:
        self.origin = origin
        self.current = origin
        self._seen = {origin}
        self._limit = limit

    def follow(self, target: str) -> None:
        if target in self._seen:
            raise FetchError(f"redirect loop at {target}", url=self.origin)
        if len(self._seen) > self._limit:
            raise FetchError(f"too many redirects (more than {self._limit})", url=self.origin)
        self._seen.add(target)
        self.current = target


def _one_hop(
    http: httpx.Client,
    url: str,
    *,
    hops: _Hops,
    settings: FetchSettings,
    accept: frozenset[str],
    deadline: _Deadline,
) -> Fetched | str:
    """Request `url`: the response, or the redirect target to request next."""
    origin = hops.origin
    timeout = httpx.Timeout(deadline.remaining(origin))
    request = http.build_request("GET", url, headers=headers_for(settings), timeout=timeout)
    try:
        response = http.send(request, stream=True)
    except httpx.HTTPError as exc:
        raise _transport_error(exc, url=origin, deadline=deadline) from None
    except httpx.InvalidURL as exc:  # httpx reads a redirect's Location while sending
        raise FetchError(f"invalid redirect location: {exc}", url=origin) from None
    try:
        target = _redirect_target(response, origin=origin)
        if target is not None:
            return target
        mime = _check_head(response, origin=origin, cap=settings.max_bytes, accept=accept)
        body = _read_body(response, origin=origin, cap=settings.max_bytes, deadline=deadline)
        return _fetched(response, body, mime=mime)
    finally:
        response.close()


@dataclass(frozen=True, slots=True)
class _Ask:
    """What one async request takes besides its URL (see fetch_async)."""

    accept: frozenset[str]
    truncate: bool
    on_send: Callable[[], None] | None


def _on_headers_sent(
    callback: Callable[[], None],
) -> Callable[[str, object], Coroutine[None, None, None]]:
    """An httpcore trace hook (async, as the async client requires) that calls back when
    the request headers are sent."""

    async def trace(event: str, info: object) -> None:
        if event.endswith("send_request_headers.started"):
            callback()

    return trace


async def _one_hop_async(
    http: httpx.AsyncClient,
    url: str,
    *,
    hops: _Hops,
    settings: FetchSettings,
    ask: _Ask,
) -> Fetched | str:
    """The async twin of _one_hop; the caller's asyncio.timeout bounds it."""
    origin = hops.origin
    accept, truncate = ask.accept, ask.truncate
    timeout = httpx.Timeout(settings.timeout)
    request = http.build_request("GET", url, headers=headers_for(settings), timeout=timeout)
    if ask.on_send is not None:
        request.extensions["trace"] = _on_headers_sent(ask.on_send)
    response = await http.send(request, stream=True)
    try:
        target = _redirect_target(response, origin=origin)
        if target is not None:
            return target
        declared_cap = sys.maxsize if truncate else settings.max_bytes
        mime = _check_head(response, origin=origin, cap=declared_cap, accept=accept)
        body = _Body(response, origin=origin, cap=settings.max_bytes, truncate=truncate)
        raw_chunks = cast("AsyncGenerator[bytes, None]", response.aiter_raw())
        async with contextlib.aclosing(raw_chunks) as chunks:  # closed however it is left
            async for raw in chunks:
                body.feed(raw)
                if body.full:
                    break
        return _fetched(response, body.finish(), mime=mime)
    finally:
        await response.aclose()


def _redirect_target(response: httpx.Response, *, origin: str) -> str | None:
    location = response.headers.get("location")
    if response.status_code not in _REDIRECTS or not location:
        return None
    try:
        target = str(response.url.join(location))
    except httpx.InvalidURL:
        raise FetchError(f"invalid redirect location {location!r}", url=origin) from None
    _check_scheme(target, origin=origin)
    return target


def _check_head(response: httpx.Response, *, origin: str, cap: int, accept: frozenset[str]) -> str:
    """Status, content type and declared length, before any body is read; the MIME type."""
    _check_status(response, origin=origin)
    mime = _mime(response.headers.get("content-type", ""))
    if mime not in accept:
        raise NotHTMLError(f"not an HTML page: content type {mime}", url=origin)
    _check_length(response, origin=origin, cap=cap)
    return mime


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _fetched(response: httpx.Response, body: bytes, *, mime: str) -> Fetched:
    charset = _CHARSET_PARAM.search(response.headers.get("content-type", ""))
    return Fetched(
        url=str(response.url),
        content=body,
        mime=mime,
        charset=charset.group(1) if charset else None,
        headers=tuple(response.headers.multi_items()),
    )


def as_page(fetched: Fetched) -> RawPage:
    """The fetched body as an HTML or text page. Raises NotHTMLError."""
    return RawPage(
        content=fetched.content,
        kind=_page_kind(fetched.mime, fetched.content, origin=fetched.url),
        url=fetched.url,
        charset=fetched.charset,
        headers=fetched.headers,
    )


def _check_status(response: httpx.Response, *, origin: str) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    message = f"HTTP {status} {response.reason_phrase or _phrase(status)}".rstrip()
    if status in RETRYABLE_STATUSES or 500 <= status < 600:
        wait = retry_after(response.headers.get("retry-after"))
        raise RetryableStatusError(message, url=origin, status=status, retry_after=wait)
    raise HTTPStatusError(message, url=origin, status=status)


def retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    with contextlib.suppress(TypeError, ValueError, IndexError):
        when = email.utils.parsedate_to_datetime(text).timestamp()
        return max(when - (time.time() if now is None else now), 0.0)
    return None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _check_length(response: httpx.Response, *, origin: str, cap: int) -> None:
    declared = response.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > cap:
        raise TooLargeError(
            f"body too large: Content-Length {int(declared)} bytes, cap {cap} bytes", url=origin
        )


def _page_kind(mime: str, body: bytes, *, origin: str) -> PageKind:
    if mime in _HTML_TYPES:
        return "html"
    if mime in _TEXT_TYPES:
        return "text"
    if mime in _GENERIC_TYPES and parse.looks_like_html(body):
        return "html"
    shown = mime or "none"
    raise NotHTMLError(f"not an HTML page: content type {shown}, body not HTML", url=origin)


class _Body:
    """The body as it streams in: inflated with bounded output, capped."""

    def __init__(
        self, response: httpx.Response, *, origin: str, cap: int, truncate: bool = False
    ) -> None:
        self._inflater = _Inflater(response.headers.get("content-encoding", ""), origin=origin)
        self._parts: list[bytes] = []
        self._size = 0
        self._cap = cap
        self._origin = origin
        self._truncate = truncate  # past the cap: keep the first `cap` bytes, not refuse
        self.full = False  # truncated at the cap: read no more

    def feed(self, raw: bytes) -> None:
        self._append(self._inflater.feed(raw, room=self._cap - self._size + 1))

    def finish(self) -> bytes:
        if not self.full:
            self._append(self._inflater.flush())
        return b"".join(self._parts)

    def _append(self, data: bytes) -> None:
        if self._size + len(data) > self._cap:
            if not self._truncate:
                raise TooLargeError(
                    f"body too large: over the cap of {self._cap} bytes", url=self._origin
                )
            data = data[: self._cap - self._size]
            self.full = True
        self._size += len(data)
        self._parts.append(data)


def _read_body(response: httpx.Response, *, origin: str, cap: int, deadline: _Deadline) -> bytes:
    body = _Body(response, origin=origin, cap=cap)
    with _Watchdog(response, deadline=deadline) as watchdog:
        try:
            for raw in response.iter_raw():
                deadline.remaining(origin)
                body.feed(raw)
            data = body.finish()
        except httpx.HTTPError as exc:
            raise _transport_error(exc, url=origin, deadline=deadline) from None
        if watchdog.fired:
            raise deadline.expired(origin)
    return data


class _Inflater:
    """Undo Content-Encoding with bounded output (at most `room` bytes per feed)."""

    def __init__(self, encoding: str, *, origin: str) -> None:
        name = encoding.strip().lower()
        self._origin = origin
        self._maybe_raw = False  # "deflate" is zlib-wrapped, but some servers send it raw
        self._zlib: zlib._Decompress | None = None
        if name in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif name == "deflate":
            self._zlib = zlib.decompressobj()
            self._maybe_raw = True
        elif name not in ("", "identity"):
            raise FetchError(f"unsupported content encoding {name}", url=origin)

    def feed(self, data: bytes, *, room: int) -> bytes:
        if self._zlib is None or not data:
            return data
        try:
            out = self._zlib.decompress(data, room)
        except zlib.error:
            if not self._maybe_raw:
                raise FetchError("corrupt compressed body", url=self._origin) from None
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            self._maybe_raw = False
            return self.feed(data, room=room)
        self._maybe_raw = False
        return out

    def flush(self) -> bytes:
        return self._zlib.flush() if self._zlib is not None else b""


class _Watchdog:
    """Shuts the response's socket down at the deadline, waking a blocked read."""

    def __init__(self, response: httpx.Response, *, deadline: _Deadline) -> None:
        self.fired = False
        stream = response.extensions.get("network_stream")
        self._sock = stream.get_extra_info("socket") if stream is not None else None
        self._timer = threading.Timer(max(deadline.at - time.monotonic(), 0.0), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        if isinstance(self._sock, socket.socket):
            self.fired = True
            with contextlib.suppress(OSError):
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _transport_error(exc: httpx.HTTPError, *, url: str, deadline: _Deadline) -> FetchError:
    if isinstance(exc, httpx.TimeoutException) or time.monotonic() >= deadline.at:
        return deadline.expired(url)
    return TransportError(_reason(exc), url=url)


def _os_cause(exc: BaseException) -> str:
    """The OS errors under a wrapped one, innermost included (async transports give no
    message, and anyio wraps a refused connect in "All connection attempts failed")."""
    causes: list[str] = []
    seen: BaseException | None = exc.__cause__ or exc.__context__
    for _ in range(5):
        if seen is None:
            break
        if isinstance(seen, OSError):
            causes.append(f"{type(seen).__name__} {seen}")
        seen = seen.__cause__ or seen.__context__
    return " ".join(causes)


def _reason(exc: httpx.HTTPError) -> str:
    """A one-line human reason for a transport error."""
    detail = _ERRNO_PREFIX.sub("", str(exc).splitlines()[0] if str(exc) else "").strip()
    lowered = (detail + " " + _os_cause(exc)).lower()
    if isinstance(exc, httpx.ConnectError):
        if "refused" in lowered:
            return "connection refused"
        if "name or service not known" in lowered or "nodename nor servname" in lowered:
            return "cannot resolve host name"
        return f"cannot connect: {detail or type(exc).__name__}"
    if "reset" in lowered:
        return "connection reset by the server"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"server broke the HTTP protocol: {detail or 'no details'}"
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
