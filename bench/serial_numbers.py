"""add_serial_numbers with 10,000 serials against a raw executemany of the same rows, same run;
and activate_warranty requests/s against authenticated whoami on the same server.

Run: .venv/bin/python -m bench.serial_numbers [--database-url URL] [--rounds R] [--seconds S]
Targets: add_serial_numbers rows/s >= 0.5 x the raw insert's; activate_warranty >= 0.5 x whoami.
For scale, the floor: bench/floor_app.py doing an activation's own work with no framework.
On PostgreSQL, activations are measured after a 2 s warm-up and an ANALYZE (what autovacuum
does within a minute or two), not in a database whose planner has never seen a customer.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import (
    Cpus,
    Load,
    floor_server,
    generator_name,
    load,
    machine,
    post_json,
    print_loads,
    refresh_planner_statistics,
    traciqo_server,
)
from doctypes.api_key.service import load_principal
from doctypes.serial_number.model import SerialNumber
from doctypes.serial_number.service import add_serial_numbers
from doctypes.workspace.service import create_workspace
from traciqo_rpc import db, runtime
from traciqo_rpc.context import RequestContext
from traciqo_rpc.settings import Settings

FLOOR = "floor: the stack alone"
PONG = "bare /pong (the floor's app)"

COUNT = 10_000
FIELDS = ("serial", "product_id", "customer_tags", "status", "created_at", "workspace_id", "is_sandbox")


def time_add(rt: runtime.Runtime, principal, prefix: str) -> float:
    ctx = RequestContext(request_id="bench", principal=principal)
    entries = [{"serial_number": f"{prefix}-{i:06d}", "product_id": None, "customer_tags": ""} for i in range(COUNT)]
    started = time.perf_counter()
    result = rt.run_in_transaction(ctx, lambda: add_serial_numbers(ctx, entries))
    assert result["added"] == COUNT
    return time.perf_counter() - started


def time_raw(workspace_id: int, prefix: str) -> float:
    rows = [(f"{prefix}-{i:06d}", None, "", "unregistered", db.utcnow(), workspace_id, False) for i in range(COUNT)]
    placeholder = "?" if db.is_sqlite() else "%s"
    sql = (f'INSERT INTO "{SerialNumber._meta.table_name}" ({", ".join(FIELDS)}) '
           f'VALUES ({", ".join([placeholder] * len(FIELDS))})')
    started = time.perf_counter()
    with db.database.atomic():
        db.database.cursor().executemany(sql, rows)
    return time.perf_counter() - started


def bulk(url: str | None, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rt = runtime.build(Settings(database_url=url or f"sqlite:///{Path(tmp) / 'bench.db'}", secret_key="bench",
                                    data_dir=Path(tmp)))
        rt.migrate()
        rt.load_fixtures()
        ctx = RequestContext(request_id="bench")
        keys = rt.run_in_transaction(ctx, lambda: create_workspace(ctx, f"bench-{secrets.token_hex(4)}", "pro"))
        principal = load_principal(keys["live"]["api_key"])
        ours, raw = [], []
        for round_number in range(rounds):
            ours.append(time_add(rt, principal, f"S{round_number}"))
            raw.append(time_raw(principal.workspace_id, f"R{round_number}"))
        ours_rate, raw_rate = COUNT / statistics.median(ours), COUNT / statistics.median(raw)
        ratio = ours_rate / raw_rate
        print(f"add_serial_numbers, {'sqlite' if db.is_sqlite() else 'postgresql'}, {COUNT} serials, median of {rounds}")
        print(f"  add_serial_numbers {ours_rate:>10,.0f} rows/s ({statistics.median(ours):.3f} s)")
        print(f"  raw executemany    {raw_rate:>10,.0f} rows/s ({statistics.median(raw):.3f} s)")
        print(f"  ratio {ratio:.2f} (target >= 0.5): {'PASS' if ratio >= 0.5 else 'MISS'}")
        rt.close()


def activation(seconds: float, rounds: int, cpus: Cpus, database_url: str | None) -> None:
    """Each activation needs a fresh serial (and brings a new customer): a wrk Lua script walks
    through a pre-added list. The floor runs on SQLite only."""
    database = {"TRACIQO_DATABASE_URL": database_url} if database_url else {}
    with traciqo_server(cpus.server, **database) as ws, contextlib.ExitStack() as stack:
        serials = [f"A-{i:06d}" for i in range(25_000 * rounds)]
        # The floor's (SQLite); on PostgreSQL, a warm-up's, so that the planner has seen customers.
        floor_serials = [f"F-{i:06d}" for i in range(25_000 * rounds)]
        for start in range(0, len(serials), 10_000):
            for batch in (serials, floor_serials):
                post_json(ws.base_url, "/api/method/doctypes.serial_number.api.add_serial_numbers", ws.headers,
                          {"serial_numbers": [{"serial_number": s} for s in batch[start:start + 10_000]]})
        whoami = f"{ws.base_url}/api/method/traciqo_rpc.api.whoami"
        load(whoami, ws.headers, seconds=1, cpu=cpus.load)
        if database_url:
            warm_up = _activations("/api/method/doctypes.warranty.api.activate_warranty", floor_serials)
            load(ws.base_url + warm_up[0], ws.headers, 2, paths=warm_up, method="POST", cpu=cpus.load)
            refresh_planner_statistics(database_url)
        results: dict[str, list[Load]] = {"whoami": [], "activate_warranty": []}
        targets = [("activate_warranty", ws.base_url, ws.pid, "/api/method/doctypes.warranty.api.activate_warranty",
                    serials)]
        if not database_url:
            results[FLOOR] = []
            floor = stack.enter_context(floor_server(ws, cpus.server))
            targets.append((FLOOR, floor.url, floor.pid, "/activate", floor_serials))
            results[PONG] = []
        for offset in range(0, 25_000 * rounds, 25_000):
            results["whoami"].append(load(whoami, ws.headers, seconds, cpu=cpus.load, server_pid=ws.pid))
            if not database_url:
                results[PONG].append(load(floor.url + "/pong", seconds=seconds, cpu=cpus.load, server_pid=floor.pid))
            for name, base_url, pid, path, batch in targets:
                paths = _activations(path, batch[offset:offset + 25_000])
                results[name].append(load(base_url + paths[0], ws.headers, seconds, paths=paths, method="POST",
                                          cpu=cpus.load, server_pid=pid))
    print(f"{machine()}; load generator {generator_name()}, 16 connections, {seconds:.0f} s x {rounds}; "
          f"{cpus.describe()}")
    medians, cpu = print_loads(results)
    ratio = medians["activate_warranty"] / medians["whoami"]
    # On PostgreSQL the database's own CPU is in other processes: the server's alone would flatter.
    by_cpu = "" if database_url else f"; by server CPU per request {cpu['whoami'] / cpu['activate_warranty']:.2f}"
    print(f"  activate_warranty / whoami = {ratio:.2f} (target >= 0.5): {'PASS' if ratio >= 0.5 else 'MISS'}{by_cpu}")
    if FLOOR in medians:
        print(f"  {FLOOR} / whoami = {medians[FLOOR] / medians['whoami']:.2f} (by CPU {cpu['whoami'] / cpu[FLOOR]:.2f}); "
              f"activate_warranty / floor = {medians['activate_warranty'] / medians[FLOOR]:.2f} "
              f"(by CPU {cpu[FLOOR] / cpu['activate_warranty']:.2f}; for scale, no target)")
        # An activation pays the floor's work plus what the framework does for every request
        # (whoami's CPU beyond a bare /pong): the best ratio any activation could reach here.
        framework = cpu["whoami"] - cpu[PONG]
        print(f"  framework per request {framework:.0f} us (whoami - bare /pong); so at best "
              f"whoami / (floor + framework) = {cpu['whoami'] / (cpu[FLOOR] + framework):.2f} by CPU")


def _activations(path: str, serials: list[str]) -> list[str]:
    """One activation request per serial, each with a new customer."""
    return [f"{path}?serial_number={s}&customer_name=Bench&customer_email=b{s.lower()}%40example.com" for s in serials]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TRACIQO_BENCH_DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the server and the load to CPUs")
    args = parser.parse_args(argv)
    bulk(args.database_url, args.rounds)
    activation(args.seconds, args.rounds, Cpus.choose(pin=not args.no_pin), args.database_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
