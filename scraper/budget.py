"""A page's budget: the time it may take and the text it may yield.

Checked at the stage boundaries and inside the loops that grow with the page (the block
walk, candidate scoring, the cleaner's loop, a rule's text directives), so that a hostile
page fails with a typed error instead of holding a CPU or filling memory. No threads or
signals: a clock read every so often. The batch workers' kill (--time-limit) stays as the
backstop for time spent inside one C call.
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass

from scraper.errors import PageTooSlowError, TextTooLargeError

TEXT_SLACK = 4096  # characters of text a page may yield beyond its own size


@dataclass(frozen=True, slots=True)
class Budget:
    """Until when (time.monotonic()) a page may be worked on, and how many characters of
    text it may yield; `source` names the page in the errors."""

    seconds: float = math.inf
    until: float = math.inf
    max_chars: int = sys.maxsize
    source: str | None = None

    @classmethod
    def start(cls, seconds: float | None, *, size: int, source: str | None) -> Budget:
        """A budget from now: `seconds` (None: no limit) for a page of `size` characters
        or bytes, whose text may be at most its size plus TEXT_SLACK."""
        limit = math.inf if seconds is None else seconds
        return cls(
            seconds=limit,
            until=time.monotonic() + limit,
            max_chars=size + TEXT_SLACK,
            source=source,
        )

    def check(self) -> None:
        """Raises PageTooSlowError when the time is up."""
        if time.monotonic() > self.until:
            raise PageTooSlowError(
                f"took longer than {self.seconds:g} s (the time limit)", source=self.source
            )

    def check_size(self, chars: int) -> None:
        """Raises TextTooLargeError when `chars` characters of text exceed the cap."""
        if chars > self.max_chars:
            raise TextTooLargeError(
                f"yields more text than the page holds ({chars} characters, cap {self.max_chars})",
                source=self.source,
            )


UNLIMITED = Budget()
CHECK_EVERY = 256  # iterations between two reads of the clock in a tight loop
