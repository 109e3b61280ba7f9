"""Real HTTP/1.1 servers on 127.0.0.1 for tests, one thread per connection.

    with serve({"/": respond(b"<html>...</html>")}) as base_url:
        fetch(base_url + "/", settings=...)

A route maps a path to a handler `(exchange) -> None`; the handler writes the raw
response through the Exchange: status and headers, body chunks with pauses, or an
abrupt close. Factories below build the common handlers. Every response carries
`Connection: close`, so one connection serves one request. Handlers that wait
(`pause`, `hang`) wake up when the server stops, so no test waits on a thread.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus

HeaderList = tuple[tuple[str, str], ...]
HTML = (("Content-Type", "text/html; charset=utf-8"),)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: HeaderList

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)


class Exchange:
    """One connection's request, and the means to answer it."""

    def __init__(self, sock: socket.socket, request: Request, stop: threading.Event) -> None:
        self.request = request
        self._sock = sock
        self._stop = stop

    def send_head(self, status: int, headers: Iterable[tuple[str, str]] = ()) -> None:
        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines += [f"{k}: {v}" for k, v in headers]
        lines.append("Connection: close")
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def send(self, data: bytes) -> None:
        self._sock.sendall(data)

    def pause(self, seconds: float) -> None:
        """Sleep, but return at once (raising) when the server stops."""
        if self._stop.wait(seconds):
            raise ConnectionAbortedError("server stopped")

    def hang(self) -> None:
        """Wait until the server stops."""
        self._stop.wait()

    def close(self) -> None:
        self._sock.close()

    def reset(self) -> None:
        """Close with a TCP RST (SO_LINGER 0): the client sees 'connection reset'."""
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._sock.close()


Handler = Callable[[Exchange], None]


def respond(
    body: bytes, *, status: int = 200, headers: Iterable[tuple[str, str]] = HTML
) -> Handler:
    """A complete response with a Content-Length."""

    def handler(ex: Exchange) -> None:
        ex.send_head(status, [*headers, ("Content-Length", str(len(body)))])
        ex.send(body)

    return handler


def redirect(location: str, *, status: int = 302) -> Handler:
    return respond(b"", status=status, headers=(("Location", location),))


def dribble(body: bytes, *, interval: float, headers: Iterable[tuple[str, str]] = HTML) -> Handler:
    """Send the body one byte at a time, `interval` seconds apart (close-delimited)."""

    def handler(ex: Exchange) -> None:
        ex.send_head(200, headers)
        for i in range(len(body)):
            ex.send(body[i : i + 1])
            ex.pause(interval)

    return handler


def chunked(
    chunks: Iterable[bytes], *, interval: float = 0.0, headers: Iterable[tuple[str, str]] = HTML
) -> Handler:
    """A chunked (Transfer-Encoding) body; `chunks` may be endless."""

    def handler(ex: Exchange) -> None:
        ex.send_head(200, [*headers, ("Transfer-Encoding", "chunked")])
        for chunk in chunks:
            if chunk:
                ex.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            if interval:
                ex.pause(interval)
        ex.send(b"0\r\n\r\n")

    return handler


def hang() -> Handler:
    """Accept the request and never answer."""
    return Exchange.hang


def close_connection() -> Handler:
    """Read the request, then close the connection without a response."""
    return Exchange.close


def reset_connection() -> Handler:
    """Read the request, then reset the connection (TCP RST)."""
    return Exchange.reset


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextmanager
def serve(routes: Mapping[str, Handler]) -> Iterator[str]:
    """Serve `routes` on 127.0.0.1 while the block runs; yields the base URL."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    port = listener.getsockname()[1]
    threads: list[threading.Thread] = []
    acceptor = threading.Thread(
        target=_accept_loop, args=(listener, dict(routes), stop, threads), daemon=True
    )
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        acceptor.join(timeout=2)
        listener.close()
        for thread in threads:
            thread.join(timeout=2)


def _accept_loop(
    listener: socket.socket,
    routes: dict[str, Handler],
    stop: threading.Event,
    threads: list[threading.Thread],
) -> None:
    while not stop.is_set():
        try:
            sock, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        thread = threading.Thread(target=_serve_one, args=(sock, routes, stop), daemon=True)
        threads.append(thread)
        thread.start()


def _serve_one(sock: socket.socket, routes: dict[str, Handler], stop: threading.Event) -> None:
    with sock:
        sock.settimeout(5)
        try:
            request = _read_request(sock)
            if request is None:
                return
            handler = routes.get(request.path.split("?")[0], respond(b"not found", status=404))
            handler(Exchange(sock, request, stop))
        except OSError:
            return  # the client went away, or the server is stopping


def _read_request(sock: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    request_line, *header_lines = head.split("\r\n")
    method, path, _ = request_line.split(" ", 2)
    headers = tuple(
        (k.strip(), v.strip()) for k, v in (line.split(":", 1) for line in header_lines)
    )
    return Request(method=method, path=path, headers=headers)
