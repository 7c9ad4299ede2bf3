"""CPU per request of whoami and verify_code with one and with two web processes, on PostgreSQL
and Redis, same run.

Two cores cannot show throughput doubling: the load generator, PostgreSQL and Redis share them
with the servers. What this shows instead is that a request costs a web process the same CPU
whether it serves alone or beside another (nothing in our code makes processes wait on each
other: no shared lock, no hot row, no per-request Redis round trip), and that two processes
together serve at least what one does.

Each round loads process A alone (16 connections), then A and B at once (8 each, from two
threads), for each target; rounds are interleaved so drift hits both alike. CPU per request
is read from /proc for each server process (uvicorn with one worker: the process is the server).
Targets: CPU per request with two processes at most 1.25 x with one; two processes' requests/s
at least 0.9 x one's.
Run: .venv/bin/python -m bench.scaling --database-url postgresql://... [--seconds S] [--rounds R]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from bench.harness import (
    BIN,
    HOST,
    Load,
    create_bench_workspace,
    free_port,
    generator_name,
    load,
    machine,
    own_schema,
    post_json,
    private_redis,
    serve,
    traciqo_env,
)

CONNECTIONS = 16


def together(targets: list[tuple[str, dict[str, str], list[str] | None, int]], seconds: float) -> list[Load]:
    """Load each (url, headers, paths, server pid) at once, CONNECTIONS shared out, from one thread each."""
    results: list[Load | None] = [None] * len(targets)

    def run(index: int) -> None:
        url, headers, paths, pid = targets[index]
        results[index] = load(url, headers, seconds, connections=CONNECTIONS // len(targets), paths=paths,
                              server_pid=pid)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [result for result in results if result is not None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database (its tables go in a new schema)")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    rows: dict[tuple[str, int], list[tuple[float, float]]] = {}  # (target, processes) -> [(req/s, CPU us/req)]
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(own_schema(args.database_url))
        redis_url = stack.enter_context(private_redis())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="traciqo-bench-scaling-")))
        env = traciqo_env(tmp, TRACIQO_DATABASE_URL=database_url, TRACIQO_REDIS_URL=redis_url,
                          TRACIQO_GUEST_RATE_LIMIT="0", TRACIQO_REQUEST_LOG="1")
        created = create_bench_workspace(tmp, env)
        headers = {"X-Traciqo-API-Key": created["live"]["api_key"], "X-Traciqo-API-Secret": created["live"]["api_secret"]}
        servers = []
        for name in ("a", "b"):
            (tmp / name).mkdir()
            port = free_port()
            pid = stack.enter_context(serve([str(BIN / "traciqo-rpc"), "serve", "--host", HOST, "--port", str(port)],
                                            env, tmp / name, f"http://{HOST}:{port}/healthz"))
            servers.append((f"http://{HOST}:{port}", pid))
        codes = post_json(servers[0][0], "/api/method/doctypes.auth_code.api.create_code", headers,
                          {"batch_name": "bench", "quantity": 2000})["codes"]
        verify = [f"/api/method/doctypes.auth_code.api.verify_code?code={code}" for code in codes]
        targets = {"whoami": ("/api/method/traciqo_rpc.api.whoami", headers, None),
                   "verify_code": (verify[0], {}, verify)}
        for base, _ in servers:  # warm both: imports, prepared statements, caches
            load(base + "/api/method/traciqo_rpc.api.whoami", headers, 1)
            load(base + verify[0], {}, 1, paths=verify)
        for _ in range(args.rounds):
            for name, (path, target_headers, paths) in targets.items():
                for count in (1, 2):
                    loads = together([(base + path, target_headers, paths, pid) for base, pid in servers[:count]],
                                     args.seconds)
                    rows.setdefault((name, count), []).append(
                        (sum(one.rps for one in loads), statistics.mean(one.server_cpu_us or 0.0 for one in loads)))
    print(f"{machine()}; PostgreSQL + Redis; load generator {generator_name()}, {CONNECTIONS} connections in all, "
          f"{args.seconds:.0f} s x {args.rounds}; not pinned")
    verdicts = []
    for name in ("whoami", "verify_code"):
        one, two = rows[(name, 1)], rows[(name, 2)]
        rate1, rate2 = statistics.median(r for r, _ in one), statistics.median(r for r, _ in two)
        cpu1, cpu2 = statistics.median(c for _, c in one), statistics.median(c for _, c in two)
        flat, kept = cpu2 / cpu1, rate2 / rate1
        verdicts.append(flat <= 1.25 and kept >= 0.9)
        print(f"  {name:12} one process {rate1:7,.0f} req/s, {cpu1:5.0f} us CPU/req | two {rate2:7,.0f} req/s, "
              f"{cpu2:5.0f} us CPU/req each | CPU two/one {flat:.2f} (target <= 1.25), "
              f"req/s two/one {kept:.2f} (target >= 0.9): {'PASS' if verdicts[-1] else 'MISS'}")
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
