"""Verifying a code for a consumer: record the scan, judge it, tell the owner (Scan Captured)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from doctypes.auth_code import codes
from doctypes.auth_code.model import VOID
from traciqo_rpc import db, errors, publish_many
from traciqo_rpc.context import RequestContext
from traciqo_rpc.rendering import json_datetime
from traciqo_rpc.services import Services

from . import assessment, tokens


class ScanTokenInvalid(errors.ValidationError):
    """The verification page's token is forged or older than ten minutes."""


class ScanNotFound(errors.DoesNotExistError):
    """The scan a valid token names is gone."""


NOT_GENUINE: dict[str, Any] = {"genuine": False, "status": "not_genuine"}
HISTORY_WINDOW = dt.timedelta(hours=24)
LOCATION_TOKEN_SECONDS = 600


# The verification hot path uses hand-written SQL (see traciqo_rpc.db.execute). One statement
# counts a whole round of scans (a batch names each code once per round) and brings back what
# the answers show (batch, owner and product through subqueries; on PostgreSQL a look-up
# before the update cost a round trip per scan); one more records their scan rows. A code
# that is unknown, or whose product lacks the GTIN the GS1 route named, changes nothing.
# In RETURNING, SQLite (3.40) forgets the column's text affinity and scanned the whole
# product table for each look-up; the CAST gives it back, and the index. The GTIN's CAST gives
# its parameter a type, so PostgreSQL can prepare the statement (traciqo_rpc/prepared.py).
_COUNT_SCANS_SQL = """
UPDATE auth_code SET scan_count = scan_count + 1, last_scanned_at = ?,
       first_scanned_at = COALESCE(first_scanned_at, ?)
WHERE (CAST(? AS TEXT) IS NULL OR (SELECT gtin FROM product WHERE product.id = auth_code.product_id) = ?)
      AND code IN ({values})
RETURNING code, id, workspace_id, is_sandbox, status, product_id, scan_count, first_scanned_at,
       (SELECT name FROM code_batch WHERE code_batch.id = auth_code.batch_id),
       (SELECT name FROM workspace WHERE workspace.id = auth_code.workspace_id),
       (SELECT name FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT)),
       (SELECT brand FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT)),
       (SELECT sku_number FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT)),
       (SELECT gtin FROM product WHERE product.id = CAST(auth_code.product_id AS TEXT))"""
_INSERT_SCANS_SQL = """
INSERT INTO scan (workspace_id, is_sandbox, code_id, scanned_at, ip, user_agent, lat, lon, country, source, verdict)
VALUES {values} RETURNING code_id, id"""


# The page's location, once per scan (hand-written like the rest: peewee took most of the call).
_SCAN_TO_LOCATE_SQL = """
SELECT scan.scanned_at, scan.lat IS NOT NULL, scan.country, scan.verdict, scan.code_id, auth_code.scan_count
FROM scan JOIN auth_code ON auth_code.id = scan.code_id WHERE scan.id = ?"""
_LOCATE_SCAN_SQL = "UPDATE scan SET lat = ?, lon = ?, verdict = ? WHERE id = ? AND lat IS NULL"
_EARLIER_PLACES_SQL = """
SELECT scanned_at, lat, lon, country FROM scan WHERE code_id = ? AND scanned_at >= ? AND id != ?
ORDER BY scanned_at DESC LIMIT 50"""


class ScanRequest(NamedTuple):
    """One scan to record: the request that made it, what was typed or read, where it says it is."""

    ctx: RequestContext
    text: str
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    source: str = "api"
    gtin: str | None = None


class _Counted(NamedTuple):
    """A scanned code after its count went up, with what the answer shows about it."""

    code: str
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


_Wanted = tuple[int, str, ScanRequest]  # the request's place in the list, its normalised code, the request


def verify_many(requests: Sequence[ScanRequest]) -> list[dict[str, Any]]:
    """Record each scan and answer, in order, what its consumer may know; nothing at all for
    unknown codes.

    The one form of verification: verify_code and the verification page hand it their scans
    through the writer's batches (one statement counts a batch's scans, one records them, one
    writes their events, one commit for all), and anything else calls it with a list. Alone, it
    opens its own short transaction when none is open. A code that fails its check character
    is refused before any SQL, so mistyped and made-up codes never take the write lock.
    """
    answers: list[dict[str, Any] | None] = [None] * len(requests)
    wanted: list[_Wanted] = []
    for index, request in enumerate(requests):
        code = codes.normalise(request.text)
        if codes.is_valid(code):
            wanted.append((index, code, request))
    if wanted:
        services = requests[0].ctx.services
        now = services.clock()
        with db.ensure_transaction():  # short: counts, scan rows and event rows
            for gtin, by_code in _rounds(wanted):
                _record(services, gtin, by_code, now, answers)
    return [dict(NOT_GENUINE) if answer is None else answer for answer in answers]


def _rounds(wanted: list[_Wanted]) -> list[tuple[str | None, dict[str, _Wanted]]]:
    """The scans in rounds that name each code once and one GTIN (None from the API), so one
    statement counts a round and a code scanned twice in a batch counts twice, in order."""
    rounds: list[tuple[str | None, dict[str, _Wanted]]] = []
    for entry in wanted:
        gtin, code = entry[2].gtin, entry[1]
        for round_gtin, by_code in rounds:
            if round_gtin == gtin and code not in by_code:
                by_code[code] = entry
                break
        else:
            rounds.append((gtin, {code: entry}))
    return rounds


def _record(services: Services, gtin: str | None, by_code: dict[str, _Wanted], now: dt.datetime,
            answers: list[dict[str, Any] | None]) -> None:
    """Count one round of scans, record their rows and events, and fill in their answers."""
    stamp = db.bound_datetime(now)
    counted = [_Counted._make(row) for row in
               db.execute(db.with_values(_COUNT_SCANS_SQL, len(by_code)), (stamp, stamp, gtin, gtin, *by_code)).fetchall()]
    if not counted:
        return
    max_scans = services.settings.max_scans_before_suspicious
    judged = []
    values: list[Any] = []
    for row in counted:
        request = by_code[row.code][2]
        found = _clone_reasons(row, now, request.lat, request.lon, request.country, max_scans)
        verdict = _verdict(row.status, row.scan_count, found)
        user_agent = request.ctx.user_agent
        values += (row.workspace_id, bool(row.is_sandbox), row.id, stamp, request.ctx.ip,
                   user_agent[:512] if user_agent else None, request.lat, request.lon, request.country,
                   request.source, verdict)
        judged.append((row, request, found, verdict))
    scan_ids = dict(db.execute(db.with_values(_INSERT_SCANS_SQL, len(counted), width=11), values).fetchall())
    scanned_at = json_datetime(now)  # as the event bodies show it, rendered once for the round
    events = []
    for row, request, found, verdict in judged:
        ctx, is_sandbox, scan_id, shown = request.ctx, bool(row.is_sandbox), scan_ids[row.id], codes.display(row.code)
        events.append((ctx.acting_for(row.workspace_id, is_sandbox), "scan:captured", {
            "code": shown, "scan_id": scan_id, "scanned_at": scanned_at, "verdict": verdict,
            "reasons": found, "scan_count": row.scan_count, "batch": row.batch_name, "product_id": row.product_id,
            "lat": request.lat, "lon": request.lon, "country": request.country, "ip": ctx.ip,
            "user_agent": ctx.user_agent, "source": request.source,
        }))
        answers[by_code[row.code][0]] = {
            "genuine": verdict == "genuine" or verdict == "already_verified",
            "status": verdict,
            "code": shown,
            "product": _public_product(row),
            "batch": row.batch_name,
            "scan_count": row.scan_count,
            "first_scanned_at": now if row.scan_count == 1 else _datetime(row.first_scanned_at),
            "reasons": found,
            "sandbox": is_sandbox,
            "scan_token": tokens.issue(services.secret_key, scan_id),
        }
    publish_many(events)


def _clone_reasons(row: _Counted, now: dt.datetime, lat: float | None, lon: float | None,
                   country: str | None, max_scans: int) -> list[str]:
    """Why this scan looks like a cloned label; earlier places matter only when it says where it is."""
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


def _earlier_places(code_id: int, now: dt.datetime, exclude: int = 0) -> list[assessment.Place]:
    """Where the code was scanned in the last day, newest first, leaving out scan `exclude` (ids
    start at 1: 0 leaves out none). Every scan that says where it is asks this, so it is
    hand-written too (as a peewee query, building it cost ten times running it)."""
    rows = db.execute(_EARLIER_PLACES_SQL, (code_id, db.bound_datetime(now - HISTORY_WINDOW), exclude)).fetchall()
    return [assessment.Place(_datetime(at), lat, lon, country) for at, lat, lon, country in rows]


def attach_location(ctx: RequestContext, scan_token: str, lat: float, lon: float) -> dict[str, Any]:
    """Add a location to a recent scan (once) and re-judge it; answers the updated verdict."""
    scan_id = tokens.scan_id_from(ctx.services.secret_key, scan_token, LOCATION_TOKEN_SECONDS)
    if scan_id is None:
        raise ScanTokenInvalid("Invalid or expired scan token", field_errors={"scan_token": ["Invalid or expired."]})
    row = db.execute(_SCAN_TO_LOCATE_SQL, (scan_id,)).fetchone()
    if row is None:
        raise ScanNotFound("Scan not found")
    scanned_at, located, country, verdict, code_id, scan_count = row
    found: list[str] = []
    if not located:
        scanned_at = _datetime(scanned_at)
        found = assessment.reasons(scan_count, ctx.services.settings.max_scans_before_suspicious,
                                   assessment.Place(scanned_at, lat, lon, country),
                                   _earlier_places(code_id, scanned_at, exclude=scan_id))
        if found and verdict in ("genuine", "already_verified"):
            verdict = "suspicious"
        db.execute(_LOCATE_SCAN_SQL, (lat, lon, verdict, scan_id))
    return {"status": verdict, "genuine": verdict in ("genuine", "already_verified"), "reasons": found}
