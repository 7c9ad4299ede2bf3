"""What the dashboard shows about many scans at once, read from their daily counts (ScanDay):
scans per day, by country, and how many there are, at a cost that does not grow with them."""

from __future__ import annotations

import datetime as dt

import peewee

from traciqo_rpc.context import RequestContext

from .model import ScanDay


def per_day(ctx: RequestContext, days: int, verdict: str | None = None) -> list[tuple[str, int]]:
    """(ISO date, scans) for each of the last `days` days, today last, days without scans as 0."""
    today = ctx.now().date()
    first = today - dt.timedelta(days=days - 1)
    query = (ScanDay.scoped(ctx, ScanDay.day, peewee.fn.SUM(ScanDay.scans))
             .where(ScanDay.day >= first).group_by(ScanDay.day))
    if verdict is not None:
        query = query.where(ScanDay.verdict == verdict)
    counted = {str(day)[:10]: int(n) for day, n in query.tuples()}
    return [(d.isoformat(), counted.get(d.isoformat(), 0))
            for d in (first + dt.timedelta(days=n) for n in range(days))]


def countries(ctx: RequestContext, days: int, top: int = 10) -> list[tuple[str, int]]:
    """The `top` countries scans came from over the last `days` days, most first."""
    first = ctx.now().date() - dt.timedelta(days=days - 1)
    total = peewee.fn.SUM(ScanDay.scans)
    return [(country, int(n)) for country, n in
            ScanDay.scoped(ctx, ScanDay.country, total).where(ScanDay.day >= first, ScanDay.country != "")
            .group_by(ScanDay.country).order_by(total.desc(), ScanDay.country).limit(top).tuples()]


def total(ctx: RequestContext, verdict: str | None = None, since: dt.date | None = None) -> int:
    """How many scans (of one verdict, from a day on) the workspace's environment has."""
    query = ScanDay.scoped(ctx, peewee.fn.COALESCE(peewee.fn.SUM(ScanDay.scans), 0))
    if verdict is not None:
        query = query.where(ScanDay.verdict == verdict)
    if since is not None:
        query = query.where(ScanDay.day >= since)
    return int(query.scalar())
