"""Scan methods: the verification page adds a location; owners list their scans."""

from __future__ import annotations

from typing import Any

from doctypes.auth_code import codes
from doctypes.auth_code.model import AuthCode
from traciqo_rpc import RequestContext, whitelist
from traciqo_rpc.records import ordered, paginate

from . import days, service
from .model import Scan
from .schema import AttachLocationArgs, ListScansArgs, LocationAttached, ScanPage


@whitelist(methods=["POST"], schema=AttachLocationArgs, allow_guest=True, guest_rate_limit=60,
           returns=LocationAttached)
def attach_location(ctx: RequestContext, scan_token: str, lat: float, lon: float) -> dict[str, Any]:
    """Public: the page's JavaScript adds the browser's location to the scan it just recorded."""
    return service.attach_location(ctx, scan_token, lat, lon)


ORDERS = {"created": (Scan.id,)}  # the orders a list offers (records.ordered): ids count up as scans come


@whitelist(methods=["GET"], schema=ListScansArgs, returns=ScanPage)
def list_scans(ctx: RequestContext, limit: int, offset: int, code: str | None = None,
               verdict: str | None = None, order: str = "-created") -> dict[str, Any]:
    """The workspace's scans, newest first: in the ids' order, which an index gives with or without a code."""
    query = (
        Scan.scoped(ctx, Scan, AuthCode.code.alias("code_text"))
        .join(AuthCode, on=(Scan.code_id == AuthCode.id))
        .objects()
    )
    query = ordered(query, ORDERS, order)
    if code:
        query = query.where(AuthCode.code == codes.normalise(code))
    if verdict:
        query = query.where(Scan.verdict == verdict)
    # Without a code, the daily counts know the total: counting a million rows would not.
    total = None if code else (lambda: days.total(ctx, verdict or None))
    return paginate(query, limit, offset, total=total, row=lambda s: {
        "id": s.id, "code": codes.display(s.code_text), "scanned_at": s.scanned_at, "verdict": s.verdict,
        "source": s.source, "ip": s.ip, "user_agent": s.user_agent, "lat": s.lat, "lon": s.lon, "country": s.country,
    })
