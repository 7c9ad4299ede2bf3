"""verify_code (guest, with scan capture) against authenticated whoami, same server, same run.

Run: .venv/bin/python -m bench.verify_code [--seconds S] [--rounds R]
Target: verify_code requests/s >= 0.5 x whoami requests/s. Also: a repeated get_qr is served
from the render cache (no regeneration), measured as requests/s against whoami; and, for
scale (SQLite only), a bare Starlette route that writes one row and commits per request (the
least any web app pays for a durable write), and the floor: bench/floor_app.py doing a
verification's own work (same schema, same statements, group commit) with no framework.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from bench.harness import (
    Cpus,
    Load,
    bare_server,
    floor_server,
    generator_name,
    load,
    machine,
    post_json,
    print_loads,
    traciqo_server,
)

BARE_WRITE = "bare route, 1 row + commit"
FLOOR = "floor: the stack alone"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--codes", type=int, default=2000)
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead of a fresh SQLite file")
    parser.add_argument("--no-pin", action="store_true", help="do not pin the server and the load to CPUs")
    args = parser.parse_args(argv)
    cpus = Cpus.choose(pin=not args.no_pin)
    results: dict[str, list[Load]] = {"whoami": [], "verify_code": [], "get_qr (cached)": []}
    if not args.database_url:
        results[BARE_WRITE] = []
        results[FLOOR] = []
    # The per-IP guest limit would stop a load test from one address: lift it for the run.
    database = {"TRACIQO_DATABASE_URL": args.database_url} if args.database_url else {}
    with contextlib.ExitStack() as stack:
        ws = stack.enter_context(traciqo_server(cpus.server, TRACIQO_GUEST_RATE_LIMIT="0", **database))
        bare = None if args.database_url else stack.enter_context(bare_server(cpus.server))
        post_json(ws.base_url, "/api/method/doctypes.product.api.upsert_product", ws.headers, {"name": "Bench Vase"})
        issued = post_json(ws.base_url, "/api/method/doctypes.auth_code.api.create_code", ws.headers,
                       {"batch_name": "bench", "quantity": args.codes, "product_id": "PRD-00001"})["codes"]
        verify_paths = [f"/api/method/doctypes.auth_code.api.verify_code?code={c}" for c in issued]
        floor = None if args.database_url else stack.enter_context(floor_server(ws, cpus.server))
        whoami = f"{ws.base_url}/api/method/traciqo_rpc.api.whoami"
        qr = f"{ws.base_url}/api/method/doctypes.auth_code.api.get_qr?code={issued[0]}"
        load(whoami, ws.headers, seconds=1, cpu=cpus.load)  # warm-up
        for _ in range(args.rounds):  # interleaved, so drift hits all alike
            results["whoami"].append(load(whoami, ws.headers, args.seconds, cpu=cpus.load, server_pid=ws.pid))
            results["verify_code"].append(load(ws.base_url + verify_paths[0], seconds=args.seconds, paths=verify_paths,
                                               cpu=cpus.load, server_pid=ws.pid))
            results["get_qr (cached)"].append(load(qr, ws.headers, args.seconds, cpu=cpus.load, server_pid=ws.pid))
            if bare is not None:
                write = bare.url.replace("/pong", "/write")
                results[BARE_WRITE].append(load(write + "?code=x", seconds=args.seconds, cpu=cpus.load,
                                                paths=[f"/write?code={c}" for c in issued], server_pid=bare.pid))
            if floor is not None:
                results[FLOOR].append(load(floor.url + "/verify", seconds=args.seconds, cpu=cpus.load,
                                           paths=[f"/verify?code={c}" for c in issued], server_pid=floor.pid))
    print(f"{machine()}; load generator {generator_name()}, 16 connections, {args.seconds:.0f} s x {args.rounds}; "
          f"{cpus.describe()}")
    medians, cpu = print_loads(results)
    ratio = medians["verify_code"] / medians["whoami"]
    # On PostgreSQL the database's own CPU is in other processes: the server's alone would flatter.
    by_cpu = "" if args.database_url else f"; by server CPU per request {cpu['whoami'] / cpu['verify_code']:.2f}"
    print(f"  verify_code / whoami = {ratio:.2f} (target >= 0.5): {'PASS' if ratio >= 0.5 else 'MISS'}{by_cpu}")
    print(f"  get_qr (cached) / whoami = {medians['get_qr (cached)'] / medians['whoami']:.2f}")
    if BARE_WRITE in medians:
        print(f"  verify_code / {BARE_WRITE} = {medians['verify_code'] / medians[BARE_WRITE]:.2f} (for scale, no target)")
        print(f"  {FLOOR} / whoami = {medians[FLOOR] / medians['whoami']:.2f} (by CPU {cpu['whoami'] / cpu[FLOOR]:.2f}); "
              f"verify_code / floor = {medians['verify_code'] / medians[FLOOR]:.2f} "
              f"(by CPU {cpu[FLOOR] / cpu['verify_code']:.2f}; for scale, no target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
