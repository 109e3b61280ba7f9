"""The date parser: the written forms of dates beyond ISO 8601 that news pages use."""

from __future__ import annotations

import pytest

from scraper.metadata import earliest_date, parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("15 августа 2016, 13:43", "2016-08-15T13:43:00"),  # Russian
        ("12 листопада 2020", "2020-11-12"),  # Ukrainian
        ("2019年6月24日 10時", "2019-06-24"),  # Japanese, Chinese
        ("2019년 6월 24일", "2019-06-24"),  # Korean
        ("26 | 01 | 2022", "2022-01-26"),
        ("23.09.22", "2022-09-23"),  # German short form
        ("Am 28.09.19 um 10:00", "2019-09-28T10:00:00"),
    ],
)
def test_written_forms(raw: str, expected: str) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["Version 1.2.3", "v10.11.12.5", "32.01.22", "2019年13月2日"])
def test_not_dates(raw: str) -> None:
    assert parse_date(raw) is None


def test_short_form_found_in_running_text() -> None:
    assert earliest_date("Veröffentlicht am 23.09.22 von der Redaktion") == "2022-09-23"
