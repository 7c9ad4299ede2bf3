"""Verifying a code for a consumer: record the scan, judge it, tell the owner (Scan Captured)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any, NamedTuple

from doctypes.auth_code import codes
from doctypes.auth_code.model import VOID
from traciqo_rpc import db, errors, publish_many
from traciqo_rpc.context import RequestContext
from traciqo_rpc.rendering import json_datetime
from traciqo_rpc.services import Services
from traciqo_rpc.statements import fetch, read_datetime, run

from . import assessment, tokens
from .queries import (
    COUNT_SCAN_COUNTRY_DAYS,
    COUNT_SCAN_DAYS,
    COUNT_SCANS,
    EARLIER_PLACES,
    INSERT_SCANS,
    LOCATE_SCAN,
    SCAN_TO_LOCATE,
    CountedCode,
)


class ScanTokenInvalid(errors.ValidationError):
    """The verification page's token is forged or older than ten minutes."""


class ScanNotFound(errors.DoesNotExistError):
    """The scan a valid token names is gone."""


NOT_GENUINE: dict[str, Any] = {"genuine": False, "status": "not_genuine"}
HISTORY_WINDOW = dt.timedelta(hours=24)
LOCATION_TOKEN_SECONDS = 600


class ScanRequest(NamedTuple):
    """One scan to record: the request that made it, what was typed or read, where it says it is."""

    ctx: RequestContext
    text: str
    lat: float | None = None
    lon: float | None = None
    country: str | None = None
    source: str = "api"
    gtin: str | None = None


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
    counted: list[CountedCode] = fetch(COUNT_SCANS, (now, now, gtin, gtin, *by_code), values=len(by_code))
    if not counted:
        return
    max_scans = services.settings.max_scans_before_suspicious
    judged = []
    scan_rows: list[Any] = []  # flat: one multi-row INSERT
    for row in counted:
        request = by_code[row.code][2]
        found = _clone_reasons(row, now, request.lat, request.lon, request.country, max_scans)
        verdict = _verdict(row.status, row.scan_count, found)
        user_agent = request.ctx.user_agent
        scan_rows += (row.workspace_id, bool(row.is_sandbox), row.id, now, request.ctx.ip,
                   user_agent[:512] if user_agent else None, request.lat, request.lon, request.country,
                   request.source, verdict, json.dumps(found) if found else None)
        judged.append((row, request, found, verdict))
    scan_ids = dict(run(INSERT_SCANS, scan_rows, values=len(counted)).fetchall())
    day = now.date()
    _count_days(Counter((row.workspace_id, bool(row.is_sandbox), day, verdict) for row, _, _, verdict in judged),
                Counter((row.workspace_id, bool(row.is_sandbox), day, request.country)
                        for row, request, _, _ in judged if request.country))
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
            "first_scanned_at": now if row.scan_count == 1 else read_datetime(row.first_scanned_at),
            "reasons": found,
            "sandbox": is_sandbox,
            "scan_token": tokens.issue(services.secret_key, scan_id),
        }
    publish_many(events)


def _count_days(by_verdict: Counter[tuple[int, bool, dt.date, str]],
                by_country: Counter[tuple[int, bool, dt.date, str]] | None = None) -> None:
    """Add scans to their days' counts by verdict and by country, in key order (see COUNT_SCAN_DAYS)."""
    for statement, counts in ((COUNT_SCAN_DAYS, by_verdict), (COUNT_SCAN_COUNTRY_DAYS, by_country)):
        if counts:
            run(statement, [value for key in sorted(counts) for value in (*key, counts[key])], values=len(counts))


def _clone_reasons(row: CountedCode, now: dt.datetime, lat: float | None, lon: float | None,
                   country: str | None, max_scans: int) -> list[str]:
    """Why this scan looks like a cloned label; earlier places matter only when it says where it is."""
    if lat is None and not country:
        return [] if row.scan_count <= max_scans else [assessment.too_many_scans(row.scan_count, max_scans)]
    return assessment.reasons(row.scan_count, max_scans, assessment.Place(now, lat, lon, country),
                              _earlier_places(row.id, now))


def _verdict(status: str, scan_count: int, found: list[str]) -> str:
    if status == VOID:
        return "withdrawn"
    if found:
        return "suspicious"
    return "genuine" if scan_count == 1 else "already_verified"


def _public_product(row: CountedCode) -> dict[str, Any] | None:
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
    rows = fetch(EARLIER_PLACES, (code_id, now - HISTORY_WINDOW, exclude))
    return [assessment.Place(read_datetime(at), lat, lon, country) for at, lat, lon, country in rows]


def attach_location(ctx: RequestContext, scan_token: str, lat: float, lon: float) -> dict[str, Any]:
    """Add a location to a recent scan (once) and re-judge it; answers the updated verdict."""
    scan_id = tokens.scan_id_from(ctx.services.secret_key, scan_token, LOCATION_TOKEN_SECONDS)
    if scan_id is None:
        raise ScanTokenInvalid("Invalid or expired scan token", field_errors={"scan_token": ["Invalid or expired."]})
    scans = fetch(SCAN_TO_LOCATE, (scan_id,))
    if not scans:
        raise ScanNotFound("Scan not found")
    scanned_at, located, country, verdict, code_id, scan_count = scans[0][:6]
    found: list[str] = []
    if not located:
        scanned_at = read_datetime(scanned_at)
        found = assessment.reasons(scan_count, ctx.services.settings.max_scans_before_suspicious,
                                   assessment.Place(scanned_at, lat, lon, country),
                                   _earlier_places(code_id, scanned_at, exclude=scan_id))
        if found and verdict in ("genuine", "already_verified"):
            verdict = "suspicious"
        moved = run(LOCATE_SCAN, (lat, lon, verdict, json.dumps(found) if found else None, scan_id)).rowcount
        if moved and verdict != scans[0].verdict:
            day = (scans[0].workspace_id, bool(scans[0].is_sandbox), scanned_at.date())
            _count_days(Counter({(*day, scans[0].verdict): -1, (*day, verdict): 1}))
    return {"status": verdict, "genuine": verdict in ("genuine", "already_verified"), "reasons": found}
