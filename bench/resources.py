"""Frappe's resource API against the typed methods, and against its own table's growth.

1. A resource list page (`GET /api/resource/Authentication Code`, 20 rows, one equality filter
   on product_id, every field) against `list_codes(product_id, limit=20)`: same server, same
   data, rounds interleaved. Target: the resource's requests/s >= 0.8 x list_codes'.
2. Growth: `GET /api/resource/Serial Number` filtered by product_id (1,000 matching rows) when
   the table holds 1,000 rows, then 1,000,000 (999,000 of other products, inserted in SQL).
   Each phase interleaves the page with authenticated whoami, so the machine's drift cancels:
   growth = (page/whoami at 1,000) / (page/whoami at 1,000,000). Target <= 2. The query the
   server runs, and its plan at each size, are printed.

Run: .venv/bin/python -m bench.resources [--database-url URL] [--rounds R] [--seconds S]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.harness import (
    Cpus,
    Load,
    Workspace,
    generator_name,
    get_json,
    load,
    machine,
    own_schema,
    post_json,
    print_loads,
    refresh_planner_statistics,
    traciqo_server,
)
from doctypes.api_key.service import load_principal
from doctypes.serial_number.model import SerialNumber
from doctypes.serial_number.resource import serial_number
from traciqo_rpc import db, runtime
from traciqo_rpc.context import RequestContext
from traciqo_rpc.resource import read
from traciqo_rpc.settings import Settings

METHOD = "/api/method/"
RESOURCE = "/api/resource/"
MATCHING = 1_000
TOTAL = 1_000_000


def compare_with_list_codes(ws: Workspace, seconds: float, rounds: int, cpus: Cpus) -> None:
    product = post_json(ws.base_url, METHOD + "doctypes.product.api.upsert_product", ws.headers, {"name": "Bench"})
    other = post_json(ws.base_url, METHOD + "doctypes.product.api.upsert_product", ws.headers, {"name": "Other"})
    for product_id, quantity in ((product["id"], 1_000), (other["id"], 9_000)):
        post_json(ws.base_url, METHOD + "doctypes.auth_code.api.create_code", ws.headers,
                  {"batch_name": f"B-{product_id}", "quantity": quantity, "product_id": product_id})
    resource = (f"{ws.base_url}{RESOURCE}Authentication%20Code?fields=%5B%22*%22%5D&limit_page_length=20"
                f"&filters={quote(_equals('product_id', product['id']))}")
    method = f"{ws.base_url}{METHOD}doctypes.auth_code.api.list_codes?product_id={product['id']}&limit=20"
    assert len(get_json(resource, ws.headers)["data"]) == 20
    assert len(get_json(method, ws.headers)["message"]["data"]) == 20
    results: dict[str, list[Load]] = {"list_codes (method)": [], "resource list page": []}
    for url in (method, resource):
        load(url, ws.headers, seconds=1, cpu=cpus.load)  # warm both
    for _ in range(rounds):
        results["list_codes (method)"].append(load(method, ws.headers, seconds, cpu=cpus.load, server_pid=ws.pid))
        results["resource list page"].append(load(resource, ws.headers, seconds, cpu=cpus.load, server_pid=ws.pid))
    print(f"Resource list page vs list_codes: 10,000 codes, 1,000 of the product, 20 a page; "
          f"{seconds:.0f} s x {rounds}")
    medians, cpu = print_loads(results)
    ratio = medians["resource list page"] / medians["list_codes (method)"]
    print(f"  resource / list_codes = {ratio:.2f} (target >= 0.8): {'PASS' if ratio >= 0.8 else 'MISS'}; "
          f"by server CPU {cpu['list_codes (method)'] / cpu['resource list page']:.2f}")


def _equals(field: str, value: str) -> str:
    return f'[["{field}", "=", "{value}"]]'


def growth(ws: Workspace, database_url: str | None, seconds: float, rounds: int, cpus: Cpus) -> None:
    product = post_json(ws.base_url, METHOD + "doctypes.product.api.upsert_product", ws.headers, {"name": "Grown"})
    post_json(ws.base_url, METHOD + "doctypes.serial_number.api.add_serial_numbers", ws.headers, {
        "serial_numbers": [{"serial_number": f"M-{i:06d}", "product_id": product["id"]} for i in range(MATCHING)]})
    page = (f"{ws.base_url}{RESOURCE}Serial%20Number?fields=%5B%22name%22,%22status%22,%22product_id%22%5D"
            f"&limit_page_length=20&filters={quote(_equals('product_id', product['id']))}")
    whoami = f"{ws.base_url}{METHOD}traciqo_rpc.api.whoami"
    url = database_url or f"sqlite:///{ws.cwd / 'bench.db'}"
    rates: dict[int, float] = {}
    for size in (MATCHING, TOTAL):
        if size == MATCHING and database_url:
            refresh_planner_statistics(database_url)  # as autovacuum would, soon after the first rows
        if size == TOTAL:
            started = time.perf_counter()
            _grow(url, product["id"], TOTAL - MATCHING)
            print(f"  (inserted {TOTAL - MATCHING:,} rows in {time.perf_counter() - started:.1f} s)")
        assert len(get_json(page, ws.headers)["data"]) == 20
        load(page, ws.headers, seconds=1, cpu=cpus.load)
        results: dict[str, list[Load]] = {"whoami": [], f"page at {size:,} rows": []}
        for _ in range(rounds):
            results["whoami"].append(load(whoami, ws.headers, seconds, cpu=cpus.load, server_pid=ws.pid))
            results[f"page at {size:,} rows"].append(load(page, ws.headers, seconds, cpu=cpus.load,
                                                          server_pid=ws.pid))
        print(f"Serial Number page, {MATCHING:,} of the product's rows in {size:,}")
        medians, _ = print_loads(results)
        rates[size] = medians[f"page at {size:,} rows"] / medians["whoami"]
        print("  plan:")
        for line in _plan(url, ws.api_key, product["id"]):
            print(f"    {line}")
    cost = rates[MATCHING] / rates[TOTAL]
    print(f"  page cost at {TOTAL:,} / at {MATCHING:,} (each against whoami) = {cost:.2f} (target <= 2): "
          f"{'PASS' if cost <= 2 else 'MISS'}")


def _grow(url: str, product_id: str, rows: int) -> None:
    """`rows` serials of 1,000 other products, in the bench workspace, in one SQL statement."""
    table = SerialNumber._meta.table_name
    columns = "serial, product_id, customer_tags, status, created_at, workspace_id, is_sandbox"
    if url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection, connection:
            workspace_id, = connection.execute(f'SELECT workspace_id FROM "{table}" LIMIT 1').fetchone()
            connection.execute(
                f'INSERT INTO "{table}" ({columns}) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n '
                f"WHERE i < ?) SELECT 'G-' || i, 'PRD-X' || (i % 1000), '', 'unregistered', datetime('now'), ?, 0 "
                f"FROM n", (rows, workspace_id))
            connection.execute("ANALYZE")
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        workspace_id, = connection.execute(f'SELECT workspace_id FROM "{table}" LIMIT 1').fetchone()
        connection.execute(
            f'INSERT INTO "{table}" ({columns}) SELECT \'G-\' || i, \'PRD-X\' || (i %% 1000), \'\', \'unregistered\', '
            f"now(), %s, false FROM generate_series(1, %s) AS i", (workspace_id, rows))
    refresh_planner_statistics(url)


def _plan(url: str, api_key: str, product_id: str) -> list[str]:
    """The query a Serial Number page runs (captured from resource.read, as the server builds it) and its plan."""
    with tempfile.TemporaryDirectory() as tmp:
        return _explain(runtime.build(Settings(database_url=url, secret_key="bench", data_dir=Path(tmp))), api_key,
                        product_id)


def _explain(rt: runtime.Runtime, api_key: str, product_id: str) -> list[str]:
    try:
        ctx = RequestContext(request_id="bench", principal=load_principal(api_key))
        with _captured_queries() as queries:
            read(serial_number, "Serial Number", ctx, ["name", "status", "product_id"],
                 [["product_id", "=", product_id]], None, None, 0, 20)
        sql, params = queries[-1]
        explain = "EXPLAIN QUERY PLAN " if db.is_sqlite() else "EXPLAIN "
        plan = [" ".join(str(part) for part in row[-1:]) for row in db.database.execute_sql(explain + sql, params)]
        return [sql, *plan]
    finally:
        rt.close()


@contextlib.contextmanager
def _captured_queries() -> Iterator[list[tuple[str, Any]]]:
    """The (sql, params) peewee runs inside the block (it logs each at DEBUG)."""
    captured: list[tuple[str, Any]] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.msg, tuple):
                captured.append(record.msg)

    logger = logging.getLogger("peewee")
    handler, level = Capture(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield captured
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TRACIQO_BENCH_DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the server and the load to CPUs")
    args = parser.parse_args(argv)
    cpus = Cpus.choose(pin=not args.no_pin)
    print(f"{machine()}; load generator {generator_name()}, 16 connections; {cpus.describe()}; "
          f"{'postgresql' if args.database_url else 'sqlite'}")
    with _database(args.database_url) as url, traciqo_server(cpus.server, **_env(url)) as ws:
        compare_with_list_codes(ws, args.seconds, args.rounds, cpus)
    with _database(args.database_url) as url, traciqo_server(cpus.server, **_env(url)) as ws:
        growth(ws, url, args.seconds, args.rounds, cpus)
    return 0


def _database(url: str | None) -> contextlib.AbstractContextManager[str | None]:
    """Empty tables for each part: a new schema on PostgreSQL (traciqo_server makes a new SQLite file)."""
    return own_schema(url) if url else contextlib.nullcontext(None)


def _env(url: str | None) -> dict[str, str]:
    return {"TRACIQO_DATABASE_URL": url} if url else {}


if __name__ == "__main__":
    sys.exit(main())
