"""Shared pytest set-up: the markers the suite uses."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slow: a pathological or long-running case (runs in CI too; deselect locally "
        "with -m 'not slow')",
    )
