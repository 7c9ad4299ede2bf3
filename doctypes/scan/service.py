"""Verifying a code for a consumer: record the scan, judge it, tell the owner (Scan Captured)."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from doctypes.auth_code import codes
from doctypes.auth_code.model import VOID, AuthCode
from traciqo_rpc import db, errors, publish, runtime
from traciqo_rpc.context import RequestContext
from traciqo_rpc.db import utcnow

from . import assessment, tokens
from .model import Scan

NOT_GENUINE: dict[str, Any] = {"genuine": False, "status": "not_genuine"}
HISTORY_WINDOW = dt.timedelta(hours=24)
LOCATION_TOKEN_SECONDS = 600


# The verification hot path uses hand-written SQL (see traciqo_rpc.db.execute). One statement
# finds the code, counts the scan and brings back what the answer shows (batch, owner and
# product through subqueries): on PostgreSQL a look-up before the update cost a round trip
# per scan. An unknown code, or one whose product lacks the GTIN the GS1 route named,
# changes nothing. In RETURNING, SQLite (3.40) forgets the column's text affinity and
# scanned the whole product table for each look-up; the CAST gives it back, and the index.
_COUNT_SCAN_SQL = """
UPDATE auth_code SET scan_count = scan_count + 1, last_scanned_at = ?,
       first_scanned_at = COALESCE(first_scanned_at, ?)
WHERE code = ? AND (? IS NULL OR (SELECT gtin FROM product WHERE product.id = auth_code.product_id) = ?)
RETURNING id, workspace_id, is_sandbox, status, product_id, scan_count, first_scanned_at,
       (SELECT name FROM code_batch WHERE code_batch.id = auth_code.batch_id),
       (SELECT name FROM workspace WHERE workspace.id = auth_code.workspace_id),
       (SELECT name FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT)),
       (SELECT brand FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT)),
       (SELECT sku_number FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT)),
       (SELECT gtin FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT))"""
_INSERT_SCAN_SQL = """
INSERT INTO scan (workspace_id, is_sandbox, code_id, scanned_at, ip, user_agent, lat, lon, country, source, verdict)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"""


class _Counted(NamedTuple):
    """A scanned code after its count went up, with what the answer shows about it."""

    id: int
    workspace_id: int
    is_sandbox: bool
    status: str
    product_id: str | None
    scan_count: int
    first_scanned_at: Any
    batch_name: str
    workspace_name: str
    product_name: str | None
    product_brand: str | None
    product_sku_number: int | None
    product_gtin: str | None


def _count_scan(code: str, now: dt.datetime, gtin: str | None) -> _Counted | None:
    """Count a scan of `code` in any workspace (the scanner is a guest); None when no such code."""
    stamp = db.bound_datetime(now)
    row = db.execute(_COUNT_SCAN_SQL, (stamp, stamp, code, gtin, gtin)).fetchone()
    return None if row is None else _Counted._make(row)


def verify(ctx: RequestContext, text: str, lat: float | None = None, lon: float | None = None,
           country: str | None = None, source: str = "api", gtin: str | None = None) -> dict[str, Any]:
    """Record a scan of `text` and answer what a consumer may know; nothing at all for unknown codes.

    From a page it opens its own short transaction; from the API it runs inside the call's (on
    SQLite, a batch of calls that shares one commit). A code that fails its check character is
    refused before any SQL, so mistyped and made-up codes never take the write lock.
    """
    code = codes.normalise(text)
    if not codes.is_valid(code):
        return dict(NOT_GENUINE)
    now = utcnow()
    with db.ensure_transaction():  # short: the count, the scan row and the event row
        row = _count_scan(code, now, gtin)
        if row is None:
            return dict(NOT_GENUINE)
        found = _clone_reasons(row, now, lat, lon, country)
        verdict = _verdict(row.status, row.scan_count, found)
        is_sandbox = bool(row.is_sandbox)
        scan_id = db.execute(_INSERT_SCAN_SQL, (row.workspace_id, is_sandbox, row.id, db.bound_datetime(now), ctx.ip,
                                                ctx.user_agent[:512] if ctx.user_agent else None,
                                                lat, lon, country, source, verdict)).fetchone()[0]
        shown = codes.display(code)
        publish(ctx.acting_for(row.workspace_id, is_sandbox), "scan:captured", {
            "code": shown, "scan_id": scan_id, "scanned_at": now, "verdict": verdict,
            "reasons": found, "scan_count": row.scan_count, "batch": row.batch_name, "product_id": row.product_id,
            "lat": lat, "lon": lon, "country": country, "ip": ctx.ip, "user_agent": ctx.user_agent, "source": source,
        })
    return {
        "genuine": verdict == "genuine" or verdict == "already_verified",
        "status": verdict,
        "code": shown,
        "product": _public_product(row),
        "batch": row.batch_name,
        "scan_count": row.scan_count,
        "first_scanned_at": now if row.scan_count == 1 else _datetime(row.first_scanned_at),
        "reasons": found,
        "sandbox": is_sandbox,
        "scan_token": location_token(scan_id),
    }


def _clone_reasons(row: _Counted, now: dt.datetime, lat: float | None, lon: float | None,
                   country: str | None) -> list[str]:
    """Why this scan looks like a cloned label; earlier places matter only when it says where it is."""
    max_scans = _max_scans()
    if lat is None and not country:
        return [] if row.scan_count <= max_scans else [assessment.too_many_scans(row.scan_count, max_scans)]
    return assessment.reasons(row.scan_count, max_scans, assessment.Place(now, lat, lon, country),
                              _earlier_places(row.id, now))


def _datetime(value: Any) -> dt.datetime:
    """A timestamp as the driver returns it: text on SQLite (peewee's parser tries several
    formats; ours is always ISO), a datetime on PostgreSQL."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _verdict(status: str, scan_count: int, found: list[str]) -> str:
    if status == VOID:
        return "withdrawn"
    if found:
        return "suspicious"
    return "genuine" if scan_count == 1 else "already_verified"


def _public_product(row: _Counted) -> dict[str, Any] | None:
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


def location_token(scan_id: int) -> str:
    """Lets the verification page add the browser's location to the scan it just recorded."""
    return tokens.issue(runtime.get().secret_key, scan_id)


def attach_location(ctx: RequestContext, scan_token: str, lat: float, lon: float) -> dict[str, Any]:
    """Add a location to a recent scan (once) and re-judge it; answers the updated verdict."""
    scan_id = tokens.scan_id_from(runtime.get().secret_key, scan_token, LOCATION_TOKEN_SECONDS)
    if scan_id is None:
        raise errors.ValidationError("Invalid or expired scan token", field_errors={"scan_token": ["Invalid or expired."]})
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
