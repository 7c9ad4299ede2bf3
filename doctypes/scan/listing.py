"""The owners' list of scans (list_scans and the dashboard's scans page), newest or oldest
first, by code and verdict: hand-written statements (queries.py), as the signed-in page reads
it on every view and building the peewee query cost more than running it."""

from __future__ import annotations

import json
from typing import Any

from doctypes.auth_code import codes
from traciqo_rpc.context import RequestContext
from traciqo_rpc.statements import fetch, read_datetime

from . import days
from .queries import COUNT_CODE_SCANS, LIST_SCANS, ListedScan

ORDERS = ("-created", "created")  # ids count up as scans come: "created" is the ids' order


def list_scans(ctx: RequestContext, limit: int, offset: int, code: str | None = None, verdict: str | None = None,
               order: str = "-created") -> dict[str, Any]:
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}")
    filters = [value for value in (codes.normalise(code) if code else None, verdict or None) if value is not None]
    rows: list[ListedScan] = fetch(LIST_SCANS[bool(code), bool(verdict), order.startswith("-")],
                                   (*filters, limit, offset), ctx)
    # Without a code, the daily counts know the total: counting a million rows would not.
    total = (fetch(COUNT_CODE_SCANS[bool(verdict)], filters, ctx)[0][0] if code
             else days.total(ctx, verdict or None))
    return {"data": [_scan(row) for row in rows], "total": int(total), "limit": limit, "offset": offset}


def _scan(row: ListedScan) -> dict[str, Any]:
    return {"id": row.id, "code": codes.display(row.code), "scanned_at": read_datetime(row.scanned_at),
            "verdict": row.verdict, "source": row.source, "ip": row.ip, "user_agent": row.user_agent,
            "lat": row.lat, "lon": row.lon, "country": row.country, "reasons": json.loads(row.reasons) if row.reasons else []}
