"""Authenticated whoami against a bare Starlette JSON route: same uvicorn settings, same run,
same load generator. Also usage logging on against off.

Run: .venv/bin/python -m bench.method_overhead [--seconds S] [--rounds R] [--redis]
Targets: whoami >= 0.6 x bare route requests/s; usage logging costs < 15% of whoami's.
With --redis (needs `redis-server` on PATH) a private Redis on loopback backs the server
instead of the embedded mode, as in production.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterator

from bench.harness import Load, bare_server, free_port, generator_name, load, machine, traciqo_server


@contextlib.contextmanager
def private_redis() -> Iterator[str]:
    port = free_port()
    subprocess.run(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--daemonize", "yes",
                    "--save", "", "--appendonly", "no"], check=True, capture_output=True)
    try:
        for _ in range(50):
            if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() == "PONG":
                break
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        subprocess.run(["redis-cli", "-p", str(port), "shutdown", "nosave"], capture_output=True)


def summary(runs: list[Load]) -> tuple[float, float, float]:
    return (statistics.median(r.rps for r in runs), statistics.median(r.p50_ms for r in runs),
            statistics.median(r.p99_ms for r in runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis", action="store_true", help="back the server with a real redis-server")
    args = parser.parse_args(argv)
    if args.redis and not shutil.which("redis-server"):
        print("redis-server is not installed; run without --redis", file=sys.stderr)
        return 2
    results: dict[str, list[Load]] = {"bare route": [], "whoami": [], "whoami, usage log off": []}
    with contextlib.ExitStack() as stack:
        extra = {"TRACIQO_REDIS_URL": stack.enter_context(private_redis())} if args.redis else {}
        bare = stack.enter_context(bare_server())
        logged = stack.enter_context(traciqo_server(**extra))
        unlogged = stack.enter_context(traciqo_server(TRACIQO_REQUEST_LOG="0", **extra))
        targets = {
            "bare route": (bare, {}),
            "whoami": (f"{logged.base_url}/api/method/traciqo_rpc.api.whoami", logged.headers),
            "whoami, usage log off": (f"{unlogged.base_url}/api/method/traciqo_rpc.api.whoami", unlogged.headers),
        }
        for url, headers in targets.values():
            load(url, headers, seconds=1)  # warm-up
        for _ in range(args.rounds):  # interleaved, so drift hits all alike
            for name, (url, headers) in targets.items():
                results[name].append(load(url, headers, args.seconds))
    mode = "real Redis" if args.redis else "embedded queue (no Redis)"
    print(f"{machine()}; SQLite, {mode}; load generator {generator_name()}, 16 connections, "
          f"{args.seconds:.0f} s x {args.rounds} rounds, medians")
    medians = {}
    for name, runs in results.items():
        rps, p50, p99 = summary(runs)
        medians[name] = rps
        print(f"  {name:22} {rps:>9,.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    overhead = medians["whoami"] / medians["bare route"]
    logging_cost = 1 - medians["whoami"] / medians["whoami, usage log off"]
    print(f"  whoami / bare route = {overhead:.2f} (target >= 0.6): {'PASS' if overhead >= 0.6 else 'MISS'}")
    print(f"  usage logging cost = {logging_cost:+.1%} of whoami req/s (target < 15%): "
          f"{'PASS' if logging_cost < 0.15 else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
