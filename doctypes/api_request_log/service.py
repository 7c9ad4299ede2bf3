"""Writing request log batches and summarising them for get_api_usage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import SQL, Case, fn

from traciqo_rpc import db, runtime
from traciqo_rpc.context import RequestContext
from traciqo_rpc.db import utcnow
from traciqo_rpc.usage import UsageRow

from .model import ApiRequestLog

RETENTION_DAYS = 90


def write_batch(rows: list[UsageRow]) -> None:
    """hooks.request_log_writer: the driver's bulk insert (thousands of rows a second under load)."""
    fields = [getattr(ApiRequestLog, name) for name in UsageRow._fields]
    db.bulk_insert(ApiRequestLog, fields, rows)


def usage_summary(ctx: RequestContext, days: int, limit: int) -> dict[str, Any]:
    runtime.get().request_log.flush()  # include calls still buffered in this process
    now = utcnow()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    since = today - dt.timedelta(days=days - 1)
    log = ApiRequestLog

    def count_since(start: dt.datetime) -> Any:
        return fn.COALESCE(fn.SUM(Case(None, [(log.created_at >= start, 1)], 0)), 0)

    totals = (
        log.scoped(ctx, count_since(today).alias("today"),
                   count_since(today - dt.timedelta(days=6)).alias("last_7_days"),
                   count_since(today - dt.timedelta(days=29)).alias("last_30_days"))
        .where(log.created_at >= today - dt.timedelta(days=29))
        .dicts()
        .get()
    )
    window = log.scoped(ctx).where(log.created_at >= since)
    day = fn.DATE(log.created_at)
    per_day = window.select(day.alias("date"), fn.COUNT(log.id).alias("count")).group_by(day).order_by(day)
    per_method = (
        window.select(log.method, fn.COUNT(log.id).alias("count"))
        .group_by(log.method).order_by(SQL("count").desc(), log.method)
    )
    per_status = window.select(log.status, fn.COUNT(log.id).alias("count")).group_by(log.status).order_by(log.status)
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
        "per_day": [{"date": str(r["date"])[:10], "count": r["count"]} for r in per_day.dicts()],
        "per_method": list(per_method.dicts()),
        "per_status": list(per_status.dicts()),
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


def prune_before(cutoff: dt.datetime) -> int:
    return ApiRequestLog.delete().where(ApiRequestLog.created_at < cutoff).execute()
