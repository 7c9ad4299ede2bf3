"""What the dashboard shows about many scans at once, read from their daily counts (ScanDay):
scans per day, by country, and how many there are, at a cost that does not grow with them."""

from __future__ import annotations

import datetime as dt

from traciqo_rpc.context import RequestContext
from traciqo_rpc.statements import fetch

from .queries import SCANS_BY_COUNTRY, SCANS_PER_DAY, SCANS_TOTAL


def per_day(ctx: RequestContext, days: int, verdict: str | None = None) -> list[tuple[str, int]]:
    """(ISO date, scans) for each of the last `days` days, today last, days without scans as 0."""
    first = ctx.now().date() - dt.timedelta(days=days - 1)
    rows = fetch(SCANS_PER_DAY[verdict is not None], (first, *_verdict(verdict)), ctx)
    counted = {str(day)[:10]: int(n) for day, n in rows}  # text on SQLite, a date on PostgreSQL
    return [(d.isoformat(), counted.get(d.isoformat(), 0)) for d in (first + dt.timedelta(days=n) for n in range(days))]


def countries(ctx: RequestContext, days: int, top: int = 10) -> list[tuple[str, int]]:
    """The `top` countries scans came from over the last `days` days, most first."""
    first = ctx.now().date() - dt.timedelta(days=days - 1)
    return [(country, int(n)) for country, n in fetch(SCANS_BY_COUNTRY, (first, top), ctx)]


def total(ctx: RequestContext, verdict: str | None = None) -> int:
    """How many scans (of one verdict) the workspace's environment has."""
    return int(fetch(SCANS_TOTAL[verdict is not None], _verdict(verdict), ctx)[0][0])


def _verdict(verdict: str | None) -> tuple[str, ...]:
    return () if verdict is None else (verdict,)
