"""The floor: a bare ASGI app doing only a verification's, an activation's or a tracker's own work.

What the stack itself costs: uvicorn, the method's marshmallow schema, the SQL statements
(imported from the doctypes), the emails and the JSON answer, with group commit on one writer
thread, against the benchmark's own SQLite file. Nothing else: no authentication, rate
windows, request ids, access log, usage, routing, error handling or savepoints, and no event
rows (no endpoint subscribes in the benchmark, and then ours keeps none either). A batch's
verifications and activations each take one statement per step for all of them, as
verify_many and activate_many do. A tracker's status update runs update_status's statements
(doctypes/tracker/queries.py) for one call, either each call in its own transaction or group
committed;
a tracking page view looks its token up and serves the page kept for that version; the
dashboard's scans page reads the session and the page's rows with its statements, on the loop;
a stock receipt or issue (of an item tracked by quantity) looks its item, warehouse and bin up,
locks the item's value row, changes the level, writes the entry and the value, and commits.
bench.verify_code, bench.serial_numbers and bench.trackers load it in the same run as
traciqo-rpc: how far a method is from the least a Python server can do for it.

Served by `uvicorn bench.floor_app:app` with FLOOR_DATABASE (the SQLite file) and
FLOOR_WORKSPACE (the workspace id whose serials it activates and whose trackers it moves).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import os
import random
import secrets
import sqlite3
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from doctypes.auth_code import codes
from doctypes.auth_code.schema import VerifyArgs
from doctypes.dashboard import scans as scans_page
from doctypes.dashboard import shell
from doctypes.email.queries import QUEUE
from doctypes.item.quantities import SCALE, shown
from doctypes.item.queries import ITEM
from doctypes.scan import listing, tokens
from doctypes.scan.queries import (
    COUNT_CODE_SCANS,
    COUNT_SCAN_DAYS,
    COUNT_SCANS,
    INSERT_SCANS,
    LIST_SCANS,
    SCANS_BY_COUNTRY,
    SCANS_PER_DAY,
    SCANS_TOTAL,
    ListedScan,
)
from doctypes.session.queries import SESSION_BY_TOKEN
from doctypes.stock import queries as stock_queries
from doctypes.stock.schema import IssueArgs, ReceiveArgs
from doctypes.tracker import page as tracking
from doctypes.tracker import queries as tracker_queries
from doctypes.tracker.public import TOKEN, PublicStep, PublicTracker
from doctypes.tracker.schema import UpdateStatusArgs
from doctypes.warehouse.model import DEFAULT_BIN
from doctypes.warehouse.queries import PLACE
from doctypes.warranty import activation, dates, queries, reminders
from doctypes.warranty.schema import ActivateWarrantyArgs
from traciqo_rpc.db import SQLITE_PRAGMAS, with_values
from traciqo_rpc.principal import Principal
from traciqo_rpc.rendering import dumps
from traciqo_rpc.sessions import CookieJar, token_hash
from traciqo_rpc.statements import Statement


def _connect() -> sqlite3.Connection:
    db = sqlite3.connect(os.environ.get("FLOOR_DATABASE", ":memory:"), isolation_level=None, check_same_thread=False)
    for name, value in SQLITE_PRAGMAS.items():
        db.execute(f"PRAGMA {name} = {value}")
    return db


_db = _connect()
_WORKSPACE = int(os.environ.get("FLOOR_WORKSPACE", "1"))
_VERIFY, _ACTIVATE, _UPDATE = VerifyArgs(), ActivateWarrantyArgs(), UpdateStatusArgs()
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
                   "genuine" if row[6] == 1 else "already_verified", None)
    scan_ids = dict(_db.execute(with_values(INSERT_SCANS.sql, len(rows), width=INSERT_SCANS.width), values).fetchall()
                    ) if rows else {}
    # The days' counts, as our batch keeps them (no country: the benchmark's scans say none).
    days = Counter((row[2], row[3], now.date().isoformat(), "genuine" if row[6] == 1 else "already_verified")
                   for row in rows.values())
    if days:
        _db.execute(with_values(COUNT_SCAN_DAYS.sql, len(days), width=COUNT_SCAN_DAYS.width),
                    [value for key in sorted(days) for value in (*key, days[key])])
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


_BASE_URL = "http://127.0.0.1:8000"  # the default base_url our server builds its links from


def _move_step(db: sqlite3.Connection, args: dict[str, Any]) -> dict[str, Any] | None:
    """One status update: lock the tracker (its version), read it and its steps, move the step,
    save it and the tracker's summary. None when the move is refused."""
    now = dt.datetime.utcnow().isoformat(" ")
    tracker_id, wanted = args["tracker_id"], args["process"].strip().casefold()
    row = db.execute(tracker_queries.LOCK_TRACKER.sql, (_WORKSPACE, False, tracker_id)).fetchone()
    if row is None:
        return None
    tracker = list(row)
    steps = [list(step) for step in db.execute(with_values(tracker_queries.STEPS.sql, 1), (tracker_id,))]
    step = next((s for s in steps if s[3].casefold() == wanted), None)
    if step is None or (tracker[6] and any(s[2] < step[2] and s[5] != "completed" for s in steps)):
        return None
    if args["action"] == "start":
        if step[5] != "pending":
            return None
        step[5], step[6] = "in_progress", now
    else:
        if step[5] == "completed":
            return None
        step[5], step[6], step[7] = "completed", step[6] or now, now
    db.execute(tracker_queries.SAVE_STEP.sql, (step[5], step[6], step[7], step[0]))
    started = [s for s in steps if s[5] == "in_progress"]
    tracker[9] = max(started, key=lambda s: (s[6], s[2]))[3] if started else None
    if all(s[5] == "completed" for s in steps):
        tracker[8], tracker[12] = "completed", tracker[12] or now
    else:
        tracker[8], tracker[12] = "in_progress" if any(s[5] != "pending" for s in steps) else "pending", None
    db.execute(tracker_queries.SAVE_TRACKER.sql, (tracker[8], tracker[9], tracker[12], now, tracker_id))
    page = f"{_BASE_URL}/track/{tracker[7]}"
    embed = html.escape(f"{_BASE_URL}/embed/{tracker[7]}")
    return {"id": tracker_id, "number": tracker[1], "name": tracker[2], "tracking_url": page,
            "api_url": f"{_BASE_URL}/api/v1/trackers/{tracker_id}/",
            "embed_code": f'<iframe src="{embed}" title="{html.escape(tracker[2])}" width="100%" height="400" '
                          'style="border:0;border-radius:12px" loading="lazy"></iframe>',
            "qr_code_url": f"{page}/qr.png", "tracking_token": tracker[7], "reference": tracker[3],
            "customer_email": tracker[4], "template": tracker[5], "strict_order": bool(tracker[6]),
            "status": tracker[8], "current_process": tracker[9], "is_completed": tracker[8] == "completed",
            "history": [{"process": s[3], "status": s[5], "visible": bool(s[4]), "started_at": s[6],
                         "completed_at": s[7]} for s in steps],
            "created_at": tracker[10], "updated_at": now, "completed_at": tracker[12]}


_thread = threading.local()
_alone = threading.Lock()


def _update_alone(args: dict[str, Any]) -> dict[str, Any] | None:
    """A status update in a transaction of its own, on a worker thread's own connection: how our
    server commits update_status (not batched), writers queued on a lock as traciqo_rpc.db does."""
    if not hasattr(_thread, "db"):
        _thread.db = _connect()
    db = _thread.db
    with _alone:
        db.execute("BEGIN IMMEDIATE")
        try:
            answer = _move_step(db, args)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT" if answer is not None else "ROLLBACK")
    return answer


_RECEIVE, _ISSUE = ReceiveArgs(), IssueArgs()
_ENTRY = with_values(stock_queries.RECORD_ENTRIES.sql, 1, width=stock_queries.RECORD_ENTRIES.width)


def _bound(statement: Statement, scope: tuple[int, bool], params: tuple[Any, ...]) -> tuple[Any, ...]:
    return (*params[:statement.scope_at], *scope, *params[statement.scope_at:])


def _stock_move(db: sqlite3.Connection, kind: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """A receipt or an issue with the statements doctypes/stock/service.py runs for one (items
    tracked by quantity only); None when refused (unknown, inactive, short)."""
    scope, now = (_WORKSPACE, False), dt.datetime.utcnow()
    stamp, ref, code = now.isoformat(" "), args["item"].strip(), args["warehouse"]
    item = db.execute(ITEM.sql, (*scope, ref, ref.upper(), ref)).fetchone()
    place = db.execute(PLACE.sql, _bound(PLACE, scope, ((args["bin"] or DEFAULT_BIN).upper(), code, code.upper(),
                                                         code))).fetchone()
    # item: id 0, sku 3, tracking 8, reorder_level 9, allow_negative_stock 10, active 11;
    # place: warehouse id 0, code 3, active 6, then the bin: id 8, code 12, active 14.
    if item is None or not item[11] or item[8] != "none" or place is None or not place[6] or place[8] is None \
            or not place[14]:
        return None
    quantity = args["quantity"]
    held, value = db.execute(stock_queries.LOCK_VALUE.sql, (*scope, item[0])).fetchone()
    if kind == "receipt":
        cost = args["unit_cost"] if args["unit_cost"] is not None else (value * SCALE // held if held > 0 else 0)
        change = quantity * cost // SCALE
        level = db.execute(stock_queries.ADD_TO_LEVEL.sql, (*scope, item[0], place[0], place[8], "", quantity,
                                                            stamp)).fetchone()[0]
    else:
        change = -(value * quantity // held) if held > 0 else 0
        taken = db.execute(stock_queries.TAKE_FROM_LEVEL.sql, _bound(
            stock_queries.TAKE_FROM_LEVEL, scope, (quantity, stamp, item[0], place[8], "", quantity, item[10]))).fetchone()
        if taken is None:
            return None
        level = taken[0]
    move_id, signed = _new_id(), quantity if kind == "receipt" else -quantity
    db.execute(_ENTRY, (*scope, move_id, kind, item[0], place[0], place[8], "", None, signed, level, change,
                        args["reason"], args["reference"], "bench", stamp))
    db.execute(stock_queries.SET_VALUE.sql, _bound(stock_queries.SET_VALUE, scope, (signed, change, item[0])))
    return {"move": move_id, "kind": kind, "item": item[3], "entries": 1, "created_at": now, "quantity": shown(quantity),
            "target" if kind == "receipt" else "source": f"{place[3]}/{place[12]}", "level_after": shown(level)}


def _move_alone(kind: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """A stock move in a transaction of its own, as our server commits one (not batched)."""
    if not hasattr(_thread, "db"):
        _thread.db = _connect()
    db = _thread.db
    with _alone:
        db.execute("BEGIN IMMEDIATE")
        try:
            answer = _stock_move(db, kind, args)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT" if answer is not None else "ROLLBACK")
    return answer


def _update_all(items: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """The same statements for each update of a batch, one commit for all (group commit). A
    refused update keeps its version bump here: the benchmark never sends one."""
    return [_move_step(_db, args) for args in items]


# The tracker and visible steps the tracking page renders from (public.load), read on the
# event loop's own connection like the token's look-up (public.find, FIND_BY_TOKEN).
_PUBLIC_TRACKER = 'SELECT name, status, is_sandbox, completed_at, version FROM "tracker" WHERE id = ?'
_VISIBLE_STEPS = ('SELECT name, status, started_at, completed_at FROM "tracker_step" '
                  'WHERE tracker_id = ? AND visible ORDER BY position')
_reader = _connect()
_pages: dict[str, tuple[int, tuple[str, ...]]] = {}  # token -> (version, the page split at its nonce)


def _tracking_page(token: str) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """A view: the token looked up, the kept page served while its version holds (the benchmark
    sets no branding, so the tracker's version is the whole key), a new nonce in every answer."""
    row = _reader.execute(tracker_queries.FIND_BY_TOKEN.sql, (token,)).fetchone() if TOKEN.match(token) else None
    if row is None:
        return 404, b"not found", []
    kept = _pages.get(token)
    if kept is None or kept[0] != row[1]:
        kept = _pages[token] = (row[1], _render(row[0], token))
    nonce = secrets.token_urlsafe(16)
    headers = [(b"content-security-policy", f"default-src 'none'; style-src 'nonce-{nonce}'; script-src "
                f"'nonce-{nonce}'; img-src 'self'; base-uri 'none'; form-action 'none'; "
                "frame-ancestors 'none'".encode()),
               (b"x-frame-options", b"DENY"), (b"cache-control", tracking.CACHE_CONTROL.encode()),
               (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
    return 200, nonce.join(kept[1]).encode(), headers


def _render(tracker_id: int, token: str) -> tuple[str, ...]:
    """The page as doctypes/tracker/page.py renders it, from the rows it reads (public.load); a
    miss, so only a version's first view comes here."""
    def moment(text: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(text) if text else None

    name, status, is_sandbox, completed_at, version = _reader.execute(_PUBLIC_TRACKER, (tracker_id,)).fetchone()
    steps = tuple(PublicStep(n, s, moment(started), moment(completed))
                  for n, s, started, completed in _reader.execute(_VISIBLE_STEPS, (tracker_id,)))
    tracker = PublicTracker(name, status, bool(is_sandbox), moment(completed_at), version, steps)
    return tuple(tracking._full_page(tracker, tracking.NO_BRANDING, token).split(tracking.NONCE))


_jar = CookieJar(os.environ.get("FLOOR_SECRET_KEY", "bench"), 3600, secure=False)
SCANS_SHOWN, DAYS = 50, 30


def _scoped(statement: Statement, scope: tuple[int, bool], params: list[Any]) -> list[tuple[Any, ...]]:
    """A tenant statement's rows, its workspace and environment bound where its clause is."""
    at = statement.scope_at
    return _reader.execute(statement.sql, (*params[:at], *scope, *params[at:])).fetchall()


def _scans_page(headers: dict[bytes, bytes], query: dict[str, str]) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """The signed-in scans page's own work: the cookie's signature, the session it names (with
    the person's membership, workspace and plan), the page of scans and its total, the days'
    and the countries' counts, rendered into the same page by the dashboard's own functions."""
    token = _jar.read(headers)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    session = _reader.execute(SESSION_BY_TOKEN.sql, (token_hash(token), now.isoformat(" "))).fetchone() if token else None
    if session is None:
        return 303, b"", [(b"location", b"/login")]
    scope, code = (session[2], bool(session[3])), query.get("code")
    filters = [codes.normalise(code)] if code else []
    listed = [ListedScan(*row) for row in _scoped(LIST_SCANS[bool(code), False, True], scope, [*filters, SCANS_SHOWN, 0])]
    total = _scoped(COUNT_CODE_SCANS[False] if code else SCANS_TOTAL[False], scope, filters)[0][0]
    first = now.date() - dt.timedelta(days=DAYS - 1)
    counted = {str(day)[:10]: n for day, n in _scoped(SCANS_PER_DAY[False], scope, [first.isoformat()])}
    per_day = [(d.isoformat(), counted.get(d.isoformat(), 0)) for d in (first + dt.timedelta(days=n) for n in range(DAYS))]
    countries = _scoped(SCANS_BY_COUNTRY, scope, [first.isoformat(), 10])
    page = {"data": [listing._scan(scan) for scan in listed], "total": total}
    content = scans_page.render(page, per_day, countries, code, None, "-created", 0)
    person = _Person(Principal(0, "", "", session[2], session[7], bool(session[3]), True, session[9], True, session[11],
                               role=session[6], user_email=session[5], csrf_token=session[4]))
    result = shell.page(person, "Scans", content, session[4], "/app/scans")  # type: ignore[arg-type]  # its principal
    return 200, result.body.encode(), [(k.lower().encode(), v.encode()) for k, v in result.headers.items()]


class _Person:
    """What the page frame reads of a request: its principal."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def require_principal(self) -> Principal:
        return self.principal


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
    """The ASGI application itself: a few paths, nothing parsed that the work does not need."""
    if scope["type"] == "lifespan":  # nothing to start or stop
        for phase in ("startup", "shutdown"):
            await receive()
            await send({"type": f"lifespan.{phase}.complete"})
        return
    path, status = scope["path"], 200
    if path.startswith("/track/"):  # HTML, not JSON
        status, body, headers = _tracking_page(path.removeprefix("/track/"))
        await send({"type": "http.response.start", "status": status,
                    "headers": [*_HTML, *headers, (b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})
        return
    if path == "/app/scans":  # HTML too
        status, body, headers = _scans_page(dict(scope["headers"]), _query(scope))
        await send({"type": "http.response.start", "status": status,
                    "headers": [*_HTML, *headers, (b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})
        return
    if path == "/pong":
        answer: Any = "pong"
    elif path == "/verify":
        answer = await _verify(scope)
    elif path == "/activate" and scope["method"] == "POST":
        await receive()  # the (empty) body: the arguments come in the query string
        answer = await _submit(_activate_all, _ACTIVATE.load(_query(scope)))
    elif path == "/update_status" and scope["method"] == "POST":
        await receive()
        args = _UPDATE.load(_query(scope))
        answer = await asyncio.get_running_loop().run_in_executor(None, _update_alone, args)
    elif path in ("/stock/receive", "/stock/issue") and scope["method"] == "POST":
        await receive()
        kind = "receipt" if path == "/stock/receive" else "issue"
        args = (_RECEIVE if kind == "receipt" else _ISSUE).load(_query(scope))
        answer = await asyncio.get_running_loop().run_in_executor(None, _move_alone, kind, args)
    elif path == "/update_status/grouped" and scope["method"] == "POST":
        await receive()
        answer = await _submit(_update_all, _UPDATE.load(_query(scope)))
    else:
        answer, status = "not found", 404
    if answer is None:  # a refused status update: the benchmark counts it as a failure
        answer, status = "refused", 409
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
_HTML = [(b"content-type", b"text/html; charset=utf-8")]
threading.Thread(target=_writer, name="floor-writer", daemon=True).start()
