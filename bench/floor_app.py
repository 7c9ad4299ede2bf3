"""The floor: a bare ASGI app doing only a verification's or an activation's own work.

What the stack itself costs: uvicorn, the method's marshmallow schema, the SQL statements
(imported from the doctypes), the emails and the JSON answer, with group commit on one writer
thread, against the benchmark's own SQLite file. Nothing else: no authentication, rate
windows, request ids, access log, usage, routing, error handling or savepoints, and no event
rows (no endpoint subscribes in the benchmark, and then ours keeps none either). A batch's
verifications and activations each take one statement per step for all of them, as
verify_many and activate_many do. bench.verify_code and bench.serial_numbers load it in the
same run as traciqo-rpc: how far a method is from the least a Python server can do for it.

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
from urllib.parse import parse_qsl

from doctypes.auth_code import codes
from doctypes.auth_code.schema import VerifyArgs
from doctypes.email.queries import QUEUE
from doctypes.scan import tokens
from doctypes.scan.queries import COUNT_SCANS, INSERT_SCANS
from doctypes.warranty import activation, dates, queries, reminders
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
    rows = {row[0]: row for row in _db.execute(with_values(COUNT_SCANS.sql, len(wanted)), (stamp, stamp, None, None, *wanted))}
    values: list[Any] = []
    for code, row in rows.items():
        ip, agent = wanted[code]
        values += (row[2], row[3], row[1], stamp, ip, agent, None, None, None, "api",
                   "genuine" if row[6] == 1 else "already_verified")
    scan_ids = dict(_db.execute(with_values(INSERT_SCANS.sql, len(rows), width=11), values).fetchall()) if rows else {}
    answers = {}
    for code, row in rows.items():
        verdict, shown, scan_id = "genuine" if row[6] == 1 else "already_verified", codes.display(code), scan_ids[row[1]]
        answers[code] = {"genuine": True, "status": verdict, "code": shown,
                         "product": {"name": row[10], "brand": row[11] or row[9], "sku": row[12], "gtin": row[13]},
                         "batch": row[8], "scan_count": row[6], "first_scanned_at": now, "reasons": [],
                         "sandbox": bool(row[3]), "scan_token": tokens.issue("floor", scan_id)}
    return [answers.get(code, {"genuine": False, "status": "not_genuine"}) for code, _, _ in items]


def _activate_all(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A batch's activations with one statement per step for all of them, as activate_many does:
    the units, the customers and the names taken, then every insert and the units' status. A
    serial or an email repeated within one batch is not handled: the benchmark never sends one."""
    scope = (_WORKSPACE, False)
    now = dt.datetime.utcnow()
    stamp = now.isoformat(" ")
    units = _rows_by_first(queries.UNITS.sql, scope, {args["serial_number"] for args in items})
    customers = _rows_by_first(queries.CUSTOMERS.sql, scope, {args["customer_email"].lower() for args in items})
    taken = _rows_by_first(queries.NAMES_TAKEN.sql, scope, {args["customer_name"] for args in items})
    answers, new_parties, warranties, owners, unit_ids, emails = [], [], [], [], [], []
    for args in items:
        unit = units.get(args["serial_number"])
        if unit is None or unit[2] == "void" or unit[7]:
            answers.append({"error": "not activated"})
            continue
        name, email, phone = args["customer_name"], args["customer_email"].lower(), args["customer_phone"]
        customer = customers.get(email)
        if customer is None:
            name = f"{name} <{email}>" if name in taken else name
            party_id = _new_id()
            new_parties += (party_id, *scope, name, "", email, phone, unit[4] or "", stamp)
        else:
            party_id, name = customer[1], customer[2]
        months = unit[6] or activation.DEFAULT_MONTHS
        starts_on = args["purchase_date"] or now.date()
        ends_on = dates.ends_on(starts_on, months)
        warranty_id = _new_id()
        warranties.append((warranty_id, *scope, unit[1], unit[3], party_id, "active", months, args["purchase_date"],
                           starts_on, ends_on, stamp, reminders.reminder_day(ends_on, now)))
        owners.append((*scope, warranty_id, party_id, stamp))
        unit_ids.append(unit[1])
        what = unit[5] or "your product"
        emails.append((*scope, email, f"Your warranty for {what} is active",
                       f"Hello {name},\n\nThe warranty for {what} (serial {args['serial_number']}) runs from "
                       f"{starts_on} to {ends_on}.\n",
                       "warranty_confirmation", stamp, "queued", stamp))
        answers.append({"id": warranty_id, "serial_number": args["serial_number"], "product_id": unit[3],
                        "customer": {"id": party_id, "name": name, "email": email, "phone": phone},
                        "status": "active", "months": months, "purchase_date": args["purchase_date"],
                        "starts_on": starts_on, "ends_on": ends_on, "created_at": now, "voided_at": None,
                        "void_reason": None})
    if new_parties:
        _db.execute(with_values(queries.INSERT_CUSTOMERS.sql, len(new_parties) // 9, width=9), new_parties).fetchall()
    if warranties:
        _db.executemany(queries.INSERT_WARRANTY.sql, warranties)
        _db.executemany(queries.INSERT_OWNER.sql, owners)
        _db.execute(with_values(queries.MARK_REGISTERED.sql, len(unit_ids)), ("registered", stamp, *unit_ids))
        _db.executemany(QUEUE.sql, emails)
    return answers


def _rows_by_first(sql: str, scope: tuple[int, bool], wanted: set[str]) -> dict[str, tuple[Any, ...]]:
    return {row[0]: row for row in _db.execute(with_values(sql, len(wanted)), (*scope, *wanted))}


def _new_id() -> str:
    return f"{time.time_ns() // 1_000_000:012x}{random.getrandbits(80):020x}"


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


async def _submit(work: Callable[[list[Any]], list[Any]], item: Any) -> Any:
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    _pending.append((work, item, future, loop))
    if not _wake.is_set():
        _wake.set()
    return await future


async def app(scope: dict[str, Any], receive: Callable[[], Any], send: Callable[[dict[str, Any]], Any]) -> None:
    """The ASGI application itself: three paths, nothing parsed that the work does not need."""
    if scope["type"] == "lifespan":  # nothing to start or stop
        for phase in ("startup", "shutdown"):
            await receive()
            await send({"type": f"lifespan.{phase}.complete"})
        return
    path, status = scope["path"], 200
    if path == "/pong":
        answer: Any = "pong"
    elif path == "/verify":
        answer = await _verify(scope)
    elif path == "/activate" and scope["method"] == "POST":
        await receive()  # the (empty) body: the arguments come in the query string
        answer = await _submit(_activate_all, _ACTIVATE.load(_query(scope)))
    else:
        answer, status = "not found", 404
    body = dumps({"message": answer})
    # A length, as our dispatcher sends: without one uvicorn answers chunked, which the Python
    # load generator (it reads Content-Length) took for a failure on every other request.
    await send({"type": "http.response.start", "status": status,
                "headers": [*_JSON, (b"content-length", b"%d" % len(body))]})
    await send({"type": "http.response.body", "body": body})


async def _verify(scope: dict[str, Any]) -> Any:
    code = codes.normalise(_VERIFY.load(_query(scope))["code"])
    if not codes.is_valid(code):
        return {"genuine": False, "status": "not_genuine"}
    # A code repeated within one batch would count once here: the benchmark's load repeats
    # codes rarely, and this is a floor, not a product.
    agent = dict(scope["headers"]).get(b"user-agent", b"").decode("latin-1") or None
    return await _submit(_verify_all, (code, scope["client"][0] if scope.get("client") else None, agent))


def _query(scope: dict[str, Any]) -> dict[str, str]:
    return dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))


_JSON = [(b"content-type", b"application/json")]
threading.Thread(target=_writer, name="floor-writer", daemon=True).start()
