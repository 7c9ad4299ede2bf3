"""Verifying a code for a consumer: record the scan, judge it, tell the owner (Scan Captured)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee
from itsdangerous import BadSignature, URLSafeTimedSerializer

from doctypes.auth_code import codes
from doctypes.auth_code.model import VOID, AuthCode, CodeBatch
from doctypes.product.model import Product
from doctypes.workspace.model import Workspace
from traciqo_rpc import errors, publish, runtime
from traciqo_rpc.context import RequestContext
from traciqo_rpc.db import utcnow

from . import assessment
from .model import Scan

NOT_GENUINE: dict[str, Any] = {"genuine": False, "status": "not_genuine"}
HISTORY_WINDOW = dt.timedelta(hours=24)
LOCATION_TOKEN_SECONDS = 600


def _lookup(code: str) -> AuthCode | None:
    """The code with its batch, product and owner, across all workspaces (the scanner is a guest)."""
    return (
        AuthCode.select(
            AuthCode, CodeBatch.name.alias("batch_name"), Workspace.name.alias("workspace_name"),
            Product.name.alias("product_name"), Product.brand.alias("product_brand"),
            Product.sku_number.alias("product_sku_number"), Product.gtin.alias("product_gtin"),
        )
        .join(CodeBatch, on=(AuthCode.batch_id == CodeBatch.id))
        .switch(AuthCode).join(Workspace, on=(AuthCode.workspace_id == Workspace.id))
        .switch(AuthCode).join(Product, peewee.JOIN.LEFT_OUTER, on=(AuthCode.product_id == Product.id))
        .where(AuthCode.code == code)
        .objects()
        .first()
    )


def verify(ctx: RequestContext, text: str, lat: float | None = None, lon: float | None = None,
           country: str | None = None, source: str = "api", gtin: str | None = None) -> dict[str, Any]:
    """Record a scan of `text` and answer what a consumer may know; nothing at all for unknown codes."""
    code = codes.normalise(text)
    row = _lookup(code) if codes.is_valid(code) else None
    if row is None or (gtin is not None and row.product_gtin != gtin):
        return dict(NOT_GENUINE)
    now = utcnow()
    counts = (
        AuthCode.update(
            scan_count=AuthCode.scan_count + 1,
            last_scanned_at=now,
            first_scanned_at=peewee.fn.COALESCE(AuthCode.first_scanned_at, now),
        )
        .where(AuthCode.id == row.id)
        .returning(AuthCode.scan_count, AuthCode.first_scanned_at)
        .objects()
        .execute()[0]
    )
    place = assessment.Place(now, lat, lon, country)
    # Earlier places matter only when this scan says where it is.
    earlier = _earlier_places(row.id, now) if (lat is not None or country) else []
    found = assessment.reasons(counts.scan_count, _max_scans(), place, earlier)
    verdict = _verdict(row.status, counts.scan_count, found)
    owner = ctx.acting_for(row.workspace_id, row.is_sandbox)
    scan = Scan.create(code_id=row.id, scanned_at=now, ip=ctx.ip, user_agent=(ctx.user_agent or "")[:512] or None,
                       lat=lat, lon=lon, country=country, source=source, verdict=verdict, **Scan.scope_values(owner))
    publish(owner, "scan:captured", {
        "code": codes.display(code), "scan_id": scan.id, "scanned_at": now, "verdict": verdict,
        "reasons": found, "scan_count": counts.scan_count, "batch": row.batch_name, "product_id": row.product_id,
        "lat": lat, "lon": lon, "country": country, "ip": ctx.ip, "user_agent": ctx.user_agent, "source": source,
    })
    return {
        "genuine": verdict in ("genuine", "already_verified"),
        "status": verdict,
        "code": codes.display(code),
        "product": _public_product(row),
        "batch": row.batch_name,
        "scan_count": counts.scan_count,
        "first_scanned_at": counts.first_scanned_at,
        "reasons": found,
        "sandbox": row.is_sandbox,
        "scan_token": location_token(scan.id),
    }


def _verdict(status: str, scan_count: int, found: list[str]) -> str:
    if status == VOID:
        return "withdrawn"
    if found:
        return "suspicious"
    return "genuine" if scan_count == 1 else "already_verified"


def _public_product(row: AuthCode) -> dict[str, Any] | None:
    if row.product_id is None:
        return {"name": None, "brand": row.workspace_name, "sku": None, "gtin": None}
    return {
        "name": row.product_name,
        "brand": row.product_brand or row.workspace_name,
        "sku": f"PRD-{row.product_sku_number:05d}",
        "gtin": row.product_gtin,
    }


def _max_scans() -> int:
    return runtime.get().settings.max_scans_before_suspicious


def _earlier_places(code_id: int, now: dt.datetime, exclude: int | None = None) -> list[assessment.Place]:
    query = (
        Scan.select(Scan.scanned_at, Scan.lat, Scan.lon, Scan.country)
        .where((Scan.code_id == code_id) & (Scan.scanned_at >= now - HISTORY_WINDOW))
        .order_by(Scan.scanned_at.desc()).limit(50)
    )
    if exclude is not None:
        query = query.where(Scan.id != exclude)
    return [assessment.Place(s.scanned_at, s.lat, s.lon, s.country) for s in query]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(runtime.get().settings.resolved_secret_key(), salt="scan-location")


def location_token(scan_id: int) -> str:
    """Lets the verification page add the browser's location to the scan it just recorded."""
    return _serializer().dumps(scan_id)


def attach_location(ctx: RequestContext, scan_token: str, lat: float, lon: float) -> dict[str, Any]:
    """Add a location to a recent scan (once) and re-judge it; answers the updated verdict."""
    try:
        scan_id = _serializer().loads(scan_token, max_age=LOCATION_TOKEN_SECONDS)
    except BadSignature:
        raise errors.ValidationError("Invalid or expired scan token", field_errors={"scan_token": ["Invalid or expired."]}) from None
    scan = Scan.get_or_none(Scan.id == scan_id)
    if scan is None:
        raise errors.DoesNotExistError("Scan not found")
    found: list[str] = []
    if scan.lat is None:
        scan.lat, scan.lon = lat, lon
        code = AuthCode.get_by_id(scan.code_id)
        place = assessment.Place(scan.scanned_at, lat, lon, scan.country)
        found = assessment.reasons(code.scan_count, _max_scans(), place,
                                   _earlier_places(code.id, scan.scanned_at, exclude=scan.id))
        if found and scan.verdict in ("genuine", "already_verified"):
            scan.verdict = "suspicious"
        scan.save(only=[Scan.lat, Scan.lon, Scan.verdict])
    return {"status": scan.verdict, "genuine": scan.verdict in ("genuine", "already_verified"), "reasons": found}
