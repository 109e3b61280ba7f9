"""Settings, passed down explicitly. No globals, no import-time config."""

from __future__ import annotations

from dataclasses import dataclass, field

from scraper.rules import RuleSet

DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@dataclass(frozen=True, slots=True)
class FetchSettings:
    timeout: float = 30.0  # total seconds per request, however the server dribbles
    user_agent: str = DEFAULT_USER_AGENT
    max_bytes: int = 20 * 1024 * 1024  # body cap, enforced while streaming
    max_redirects: int = 10


@dataclass(frozen=True, slots=True)
class Settings:
    fetch: FetchSettings = field(default_factory=FetchSettings)
    max_input_bytes: int = 100 * 1024 * 1024  # cap on a local file or stdin
    # Site rules: None means the shipped rules; RuleSet() means none (--no-rules).
    rules: RuleSet | None = None
