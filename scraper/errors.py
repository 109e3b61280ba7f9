"""Typed errors. Every error names what it is about: the source, URL, file,
rule or key. Nothing in the library swallows an error into None."""

from __future__ import annotations


class ScraperError(Exception):
    """Base class of every error `scrape` reports."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        url: str | None = None,
        file: str | None = None,
        rule: str | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.url = url
        self.file = file
        self.rule = rule
        self.key = key

    def __str__(self) -> str:
        where = self.source or self.url or self.file or self.rule
        prefix = f"{where}: " if where and not self.message.startswith(where) else ""
        suffix = f" (key {self.key})" if self.key else ""
        return f"{prefix}{self.message}{suffix}"


class SourceError(ScraperError):
    """A source cannot be read: missing file, unknown scheme, unsupported type."""


class FetchError(ScraperError):
    """A URL could not be fetched."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message, url=url)
        self.status = status


class HTTPStatusError(FetchError):
    """The server answered with an error status."""


class TransportError(FetchError):
    """The connection failed (cannot connect, reset, closed early): worth retrying."""


class RetryableStatusError(HTTPStatusError):
    """408, 429 or 5xx: worth retrying, after `retry_after` seconds when the server said."""

    def __init__(
        self, message: str, *, url: str, status: int, retry_after: float | None = None
    ) -> None:
        super().__init__(message, url=url, status=status)
        self.retry_after = retry_after


class RobotsUnavailableError(FetchError):
    """robots.txt could not be fetched (unreachable, or a 5xx): RFC 9309 says fetch
    nothing on that host, so the page was not obtained. A failure, never a skip."""


class FetchTimeout(FetchError):
    """The request took longer than the total timeout."""


class TooLargeError(FetchError):
    """The body is larger than the cap."""


class NotHTMLError(FetchError):
    """The server sent something that is not an HTML page."""


class DecodeError(ScraperError):
    """The input is empty, binary, or not text in any charset."""


class ExtractionError(ScraperError):
    """The page holds no article text."""


class RuleError(ScraperError):
    """A site rule file is invalid."""


class RuleShadowError(RuleError):
    """A new rule would take the name, or a site, of a rule already in use."""


class RuleSyntaxError(RuleError):
    """A rule file is not UTF-8 TOML; line and column (from 1) say where."""

    def __init__(self, message: str, *, file: str, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {message}", file=file)
        self.line = line
        self.column = column


class OutputError(ScraperError):
    """An output file cannot be written."""


class PageTooSlowError(ExtractionError):
    """The page took longer than its time budget (Settings.time_limit, --time-limit)."""


class TextTooLargeError(ExtractionError):
    """The page yielded more text than it holds: a cap on output relative to input."""
