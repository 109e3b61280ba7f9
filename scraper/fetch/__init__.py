"""Stage 2, fetch: one request (`_client`, httpx), many at once with politeness, robots.txt
and retries (`_crawl`), and the page archive and cache (`_archive`: --save-html, --cache)."""

from scraper.fetch._archive import (
    META_SUFFIX,
    Saved,
    cache_name,
    lookup_cached,
    read_sidecar,
    save_page,
    sidecar,
    store_cached,
)
from scraper.fetch._client import (
    LISTING_TYPES,
    PAGE_TYPES,
    RETRYABLE_STATUSES,
    as_page,
    check_url,
    fetch,
    fetch_async,
    fetch_response,
    headers_for,
    load_cookies,
    new_async_client,
    new_client,
    retry_after,
)
from scraper.fetch._crawl import Crawler, Job
from scraper.fetch._crawl import Result as CrawlResult

__all__ = [
    "LISTING_TYPES",
    "META_SUFFIX",
    "PAGE_TYPES",
    "RETRYABLE_STATUSES",
    "CrawlResult",
    "Crawler",
    "Job",
    "Saved",
    "as_page",
    "cache_name",
    "check_url",
    "fetch",
    "fetch_async",
    "fetch_response",
    "headers_for",
    "load_cookies",
    "lookup_cached",
    "new_async_client",
    "new_client",
    "read_sidecar",
    "retry_after",
    "save_page",
    "sidecar",
    "store_cached",
]
