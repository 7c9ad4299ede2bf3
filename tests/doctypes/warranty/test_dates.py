"""Warranty periods across month ends and leap years."""

from __future__ import annotations

import datetime as dt

import pytest

from doctypes.warranty.dates import ends_on

D = dt.date


@pytest.mark.parametrize(
    "start,months,end",
    [
        (D(2026, 3, 15), 12, D(2027, 3, 14)),
        (D(2026, 1, 1), 1, D(2026, 1, 31)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),   # no 31 February: to the end of February
        (D(2028, 1, 31), 1, D(2028, 2, 29)),   # leap year
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # a leap day's anniversary does not exist
        (D(2028, 2, 29), 48, D(2032, 2, 28)),  # four years on it does: the day before
        (D(2026, 12, 15), 1, D(2027, 1, 14)),  # across the year end
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 5, 1), 24, D(2028, 4, 30)),
    ],
)
def test_ends_on(start, months, end):
    assert ends_on(start, months) == end
