"""Stock moves against the floor doing the same writes; a stock level read as the ledger grows.

1. Moves: receive and issue (one unit of an item tracked by quantity, each call its own
   transaction) against bench/floor_app.py running the same statements on the same SQLite file
   (the look-ups of the item, warehouse and bin, the value row's lock, the level, the entry, the
   value), each call committed alone. Target: requests/s >= 0.8 x the floor's. SQLite only for
   the floor; on PostgreSQL the moves are measured against whoami.
2. Growth: get_stock at 1,000 ledger entries and at 1,000,000. Target: the read at 1,000,000
   entries costs at most 1.5x what it costs at 1,000 (server CPU per request and requests/s,
   medians of the rounds), whoami measured beside it in the same rounds.
The item is received through the methods; the other entries are written straight into
`stock_entry` (a million moves through HTTP would take the run's whole budget) in pairs in and
out of the same bin, half of them the measured item's, so every level still equals its ledger.

Run: .venv/bin/python -m bench.stock [--database-url URL] [--rounds R] [--seconds S] [--part moves|growth]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Any

from bench.harness import (
    Cpus,
    Load,
    Workspace,
    floor_server,
    generator_name,
    load,
    machine,
    own_schema,
    post_json,
    print_loads,
    refresh_planner_statistics,
    traciqo_server,
)
from bench.trackers import _connection

METHOD = "/api/method/"
WHOAMI = METHOD + "traciqo_rpc.api.whoami"
READ = "get_stock"
SIZES = (1_000, 1_000_000)

# Entries `?` to `?`: in and out of the item's bin by turns (a level's sum stays), every other
# pair the measured item's, the rest another item's.
ENTRIES_SQLITE = """
WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO stock_entry (workspace_id, is_sandbox, move_id, kind, item_id, warehouse_id, bin_id, batch, serial,
                         quantity, level_after, value_change, reason, reference, created_by, created_at)
SELECT workspace_id, is_sandbox, 'bench' || i, CASE i % 2 WHEN 0 THEN 'receipt' ELSE 'issue' END,
       CASE (i / 2) % 2 WHEN 0 THEN item_id ELSE 'other-item' END, warehouse_id, bin_id, '', NULL,
       CASE i % 2 WHEN 0 THEN 1000 ELSE -1000 END, 0, 0, 'bench', NULL, 'bench', created_at
FROM n, (SELECT * FROM stock_entry WHERE reason = 'first' LIMIT 1)"""
ENTRIES_POSTGRESQL = """
INSERT INTO stock_entry (workspace_id, is_sandbox, move_id, kind, item_id, warehouse_id, bin_id, batch, serial,
                         quantity, level_after, value_change, reason, reference, created_by, created_at)
SELECT f.workspace_id, f.is_sandbox, 'bench' || i, CASE i % 2 WHEN 0 THEN 'receipt' ELSE 'issue' END,
       CASE (i / 2) % 2 WHEN 0 THEN f.item_id ELSE 'other-item' END, f.warehouse_id, f.bin_id, '', NULL,
       CASE i % 2 WHEN 0 THEN 1000 ELSE -1000 END, 0, 0, 'bench', NULL, 'bench', f.created_at
FROM generate_series(%s::int, %s::int) AS i, (SELECT * FROM stock_entry WHERE reason = 'first' LIMIT 1) AS f"""


def prepare(ws: Workspace) -> None:
    post_json(ws.base_url, METHOD + "doctypes.item.api.create_item", ws.headers, {"sku": "BOLT", "name": "Bolt"})
    post_json(ws.base_url, METHOD + "doctypes.warehouse.api.create_warehouse", ws.headers,
              {"code": "WH1", "name": "Main", "bins": ["A1", "A2"]})
    for bin_code in ("MAIN", "A1", "A2"):
        post_json(ws.base_url, METHOD + "doctypes.stock.api.receive", ws.headers,
                  {"item": "BOLT", "warehouse": "WH1", "bin": bin_code, "quantity": 10, "unit_cost": 2, "reason": "first"})


MOVES = {"receive": "?item=MOVED&warehouse=WHM&quantity=1&unit_cost=2&reason=bench",
         "issue": "?item=MOVED&warehouse=WHM&quantity=1&reason=bench"}
FLOOR = {"receive": "floor: receive", "issue": "floor: issue"}
PONG = "bare /pong (the floor's app)"


def stock_moves(ws: Workspace, database_url: str | None, seconds: float, rounds: int, cpus: Cpus) -> None:
    """receive and issue through the methods, and (SQLite) the floor's, in interleaved rounds."""
    post_json(ws.base_url, METHOD + "doctypes.item.api.create_item", ws.headers, {"sku": "MOVED", "name": "Moved"})
    post_json(ws.base_url, METHOD + "doctypes.warehouse.api.create_warehouse", ws.headers, {"code": "WHM", "name": "M"})
    post_json(ws.base_url, METHOD + "doctypes.stock.api.receive", ws.headers,  # issues never run short
              {"item": "MOVED", "warehouse": "WHM", "quantity": 10**9, "unit_cost": 2})
    with contextlib.ExitStack() as stack:
        targets = [(name, ws.base_url, ws.pid, f"{METHOD}doctypes.stock.api.{name}{query}") for name, query in MOVES.items()]
        if not database_url:
            floor = stack.enter_context(floor_server(ws, cpus.server))
            targets += [(FLOOR[name], floor.url, floor.pid, f"/stock/{name}{query}") for name, query in MOVES.items()]
        for _, base_url, _, path in targets:
            load(base_url + path, ws.headers, seconds=1, paths=[path], method="POST", cpu=cpus.load)  # warm up
        results: dict[str, list[Load]] = {"whoami": [], **({PONG: []} if not database_url else {})}
        results.update({name: [] for name, *_ in targets})
        for _ in range(rounds):
            results["whoami"].append(load(ws.base_url + WHOAMI, ws.headers, seconds, cpu=cpus.load, server_pid=ws.pid))
            if not database_url:
                results[PONG].append(load(floor.url + "/pong", seconds=seconds, cpu=cpus.load, server_pid=floor.pid))
            for name, base_url, pid, path in targets:
                results[name].append(load(base_url + path, ws.headers, seconds, paths=[path], method="POST",
                                          cpu=cpus.load, server_pid=pid))
    print(f"stock moves: one unit received or issued a call (ours group-committed, the floor a commit per call); "
          f"{seconds:.0f} s x {rounds}")
    rates, cpu = print_loads(results)
    for name in MOVES:
        print(f"  {name} / whoami = {rates[name] / rates['whoami']:.2f} (by server CPU {cpu['whoami'] / cpu[name]:.2f})")
        if not database_url:
            ratio = rates[name] / rates[FLOOR[name]]
            framework = cpu["whoami"] - cpu[PONG]
            print(f"  {name} / {FLOOR[name]} = {ratio:.2f} (target >= 0.8): {'PASS' if ratio >= 0.8 else 'MISS'}; "
                  f"by server CPU {cpu[FLOOR[name]] / cpu[name]:.2f}; framework per request {framework:.0f} us, so at "
                  f"best {cpu[FLOOR[name]] / (cpu[FLOOR[name]] + framework):.2f} by CPU")


def grow_to(ws: Workspace, database_url: str | None, total: int) -> None:
    with _connection(database_url or f"sqlite:///{ws.cwd / 'bench.db'}") as (connection, placeholder):
        have = connection.execute("SELECT COUNT(*) FROM stock_entry").fetchone()[0]
        if total > have:
            sql, params = ((ENTRIES_SQLITE, (have, total - 1)) if placeholder == "?"
                           else (ENTRIES_POSTGRESQL, (have, total - 1)))
            connection.execute(sql, params)
        assert connection.execute("SELECT COUNT(*) FROM stock_entry").fetchone()[0] == total
    if database_url:
        refresh_planner_statistics(database_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TRACIQO_BENCH_DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the server and the load to CPUs")
    parser.add_argument("--part", choices=("all", "moves", "growth"), default="all")
    args = parser.parse_args(argv)
    cpus = Cpus.choose(pin=not args.no_pin)
    print(f"{machine()}; load generator {generator_name()}, 16 connections; {cpus.describe()}; "
          f"{'postgresql' if args.database_url else 'sqlite'}")
    database = own_schema(args.database_url) if args.database_url else contextlib.nullcontext(None)
    with database as url, traciqo_server(cpus.server, **({"TRACIQO_DATABASE_URL": url} if url else {})) as ws:
        if args.part == "moves":  # (after the growth part otherwise: it counts the ledger's entries)
            stock_moves(ws, url, args.seconds, args.rounds, cpus)
            return 0
        prepare(ws)
        read = f"{ws.base_url}{METHOD}doctypes.stock.api.get_stock?item=BOLT"
        medians: dict[int, tuple[dict[str, float], dict[str, Any]]] = {}
        for size in SIZES:
            grow_to(ws, url, size)
            load(read, ws.headers, seconds=1, cpu=cpus.load)  # warm up
            results: dict[str, list[Load]] = {"whoami": [], READ: []}
            for _ in range(args.rounds):
                results["whoami"].append(load(ws.base_url + WHOAMI, ws.headers, args.seconds, cpu=cpus.load,
                                              server_pid=ws.pid))
                results[READ].append(load(read, ws.headers, args.seconds, cpu=cpus.load, server_pid=ws.pid))
            print(f"{size:,} ledger entries; {args.seconds:.0f} s x {args.rounds}")
            medians[size] = print_loads(results)
        (small_rate, small_cpu), (large_rate, large_cpu) = medians[SIZES[0]], medians[SIZES[-1]]
        by_rate = (small_rate[READ] / small_rate["whoami"]) / (large_rate[READ] / large_rate["whoami"])
        by_cpu = (large_cpu[READ] / large_cpu["whoami"]) / (small_cpu[READ] / small_cpu["whoami"])
        print(f"growth {READ}: {SIZES[-1]:,} vs {SIZES[0]:,} entries costs {by_rate:.2f}x by requests/s, "
              f"{by_cpu:.2f}x by server CPU, each against whoami of its rounds (target <= 1.5): "
              f"{'PASS' if max(by_rate, by_cpu) <= 1.5 else 'MISS'}; unnormalised "
              f"{small_rate[READ] / large_rate[READ]:.2f}x by requests/s")
        if args.part == "all":
            stock_moves(ws, url, args.seconds, args.rounds, cpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
