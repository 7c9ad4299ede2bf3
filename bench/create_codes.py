"""create_code with 100,000 codes against a raw executemany of the same rows, same table, same run.

Run: .venv/bin/python -m bench.create_codes [--database-url URL] [--quantity N] [--rounds R]
Defaults to a fresh SQLite file; pass a PostgreSQL URL (or set TRACIQO_BENCH_DATABASE_URL) for
the second row of BENCHMARKS.md. Target: create_code rows/s >= 0.5 x the raw insert's.
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

from doctypes.api_key.service import load_principal
from doctypes.auth_code import codes
from doctypes.auth_code.model import AuthCode
from doctypes.auth_code.service import issue_codes
from doctypes.workspace.service import create_workspace
from traciqo_rpc import db, runtime
from traciqo_rpc.context import RequestContext
from traciqo_rpc.settings import Settings

FIELDS = ("code", "batch_id", "product_id", "status", "scan_count", "created_at", "workspace_id", "is_sandbox")


def time_create_code(rt: runtime.Runtime, principal, quantity: int) -> float:
    """The service behind the method, in one transaction, as the dispatcher runs it."""
    ctx = RequestContext(request_id="bench", principal=principal)
    started = time.perf_counter()
    result = rt.run_in_transaction(ctx, lambda: issue_codes(ctx, f"bench-{secrets.token_hex(4)}", quantity, None))
    elapsed = time.perf_counter() - started
    assert len(result["codes"]) == quantity
    return elapsed


def time_raw_insert(rt: runtime.Runtime, workspace_id: int, quantity: int, fast_path: bool = False) -> float:
    """The baseline: the DB-API driver's own executemany, rows generated beforehand (not timed).

    With fast_path on PostgreSQL: COPY, the strongest baseline (what bulk inserts use).
    """
    rows = [(c, 0, None, "active", 0, db.utcnow(), workspace_id, False) for c in codes.generate_many("RAWB", quantity)]
    table = f'"{AuthCode._meta.table_name}" ({", ".join(FIELDS)})'
    placeholder = "?" if db.is_sqlite() else "%s"
    started = time.perf_counter()
    with db.database.atomic():
        cursor = db.database.cursor()
        if fast_path:
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f'INSERT INTO {table} VALUES ({", ".join([placeholder] * len(FIELDS))})', rows)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TRACIQO_BENCH_DATABASE_URL"))
    parser.add_argument("--quantity", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        rt = runtime.build(Settings(database_url=url, secret_key="bench", data_dir=Path(tmp)))
        rt.migrate()
        rt.load_fixtures()
        ctx = RequestContext(request_id="bench")
        keys = rt.run_in_transaction(ctx, lambda: create_workspace(ctx, f"bench-{secrets.token_hex(4)}", "enterprise"))
        principal = load_principal(keys["live"]["api_key"])
        ours, raw, fast = [], [], []
        for _ in range(args.rounds):  # interleaved, so drift hits both alike
            ours.append(time_create_code(rt, principal, args.quantity))
            raw.append(time_raw_insert(rt, principal.workspace_id, args.quantity))
            if not db.is_sqlite():
                fast.append(time_raw_insert(rt, principal.workspace_id, args.quantity, fast_path=True))
        ours_rate, raw_rate = args.quantity / statistics.median(ours), args.quantity / statistics.median(raw)
        backend = "sqlite" if db.is_sqlite() else "postgresql"
        ratio = ours_rate / raw_rate
        print(f"backend {backend}, {args.quantity} codes, median of {args.rounds} rounds")
        print(f"  create_code      {ours_rate:>10,.0f} rows/s  ({statistics.median(ours):.2f} s)")
        print(f"  raw executemany  {raw_rate:>10,.0f} rows/s  ({statistics.median(raw):.2f} s)")
        print(f"  ratio {ratio:.2f} (target >= 0.5): {'PASS' if ratio >= 0.5 else 'MISS'}")
        if fast:
            fast_rate = args.quantity / statistics.median(fast)
            print(f"  raw COPY         {fast_rate:>10,.0f} rows/s  ({statistics.median(fast):.2f} s); "
                  f"ratio against it {ours_rate / fast_rate:.2f}")
        rt.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
