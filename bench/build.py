"""A build producing 1,000 serialised units against a raw insert of the same rows, same run.

The build: create_build (the plan: requirements fixed, a range of serial numbers chosen, the BOM
locked) then complete_build (two components issued, 1,000 units received with their serials,
1,000 serial numbers registered for warranties, the build completed and its event written),
each in its own transaction as a method call has, called in process (no HTTP: the request
costs the same whatever the build's size). The raw insert: the same rows with the driver's
executemany in one transaction (the build and its lines, the ledger's 1,002 entries, 1,000
stock serials, 1,000 serial numbers, the level and value rows changed), nothing checked.

Target: the build's rows/s at least 0.5 x the raw insert's (medians of the rounds).
Run: .venv/bin/python -m bench.build [--database-url URL] [--rounds R]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import machine, own_schema
from doctypes.api_key.service import load_principal
from doctypes.workspace.service import create_workspace
from traciqo_rpc import db, runtime
from traciqo_rpc.context import RequestContext
from traciqo_rpc.settings import Settings

UNITS = 1_000
METHOD = "doctypes.{}.api.{}"


def prepare(rt: runtime.Runtime, ctx: RequestContext, rounds: int) -> None:
    """UNIT (serial-tracked, a product's) = FRAME + 0.25 m CABLE; enough of both for every round."""
    from doctypes.bom.service import create_bom
    from doctypes.item.service import create_item
    from doctypes.product.service import upsert_product
    from doctypes.stock.service import receive
    from doctypes.warehouse.service import create_warehouse

    def setup() -> None:
        product = upsert_product(ctx, name="Bench unit", warranty_months=24)
        create_item(ctx, "UNIT", "Unit", tracking="serial", product_id=product["id"])
        create_item(ctx, "FRAME", "Frame")
        create_item(ctx, "CABLE", "Cable", unit="m")
        create_warehouse(ctx, "WH1", "Works")
        create_bom(ctx, "UNIT", [{"item": "FRAME", "quantity": 1000, "note": ""},
                                 {"item": "CABLE", "quantity": 250, "note": ""}])
        for sku in ("FRAME", "CABLE"):
            receive(ctx, sku, "WH1", None, UNITS * 1000 * (rounds + 1), 20_000, None, None, "bench", None)

    rt.run_in_transaction(ctx, setup)


def time_build(rt: runtime.Runtime, ctx: RequestContext, prefix: str) -> tuple[float, float]:
    """(seconds for plan + completion, seconds for the completion alone)."""
    from doctypes.build.completion import complete_build
    from doctypes.build.service import create_build

    started = time.perf_counter()
    build = rt.run_in_transaction(ctx, lambda: create_build(ctx, UNITS * 1000, "WH1", item="UNIT",
                                                            serial_prefix=prefix))
    planned = time.perf_counter()
    done = rt.run_in_transaction(ctx, lambda: complete_build(ctx, build["id"], {}))
    finished = time.perf_counter()
    assert done["status"] == "completed" and len(done["serial_numbers"]) == UNITS
    return finished - started, finished - planned


def time_raw(workspace_id: int, prefix: str) -> float:
    """The build's rows, written with executemany in one transaction."""
    now, scope = db.utcnow(), (workspace_id, False)
    build_id = "raw" + secrets.token_hex(14)
    serials = [f"{prefix}{n:06d}" for n in range(1, UNITS + 1)]
    entry = ("move", "build_consume", "item", "wh", 1, "", None, -1000, 0, -20000, "bench", build_id, "bench", now)
    rows: list[tuple[str, str, list[tuple[Any, ...]]]] = [
        ("build", "id, item_id, bom_id, quantity, explode, warehouse_id, output_warehouse_id, output_bin_id, "
                  "serial_numbers, serial_prefix, serial_first, batch, with_codes, status, consumed_value, note, "
                  "created_by, created_at",
         [(build_id, "raw-unit", "bom", UNITS * 1000, False, "wh", "wh", 1, "[]", prefix, 1, "", False, "planned", 0,
           "", "bench", now)]),
        ("build_line", "build_id, position, item_id, quantity",
         [(build_id, 1, "raw-frame", UNITS * 1000), (build_id, 2, "raw-cable", UNITS * 250)]),
        ("stock_entry", "move_id, kind, item_id, warehouse_id, bin_id, batch, serial, quantity, level_after, "
                        "value_change, reason, reference, created_by, created_at",
         [entry, entry] + [("move", "build_produce", "raw-unit", "wh", 1, "", serial, 1000, 0, 20000, "bench",
                            build_id, "bench", now) for serial in serials]),
        ("stock_serial", "item_id, serial, warehouse_id, bin_id, status, updated_at",
         [("raw-unit", serial, "wh", 1, "in_stock", now) for serial in serials]),
        ("serial_number", "serial, product_id, customer_tags, status, created_at",
         [(serial, None, "", "unregistered", now) for serial in serials]),
    ]
    placeholder = "?" if db.is_sqlite() else "%s"
    started = time.perf_counter()
    with db.database.atomic():
        cursor = db.database.cursor()
        for table, columns, values in rows:
            width = columns.count(",") + 3  # and the two scope columns
            cursor.executemany(f'INSERT INTO "{table}" ({columns}, workspace_id, is_sandbox) '
                               f'VALUES ({", ".join([placeholder] * width)})', [(*row, *scope) for row in values])
        for table in ("stock_level", "item_value", "stock_level", "item_value", "stock_level", "item_value"):
            cursor.execute(f'UPDATE "{table}" SET quantity = quantity + 0 WHERE workspace_id = {placeholder}',
                           (workspace_id,))
        cursor.execute(f'UPDATE "build" SET status = {placeholder} WHERE id = {placeholder}', ("completed", build_id))
    return time.perf_counter() - started


def bench(url: str | None, rounds: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        rt = runtime.build(Settings(database_url=url or f"sqlite:///{Path(tmp) / 'bench.db'}", secret_key="bench",
                                    data_dir=Path(tmp)))
        rt.migrate()
        rt.load_fixtures()
        ctx = RequestContext(request_id="bench")
        keys = rt.run_in_transaction(ctx, lambda: create_workspace(ctx, f"bench-{secrets.token_hex(4)}", "pro"))
        ctx = RequestContext(request_id="bench", principal=load_principal(keys["live"]["api_key"]))
        prepare(rt, ctx, rounds)
        whole, completion, raw = [], [], []
        for round_number in range(rounds):
            both, completed = time_build(rt, ctx, f"B{round_number}-")
            whole.append(both)
            completion.append(completed)
            raw.append(time_raw(ctx.require_principal().workspace_id, f"R{round_number}-"))
        rows = 1 + 2 + (UNITS + 2) + UNITS + UNITS  # build, lines, ledger, stock serials, serial numbers
        rates = {name: rows / statistics.median(times) for name, times in
                 (("build (plan + complete)", whole), ("complete_build alone", completion), ("raw executemany", raw))}
        print(f"{machine()}; {'sqlite' if db.is_sqlite() else 'postgresql'}; a build of {UNITS:,} serialised units "
              f"({rows:,} rows), median of {rounds}")
        for name, rate in rates.items():
            print(f"  {name:<24} {rate:>10,.0f} rows/s ({rows / rate:.3f} s)")
        ratio = rates["build (plan + complete)"] / rates["raw executemany"]
        print(f"  ratio {ratio:.2f} (target >= 0.5): {'PASS' if ratio >= 0.5 else 'MISS'}; completion alone "
              f"{rates['complete_build alone'] / rates['raw executemany']:.2f}")
        rt.close()
        return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TRACIQO_BENCH_DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    bench(None, args.rounds)
    if args.database_url:
        with own_schema(args.database_url) as url:
            bench(url, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
