"""Fetch stage: an http(s) URL in, a RawPage out (httpx).

Redirects are followed here, one hop at a time, so that every target can be checked
(scheme, loop, count). The total timeout covers the whole request however the server
dribbles: each hop gets the remaining time as its httpx timeouts, the deadline is checked
after every chunk, and a watchdog shuts the socket down at the deadline so that a server
going silent mid-body cannot hold a read past it. The body cap applies to the
decompressed bytes, inflated here with a bounded output, so a gzip bomb costs at most
the cap.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus

import httpx

from scraper import parse
from scraper.errors import FetchError, FetchTimeout, HTTPStatusError, NotHTMLError, TooLargeError
from scraper.model import PageKind, RawPage
from scraper.settings import FetchSettings

_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
_REDIRECTS = frozenset((301, 302, 303, 307, 308))
_SCHEMES = frozenset(("http", "https"))
_HTML_TYPES = frozenset(("text/html", "application/xhtml+xml"))
_TEXT_TYPES = frozenset(("text/plain",))
_GENERIC_TYPES = frozenset(("", "application/octet-stream", "binary/octet-stream"))
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
            raise FetchTimeout(f"timed out after {self.total:g} s", url=url)
        return left


def fetch(url: str, *, settings: FetchSettings, client: httpx.Client | None = None) -> RawPage:
    """Fetch one URL. Raises FetchError (or a subclass) naming the URL.

    `client`, when given, is used (and left open) instead of a client made for this call."""
    _check_scheme(url, origin=url)
    deadline = _Deadline(at=time.monotonic() + settings.timeout, total=settings.timeout)
    with _client(client, settings=settings) as http:
        return _follow(http, url, settings=settings, deadline=deadline)


@contextlib.contextmanager
def _client(given: httpx.Client | None, *, settings: FetchSettings) -> Iterator[httpx.Client]:
    if given is not None:
        yield given
        return
    with new_client() as made:
        yield made


def new_client() -> httpx.Client:
    """A client to share across many fetches (connection reuse; the CA bundle
    is loaded once, which costs tens of milliseconds)."""
    return httpx.Client(follow_redirects=False)


def _headers(settings: FetchSettings) -> dict[str, str]:
    return {
        "User-Agent": settings.user_agent,
        "Accept": _ACCEPT,
        "Accept-Language": "en-US,en;q=0.9",
        "Accept-Encoding": "gzip, deflate",
    }


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


def _follow(
    http: httpx.Client, url: str, *, settings: FetchSettings, deadline: _Deadline
) -> RawPage:
    seen = {url}
    current = url
    while True:
        target = _one_hop(http, current, origin=url, settings=settings, deadline=deadline)
        if isinstance(target, RawPage):
            return target
        if target in seen:
            raise FetchError(f"redirect loop at {target}", url=url)
        if len(seen) > settings.max_redirects:
            raise FetchError(f"too many redirects (more than {settings.max_redirects})", url=url)
        seen.add(target)
        current = target


def _one_hop(
    http: httpx.Client, url: str, *, origin: str, settings: FetchSettings, deadline: _Deadline
) -> RawPage | str:
    """Request `url`: the page, or the redirect target to request next."""
    left = deadline.remaining(origin)
    request = http.build_request(
        "GET", url, headers=_headers(settings), timeout=httpx.Timeout(left)
    )
    try:
        response = http.send(request, stream=True)
    except httpx.HTTPError as exc:
        raise _transport_error(exc, url=origin, deadline=deadline) from None
    try:
        location = response.headers.get("location")
        if response.status_code in _REDIRECTS and location:
            target = _resolve(response.url, location, origin=origin)
            _check_scheme(target, origin=origin)
            return target
        return _read_page(response, origin=origin, settings=settings, deadline=deadline)
    finally:
        response.close()


def _resolve(base: httpx.URL, location: str, *, origin: str) -> str:
    try:
        return str(base.join(location))
    except httpx.InvalidURL:
        raise FetchError(f"invalid redirect location {location!r}", url=origin) from None


def _read_page(
    response: httpx.Response, *, origin: str, settings: FetchSettings, deadline: _Deadline
) -> RawPage:
    _check_status(response, origin=origin)
    content_type = response.headers.get("content-type", "")
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime not in _HTML_TYPES | _TEXT_TYPES | _GENERIC_TYPES:
        raise NotHTMLError(f"not an HTML page: content type {mime}", url=origin)
    _check_length(response, origin=origin, cap=settings.max_bytes)
    body = _read_body(response, origin=origin, cap=settings.max_bytes, deadline=deadline)
    charset = _CHARSET_PARAM.search(content_type)
    return RawPage(
        content=body,
        kind=_page_kind(mime, body, origin=origin),
        url=str(response.url),
        charset=charset.group(1) if charset else None,
        headers=tuple(response.headers.multi_items()),
    )


def _check_status(response: httpx.Response, *, origin: str) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    reason = response.reason_phrase or _phrase(status)
    raise HTTPStatusError(f"HTTP {status} {reason}".rstrip(), url=origin, status=status)


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
    if parse.looks_like_html(body):
        return "html"
    shown = mime or "none"
    raise NotHTMLError(f"not an HTML page: content type {shown}, body not HTML", url=origin)


def _read_body(response: httpx.Response, *, origin: str, cap: int, deadline: _Deadline) -> bytes:
    inflater = _Inflater(response.headers.get("content-encoding", ""), origin=origin)
    parts: list[bytes] = []
    size = 0
    with _Watchdog(response, deadline=deadline) as watchdog:
        try:
            for raw in response.iter_raw():
                deadline.remaining(origin)
                size = _append(parts, inflater.feed(raw, room=cap - size + 1), size, cap, origin)
            size = _append(parts, inflater.flush(), size, cap, origin)
        except httpx.HTTPError as exc:
            raise _transport_error(exc, url=origin, deadline=deadline) from None
        if watchdog.fired:
            raise FetchTimeout(f"timed out after {deadline.total:g} s", url=origin)
    return b"".join(parts)


def _append(parts: list[bytes], data: bytes, size: int, cap: int, origin: str) -> int:
    size += len(data)
    if size > cap:
        raise TooLargeError(f"body too large: over the cap of {cap} bytes", url=origin)
    parts.append(data)
    return size


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
        return FetchTimeout(f"timed out after {deadline.total:g} s", url=url)
    return FetchError(_reason(exc), url=url)


def _reason(exc: httpx.HTTPError) -> str:
    """A one-line human reason for a transport error."""
    detail = _ERRNO_PREFIX.sub("", str(exc).splitlines()[0] if str(exc) else "").strip()
    lowered = detail.lower()
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
