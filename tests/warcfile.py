"""Write WARC files for tests and benchmarks, by hand (WARC/1.0, one gzip member per
record when gzipped), so the reader is checked against bytes it did not write."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterable
from pathlib import Path


def response(url: str, body: bytes, *, ctype: str = "text/html", status: int = 200) -> bytes:
    """One WARC response record holding an HTTP response."""
    http = (
        f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}>\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def write(path: Path, records: Iterable[bytes]) -> Path:
    """A .warc.gz (each record its own gzip member) or a plain .warc, by the suffix."""
    zipped = path.name.endswith(".gz")
    with path.open("wb") as handle:
        for record in records:
            handle.write(gzip.compress(record, compresslevel=6) if zipped else record)
    return path
