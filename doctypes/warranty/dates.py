"""Warranty periods (no I/O): a warranty of N months covers up to the day before the
N-month anniversary; when that anniversary does not exist (31 January + 1 month), it
covers to the end of that month."""

from __future__ import annotations

import calendar
import datetime as dt


def ends_on(starts_on: dt.date, months: int) -> dt.date:
    years, month_index = divmod(starts_on.month - 1 + months, 12)
    year, month = starts_on.year + years, month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    if starts_on.day > last_day:
        return dt.date(year, month, last_day)
    return dt.date(year, month, starts_on.day) - dt.timedelta(days=1)
