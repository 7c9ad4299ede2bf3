"""Writing request log batches and summarising them for get_api_usage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import SQL, Case, fn

from doctypes.api_key.queries import MARK_USED
from traciqo_rpc import db, retention
from traciqo_rpc.context import RequestContext
from traciqo_rpc.statements import run_many
from traciqo_rpc.usage import UsageCall, UsageCount

from .model import ApiRequestLog, ApiUsage
from .queries import UPSERT_COUNT

RETENTION_DAYS = 90  # minute counts
RECENT_DAYS = 7  # individual recent calls



def write_batch(counts: list[UsageCount], calls: list[UsageCall]) -> None:
    """hooks.request_log_writer: add the minute counts (another process may have counted the same
    minute) and insert the recent calls with the driver's bulk insert."""
    run_many(UPSERT_COUNT, counts)
    db.bulk_insert(ApiRequestLog, [getattr(ApiRequestLog, name) for name in UsageCall._fields], calls)
    last_minute: dict[int, dt.datetime] = {}
    for count in counts:
        if count.api_key_id and (count.api_key_id not in last_minute or count.minute > last_minute[count.api_key_id]):
            last_minute[count.api_key_id] = count.minute
    run_many(MARK_USED, [(minute, key_id, minute) for key_id, minute in sorted(last_minute.items())])


def usage_summary(ctx: RequestContext, days: int, limit: int) -> dict[str, Any]:
    ctx.services.flush_usage()  # include calls still buffered in this process
    now = ctx.now()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    since = today - dt.timedelta(days=days - 1)
    usage, log = ApiUsage, ApiRequestLog

    def calls_since(start: dt.datetime) -> Any:
        return fn.COALESCE(fn.SUM(Case(None, [(usage.minute >= start, usage.calls)], 0)), 0)

    totals = (
        usage.scoped(ctx, calls_since(today).alias("today"),
                     calls_since(today - dt.timedelta(days=6)).alias("last_7_days"),
                     calls_since(today - dt.timedelta(days=29)).alias("last_30_days"))
        .where(usage.minute >= today - dt.timedelta(days=29))
        .dicts()
        .get()
    )
    window = usage.scoped(ctx).where(usage.minute >= since)
    calls = fn.SUM(usage.calls)
    day = fn.DATE(usage.minute)
    per_day = window.select(day.alias("date"), calls.alias("count")).group_by(day).order_by(day)
    per_method = (
        window.select(usage.method, calls.alias("count"))
        .group_by(usage.method).order_by(SQL("count").desc(), usage.method)
    )
    per_status = window.select(usage.status, calls.alias("count")).group_by(usage.status).order_by(usage.status)
    recent = (
        log.scoped(ctx, log.method, log.http_method, log.status, log.duration_ms, log.request_id, log.created_at)
        .order_by(log.created_at.desc(), log.id.desc())
        .limit(limit)
    )
    return {
        "workspace": ctx.require_principal().workspace_name,
        "environment": ctx.environment,
        "today": int(totals["today"]),
        "last_7_days": int(totals["last_7_days"]),
        "last_30_days": int(totals["last_30_days"]),
        "days": days,
        "per_day": [{"date": str(r["date"])[:10], "count": int(r["count"])} for r in per_day.dicts()],
        "per_method": [{"method": r["method"], "count": int(r["count"])} for r in per_method.dicts()],
        "per_status": [{"status": r["status"], "count": int(r["count"])} for r in per_status.dicts()],
        "recent": [
            {
                "method": r["method"],
                "http_method": r["http_method"],
                "status": r["status"],
                "duration_ms": r["duration_ms"],
                "request_id": r["request_id"],
                "at": r["created_at"],
            }
            for r in recent.dicts()
        ],
    }


def prune(now: dt.datetime) -> int:
    """Drop minute counts past the retention period and individual calls past a week, in batches."""
    counts = retention.delete_where(ApiUsage, ApiUsage.minute < now - dt.timedelta(days=RETENTION_DAYS))
    calls = retention.delete_where(ApiRequestLog, ApiRequestLog.created_at < now - dt.timedelta(days=RECENT_DAYS))
    return counts + calls
