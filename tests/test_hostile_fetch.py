"""Fetching hostile URLs: only http(s) URLs and redirect targets are ever requested; no
local file is reached through a URL, whatever its spelling.

(Size and time caps against live servers are proven in tests/test_fetch.py:
test_content_length_over_cap_refused_before_reading, test_endless_chunked_body,
test_gzip_bomb_costs_at_most_the_cap, test_dribbling_body_cut_at_total_timeout,
test_server_going_silent_mid_body_cut_at_deadline; redirects to file:, ftp:, gopher:
in test_redirect_to_other_scheme_refused.)
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.errors import FetchError
from scraper.fetch import check_url, fetch, fetch_async
from scraper.settings import FetchSettings
from tests.httpserver import redirect, serve

ROOT = Path(__file__).resolve().parent.parent
FAST = FetchSettings(timeout=5.0, max_bytes=100_000, max_redirects=3, retries=0)
LOCAL = (
    "file:///etc/passwd", "FILE:///etc/passwd", "file://localhost/etc/passwd", "file:/etc/passwd",
    " file:///etc/passwd", "file:///etc/passwd\x00.html", "\x00file:///etc/passwd",
    "local:///etc/passwd", "jar:file:///x!/y", "view-source:file:///etc/passwd",
    "data:text/html,<p>x</p>", "javascript:alert(1)", "about:blank", "/etc/passwd",
    "//etc/passwd", "http:/etc/passwd", "http:etc/passwd", "https:///etc/passwd", "ftp://x/",
    "gopher://x/", "ws://x/", "smb://x/share",
)  # fmt: skip


@pytest.mark.parametrize("url", LOCAL)
def test_no_local_or_other_scheme_is_fetched(url: str) -> None:
    with pytest.raises(FetchError):
        fetch(url, settings=FAST)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.sampled_from(["http", "https", "file", "HTTP"]).flatmap(
    lambda scheme: st.text().map(lambda rest: f"{scheme}:{rest}"))))  # fmt: skip
def test_check_url_accepts_only_absolute_http_urls(url: str) -> None:
    try:
        check_url(url)
    except FetchError:
        return
    parsed = httpx.URL(url)
    assert parsed.scheme in ("http", "https") and parsed.host


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "FILE:/etc/passwd", "//[::1", "data:,x", "http:///x"]
)
def test_redirect_to_a_local_or_broken_target_is_refused(target: str) -> None:
    with serve({"/a": redirect(target)}) as base, pytest.raises(FetchError):
        fetch(base + "/a", settings=FAST)


def test_command_never_reads_a_file_through_a_url(tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("<html><body><p>" + "The secret text, not to be read. " * 20 + "</p>")
    done = subprocess.run(
        [sys.executable, "cli.py", f"file://{secret}", "-f", "json", "-q"],
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    record = json.loads(done.stdout)
    assert "error" in record and "secret text" not in done.stdout + done.stderr


def test_async_fetch_refuses_a_broken_redirect_too() -> None:
    """Regression: httpx builds the next request of any redirect while sending and raised
    httpx.InvalidURL (not an httpx.HTTPError) for 'Location: data:,x'."""

    async def run(base: str) -> None:
        async with httpx.AsyncClient() as client:
            await fetch_async(base + "/a", settings=FAST, client=client)

    with serve({"/a": redirect("data:,x")}) as base, pytest.raises(FetchError):
        asyncio.run(run(base))
