"""Settings, passed down explicitly. No globals, no import-time config."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from scraper.rules import RuleSet

DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    timeout: float = 30.0  # total seconds per request (per attempt), however the server dribbles
    user_agent: str = DEFAULT_USER_AGENT
    max_bytes: int = 20 * 1024 * 1024  # body cap, enforced while streaming and after inflating
    max_redirects: int = 10
    headers: tuple[tuple[str, str], ...] = ()  # extra request headers (--header)
    cookies_file: Path | None = None  # a Netscape cookies.txt
    # Many URLs at once (the batch runner's async fetcher):
    concurrency: int = 16  # requests in flight, all hosts together
    per_host: int = 2  # requests in flight to one host
    delay: float = 0.5  # seconds between the starts of two requests to one host
    retries: int = 3  # further attempts after a connect error, timeout, 408, 429 or 5xx
    backoff: float = 0.5  # first retry wait in seconds; doubles each time, with jitter
    max_retry_wait: float = 60.0  # longest wait honoured (Retry-After or backoff)
    robots: bool = True  # obey robots.txt (--ignore-robots turns it off)
    max_crawl_delay: float = 10.0  # a robots.txt Crawl-delay is honoured up to this
    save_html: Path | None = None  # keep each fetched page (with URL and headers) here
    cache: Path | None = None  # reuse pages fetched by an earlier run from here


@dataclass(frozen=True, slots=True)
class DiscoverSettings:
    """How sitemaps and feeds given as sources expand into article URLs."""

    since: str | None = None  # ISO date: only entries dated on or after it (undated kept)
    limit: int | None = None  # at most this many article URLs per sitemap or feed source
    max_sitemaps: int = 1000  # nested sitemaps followed per source, at most


@dataclass(frozen=True, slots=True)
class Settings:
    fetch: FetchSettings = field(default_factory=FetchSettings)
    discover: DiscoverSettings = field(default_factory=DiscoverSettings)
    max_input_bytes: int = 100 * 1024 * 1024  # cap on a local file or stdin
    # Seconds one page may take from its bytes to its Article (PageTooSlowError beyond);
    # None: no limit. The CLI's --time-limit sets it.
    time_limit: float | None = 30.0
    # Site rules: None means the shipped rules; RuleSet() means none (--no-rules).
    rules: RuleSet | None = None
