"""Method overhead: authenticated `whoami` against a bare Starlette JSON route, and the cost of
usage logging (TRACIQO_REQUEST_LOG=1 against 0), measured in the same run.

Run from the repository root: `make bench`, or
    .venv/bin/python -m bench.method_overhead [--seconds 5] [--rounds 3] [--no-redis] [--no-pin]

Every server is uvicorn with the settings of `traciqo-rpc serve` (one worker, access log off,
uvicorn logging through ours, uvicorn's default loop and HTTP implementation) on 127.0.0.1, loaded by the
same generator (wrk, else a small asyncio client) with the same headers, for a fixed time after
a warm-up, in interleaved rounds; figures are medians. With `taskset` and two CPUs, the servers
run on the first CPU and the load generator (and Redis) on the second.

Targets: whoami >= 0.6 x the bare route's requests/s; usage logging costs < 15% of whoami's.
The server's own CPU time per request is reported too: on a shared machine it moves less than
requests/s do, and a CPU share well under 100% flags a measurement that other work disturbed.
When `redis-server` is installed, a row with TRACIQO_REDIS_URL on a private Redis is added.
Always exits 0 once measured (a measurement, not a test); PASS/MISS is printed per target.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field

from bench.harness import (
    Cpus,
    bare_server,
    cpu_seconds,
    exit_cleanly_on_sigterm,
    generator_name,
    get_json,
    load,
    machine,
    private_redis,
    traciqo_server,
    uvicorn_implementation,
)

WHOAMI = "/api/method/traciqo_rpc.api.whoami"
BARE, LOG_ON, LOG_OFF, REDIS = "bare", "log-on", "log-off", "redis"
OVERHEAD_TARGET = 0.6  # whoami requests/s >= 0.6 x the bare route's
LOGGING_TARGET = 0.15  # usage logging costs < 15% of whoami requests/s


@dataclass(frozen=True)
class Measurement:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us_per_request: float  # the server process's CPU time (all threads) per request
    cpu_share: float  # the server's CPU time over the wall time of the measurement


@dataclass
class Target:
    key: str
    label: str
    url: str
    headers: dict[str, str]
    pid: int
    runs: list[Measurement] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(run, attribute) for run in self.runs)

    @property
    def errors(self) -> int:
        return sum(run.errors for run in self.runs)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.method_overhead",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each measurement")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up per configuration")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians reported)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto",
                        help="load generator: wrk when installed (auto), or the built-in asyncio client")
    parser.add_argument("--no-redis", action="store_true", help="skip the row with a real redis-server")
    parser.add_argument("--no-pin", action="store_true", help="do not pin servers and load to CPUs")
    return parser.parse_args(argv)


def start_targets(stack: contextlib.ExitStack, cpus: Cpus, with_redis: bool) -> list[Target]:
    """Start every server (each killed when `stack` closes) and name what to load on each."""
    bare = stack.enter_context(bare_server(cpus.server))
    logged = stack.enter_context(traciqo_server(cpus.server, TRACIQO_REQUEST_LOG="1"))
    unlogged = stack.enter_context(traciqo_server(cpus.server, TRACIQO_REQUEST_LOG="0"))
    # The bare route gets the same request headers as whoami: only the application differs.
    targets = [
        Target(BARE, "bare Starlette JSON route (baseline)", bare.url, logged.headers, bare.pid),
        Target(LOG_ON, "`whoami`, usage log on (default)", logged.base_url + WHOAMI, logged.headers, logged.pid),
        Target(LOG_OFF, "`whoami`, usage log off", unlogged.base_url + WHOAMI, unlogged.headers, unlogged.pid),
    ]
    if with_redis:
        redis_url = stack.enter_context(private_redis(cpus.load))
        backed = stack.enter_context(traciqo_server(cpus.server, TRACIQO_REQUEST_LOG="1", TRACIQO_REDIS_URL=redis_url))
        targets.append(Target(REDIS, "`whoami`, real Redis, usage log on", backed.base_url + WHOAMI,
                              backed.headers, backed.pid))
    return targets


def check_answers(targets: list[Target]) -> None:
    """One request each before loading: a 401/403/429 under load would only look fast."""
    for target in targets:
        body = get_json(target.url, target.headers)
        message = body.get("message") if isinstance(body, dict) else None
        ok = message == "pong" if target.key == BARE else isinstance(message, dict) and "workspace" in message
        if not ok:
            raise RuntimeError(f"{target.label}: unexpected answer {body!r}")


def measure_once(target: Target, args: argparse.Namespace, cpus: Cpus, seconds: float) -> Measurement:
    cpu_before, started = cpu_seconds(target.pid), time.monotonic()
    result = load(target.url, target.headers, seconds, args.connections, cpu=cpus.load, generator=args.generator)
    cpu_used, wall = cpu_seconds(target.pid) - cpu_before, time.monotonic() - started
    requests = max(1.0, result.rps * seconds)
    return Measurement(result.rps, result.p50_ms, result.p99_ms, result.errors, cpu_used / requests * 1e6,
                       cpu_used / wall)


def measure(targets: list[Target], args: argparse.Namespace, cpus: Cpus) -> None:
    for target in targets:
        measure_once(target, args, cpus, args.warmup)
    for round_number in range(1, args.rounds + 1):  # interleaved, so drift hits every row alike
        for target in targets:
            run = measure_once(target, args, cpus, args.seconds)
            target.runs.append(run)
            print(f"  round {round_number}/{args.rounds}  {target.key:8} {run.rps:>9,.0f} req/s  "
                  f"p50 {run.p50_ms:6.2f} ms  p99 {run.p99_ms:6.2f} ms  "
                  f"server CPU {run.cpu_us_per_request:4.0f} us/req ({run.cpu_share:.0%})", file=sys.stderr)


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def round_ratios(numerator: Target, denominator: Target) -> list[float]:
    """requests/s of one row over another's, round by round (the spread shows the noise)."""
    return [a.rps / b.rps for a, b in zip(numerator.runs, denominator.runs, strict=True)]


def report(targets: list[Target], args: argparse.Namespace, cpus: Cpus, redis_note: str) -> None:
    """Markdown, so a run pastes into BENCHMARKS.md as it is."""
    print_setting(args, cpus, redis_note)
    print_figures(targets)
    print_targets({t.key: t for t in targets})
    for t in targets:
        if t.errors:
            print(f"WARNING: {t.label}: {t.errors} non-2xx responses or socket errors; its figures are suspect")


def print_setting(args: argparse.Namespace, cpus: Cpus, redis_note: str) -> None:
    generator = generator_name(args.generator)
    shape = "wrk -t1" if generator == "wrk" else "python-asyncio client (one process)"
    print(f"\nmethod_overhead: {machine()}")
    print(f"load: {shape}, {args.connections} connections, {args.seconds:g} s per measurement after a "
          f"{args.warmup:g} s warm-up, {args.rounds} interleaved rounds, medians; {cpus.describe()}")
    print(f"servers: {uvicorn_implementation()}, 1 worker, our access log line per request on, SQLite, "
          f"embedded queue unless the row says Redis; {redis_note}")
    if generator != "wrk":
        print("note: a Python client may saturate before the bare route does, which flatters whoami/bare")


def print_figures(targets: list[Target]) -> None:
    print("\n| configuration | req/s | p50 | p99 | server CPU per request | server CPU share | req/s per round |\n"
          "|---|---|---|---|---|---|---|")
    for t in targets:
        rounds = " / ".join(f"{run.rps:,.0f}" for run in t.runs)
        print(f"| {t.label} | {t.median('rps'):,.0f} | {t.median('p50_ms'):.2f} ms | {t.median('p99_ms'):.2f} ms | "
              f"{t.median('cpu_us_per_request'):.0f} µs | {t.median('cpu_share'):.0%} | {rounds} |")


def print_targets(by_key: dict[str, Target]) -> None:
    bare = by_key[BARE]
    print("\n| target | req/s ratio | per round | by server CPU per request | |\n|---|---|---|---|---|")
    for key in (LOG_ON, LOG_OFF, REDIS):
        if key in by_key:
            t = by_key[key]
            ratio = t.median("rps") / bare.median("rps")
            by_cpu = bare.median("cpu_us_per_request") / t.median("cpu_us_per_request")
            rounds = " / ".join(f"{r:.2f}" for r in round_ratios(t, bare))
            print(f"| {t.label} >= {OVERHEAD_TARGET} x bare route | {ratio:.2f} | {rounds} | {by_cpu:.2f} | "
                  f"{verdict(ratio >= OVERHEAD_TARGET)} |")
    on, off = by_key[LOG_ON], by_key[LOG_OFF]
    cost = 1 - on.median("rps") / off.median("rps")
    cost_by_cpu = 1 - off.median("cpu_us_per_request") / on.median("cpu_us_per_request")
    rounds = " / ".join(f"{1 - r:+.1%}" for r in round_ratios(on, off))
    print(f"| usage logging costs < {LOGGING_TARGET:.0%} of whoami req/s (1 - on/off) | {cost:+.1%} | {rounds} | "
          f"{cost_by_cpu:+.1%} | {verdict(cost < LOGGING_TARGET)} |")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.generator == "wrk" and not shutil.which("wrk"):
        print("wrk is not installed (apt-get install -y wrk); use --generator auto or python", file=sys.stderr)
        return 2
    exit_cleanly_on_sigterm()
    cpus = Cpus.choose(pin=not args.no_pin)
    if args.no_redis:
        with_redis, redis_note = False, "Redis row skipped (--no-redis)"
    elif shutil.which("redis-server"):
        with_redis, redis_note = True, "Redis row: a private redis-server on loopback"
    else:
        with_redis, redis_note = False, "Redis row skipped (redis-server not installed)"
    print(f"method_overhead: load generator {generator_name(args.generator)}; {cpus.describe()}", file=sys.stderr)
    try:
        with contextlib.ExitStack() as stack:  # every server stops here, also on Ctrl-C or SIGTERM
            targets = start_targets(stack, cpus, with_redis)
            check_answers(targets)
            measure(targets, args, cpus)
    except KeyboardInterrupt:
        print("interrupted; every server was stopped", file=sys.stderr)
        return 130
    report(targets, args, cpus, redis_note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
