"""The floor: a bare Starlette app doing only a verification's or an activation's own work.

No authentication, rate windows, request ids, access log, usage or framework: the same
marshmallow schema, the same SQL statements (imported from the doctypes), the emails and the
answer, with group commit on one writer thread, against the benchmark's own SQLite file. No
event rows: no endpoint subscribes in the benchmark, and then ours keeps none either. What a
Python server cannot do for less on one core; bench.verify_code and bench.serial_numbers load
it in the same run as traciqo-rpc. Verifications are counted and recorded a batch at a time
(as verify_many does); activations one statement each (as ours).

Served by `uvicorn bench.floor_app:app` with FLOOR_DATABASE (the SQLite file) and
FLOOR_WORKSPACE (the workspace id whose serials it activates).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doctypes.auth_code import codes
from doctypes.auth_code.schema import VerifyArgs
from doctypes.email.service import _QUEUE_SQL
from doctypes.scan import tokens
from doctypes.scan.service import _COUNT_SCANS_SQL, _INSERT_SCANS_SQL
from doctypes.warranty import activation, dates, reminders
from doctypes.warranty.schema import ActivateWarrantyArgs
from traciqo_rpc.db import SQLITE_PRAGMAS, with_values
from traciqo_rpc.rendering import dumps

_db = sqlite3.connect(os.environ.get("FLOOR_DATABASE", ":memory:"), isolation_level=None, check_same_thread=False)
for _name, _value in SQLITE_PRAGMAS.items():
    _db.execute(f"PRAGMA {_name} = {_value}")
_WORKSPACE = int(os.environ.get("FLOOR_WORKSPACE", "1"))
_VERIFY, _ACTIVATE = VerifyArgs(), ActivateWarrantyArgs()
_pending: deque[tuple[Callable[[list[Any]], list[Any]], Any, asyncio.Future, asyncio.AbstractEventLoop]] = deque()
_wake = threading.Event()


def _verify_all(items: list[tuple[str, str | None, str | None]]) -> list[dict[str, Any]]:
    """Distinct codes of one batch: one count and one insert of scan rows."""
    now = dt.datetime.utcnow()
    stamp = now.isoformat(" ")
    wanted = {code: (ip, agent) for code, ip, agent in items}
    rows = {row[0]: row for row in _db.execute(with_values(_COUNT_SCANS_SQL, len(wanted)), (stamp, stamp, None, None, *wanted))}
    values: list[Any] = []
    for code, row in rows.items():
        ip, agent = wanted[code]
        values += (row[2], row[3], row[1], stamp, ip, agent, None, None, None, "api",
                   "genuine" if row[6] == 1 else "already_verified")
    scan_ids = dict(_db.execute(with_values(_INSERT_SCANS_SQL, len(rows), width=11), values).fetchall()) if rows else {}
    answers = {}
    for code, row in rows.items():
        verdict, shown, scan_id = "genuine" if row[6] == 1 else "already_verified", codes.display(code), scan_ids[row[1]]
        answers[code] = {"genuine": True, "status": verdict, "code": shown,
                         "product": {"name": row[10], "brand": row[11] or row[9], "sku": row[12], "gtin": row[13]},
                         "batch": row[8], "scan_count": row[6], "first_scanned_at": now, "reasons": [],
                         "sandbox": bool(row[3]), "scan_token": tokens.issue("floor", scan_id)}
    return [answers.get(code, {"genuine": False, "status": "not_genuine"}) for code, _, _ in items]


def _activate_each(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [_activate(args) for args in items]


def _activate(args: dict[str, Any]) -> dict[str, Any]:
    scope = (_WORKSPACE, False)
    unit = _db.execute(with_values(activation._UNITS_SQL, 1), (*scope, args["serial_number"])).fetchone()
    if unit is None or unit[2] == "void" or unit[7]:
        return {"error": "not activated"}
    unit = unit[1:]  # as the rest reads it: id, status, product, tags, product name, months
    months = unit[5] or activation.DEFAULT_MONTHS
    now = dt.datetime.utcnow()
    stamp, starts_on = now.isoformat(" "), args["purchase_date"] or now.date()
    ends_on = dates.ends_on(starts_on, months)
    name, email, phone = args["customer_name"], args["customer_email"].lower(), args["customer_phone"]
    found = _db.execute(with_values(activation._CUSTOMERS_SQL, 1), (*scope, email)).fetchone()
    if found is None:
        if _db.execute(with_values(activation._NAMES_TAKEN_SQL, 1), (*scope, name)).fetchone():
            name = f"{name} <{email}>"
        party_id = f"pty{time.time_ns():x}{random.getrandbits(32):08x}"
        _db.execute(with_values(activation._INSERT_CUSTOMERS_SQL, 1, width=9),
                    (party_id, *scope, name, "", email, phone, "", stamp)).fetchall()
    else:
        party_id, name = found[1], found[2]
    warranty_id = f"wty{time.time_ns():x}{random.getrandbits(32):08x}"
    _db.execute(activation._INSERT_WARRANTY_SQL, (warranty_id, *scope, unit[0], unit[2], party_id, "active", months,
                                                  args["purchase_date"], starts_on, ends_on, stamp,
                                                  reminders.reminder_day(ends_on, now)))
    _db.execute(activation._INSERT_OWNER_SQL, (*scope, warranty_id, party_id, stamp))
    _db.execute(with_values(activation._MARK_REGISTERED_SQL, 1), ("registered", stamp, unit[0]))
    result = {"id": warranty_id, "serial_number": args["serial_number"], "product_id": unit[2],
              "customer": {"id": party_id, "name": name, "email": email, "phone": phone}, "status": "active",
              "months": months, "purchase_date": args["purchase_date"], "starts_on": starts_on, "ends_on": ends_on,
              "created_at": now, "voided_at": None, "void_reason": None}
    what = unit[4] or "your product"
    _db.execute(_QUEUE_SQL, (*scope, email, f"Your warranty for {what} is active",
                             f"Hello {name},\n\nThe warranty for {what} runs from {starts_on} to {ends_on}.\n",
                             "warranty_confirmation", stamp, "queued", stamp))
    return result


def _writer() -> None:
    """Group commit: whatever has arrived, in one transaction, grouped by the work it asks for."""
    while True:
        _wake.wait()
        _wake.clear()
        while _pending:
            batch = [_pending.popleft() for _ in range(min(64, len(_pending)))]
            groups: dict[Callable[[list[Any]], list[Any]], list[Any]] = {}
            for entry in batch:
                groups.setdefault(entry[0], []).append(entry)
            _db.execute("BEGIN IMMEDIATE")
            done = [(entry, result) for work, entries in groups.items()
                    for entry, result in zip(entries, work([e[1] for e in entries]), strict=True)]
            _db.execute("COMMIT")
            batch[0][3].call_soon_threadsafe(lambda done=done: [entry[2].set_result(r) for entry, r in done])


async def _submit(work: Callable[[list[Any]], list[Any]], item: Any) -> Response:
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    _pending.append((work, item, future, loop))
    if not _wake.is_set():
        _wake.set()
    return Response(dumps({"message": await future}), media_type="application/json")


async def verify(request: Request) -> Response:
    args = _VERIFY.load(dict(request.query_params))
    code = codes.normalise(args["code"])
    if not codes.is_valid(code):
        return Response(dumps({"message": {"genuine": False, "status": "not_genuine"}}), media_type="application/json")
    # A code repeated within one batch would count once here: the benchmark's load repeats
    # codes rarely, and this is a floor, not a product.
    return await _submit(_verify_all, (code, request.client.host if request.client else None,
                                       request.headers.get("user-agent")))


async def activate(request: Request) -> Response:
    return await _submit(_activate_each, _ACTIVATE.load(dict(request.query_params)))


async def pong(request: Request) -> Response:
    return Response(b'{"message":"pong"}', media_type="application/json")


threading.Thread(target=_writer, name="floor-writer", daemon=True).start()
app = Starlette(routes=[Route("/pong", pong), Route("/verify", verify), Route("/activate", activate, methods=["POST"])])
