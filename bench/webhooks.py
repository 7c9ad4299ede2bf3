"""Webhook delivery with real Redis and real workers, against RQ no-op jobs on the same workers.

Run: .venv/bin/python -m bench.webhooks [--jobs N] [--workers W]   (needs redis-server)
Targets: deliveries/s >= 0.5 x no-op jobs/s (2 workers); event-to-delivery p50 < 100 ms
unloaded; create_code with 5 subscribed endpoints at most 10% slower than with none.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.harness import machine
from bench.method_overhead import private_redis
from doctypes.api_key.service import load_principal
from doctypes.auth_code.service import issue_codes
from doctypes.event.service import write_events
from doctypes.webhook.service import create as create_endpoint
from doctypes.webhook.service import update as update_endpoint
from doctypes.workspace.service import create_workspace
from traciqo_rpc import runtime
from traciqo_rpc.context import RequestContext
from traciqo_rpc.jobs import queue
from traciqo_rpc.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def noop() -> None:
    """The baseline job."""


class Receiver:
    """Counts deliveries and when each event id arrived."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    outer.arrivals.setdefault(self.headers["webhook-id"], time.perf_counter())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def run_workers(env: dict[str, str], count: int, burst: bool) -> list[subprocess.Popen]:
    argv = [str(BIN / "traciqo-rpc"), "worker"] + (["--burst"] if burst else [])
    return [subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(count)]


def timed_burst(env: dict[str, str], workers: int) -> float:
    started = time.perf_counter()
    for process in run_workers(env, workers, burst=True):
        process.wait(timeout=600)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--latency-samples", type=int, default=60)
    args = parser.parse_args(argv)
    if not shutil.which("redis-server"):
        print("redis-server is not installed", file=sys.stderr)
        return 2
    with private_redis() as redis_url, tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACIQO_")}
        env.update(TRACIQO_DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.db'}", TRACIQO_REDIS_URL=redis_url,
                   TRACIQO_SECRET_KEY="bench", TRACIQO_DATA_DIR=str(Path(tmp) / "data"),
                   TRACIQO_WEBHOOK_ALLOW_CIDRS="127.0.0.0/8", TRACIQO_LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
        rt = runtime.build(Settings(database_url=env["TRACIQO_DATABASE_URL"], redis_url=redis_url, secret_key="bench",
                                    data_dir=Path(tmp) / "data", webhook_allow_cidrs=("127.0.0.0/8",),
                                    log_level="WARNING"))
        rt.migrate()
        rt.load_fixtures()
        ctx = RequestContext(request_id="bench")
        keys = rt.run_in_transaction(ctx, lambda: create_workspace(ctx, "bench", "enterprise"))
        principal = load_principal(keys["live"]["api_key"])
        receiver = Receiver()

        def in_workspace(func):
            context = RequestContext(request_id=f"bench-{secrets.token_hex(4)}", principal=principal)
            return rt.run_in_transaction(context, lambda: func(context))

        # 1. Throughput: no-op jobs, then deliveries, on the same number of burst workers.
        for _ in range(args.jobs):
            queue(rt.redis).enqueue("bench.webhooks.noop")
        noop_seconds = timed_burst(env, args.workers)
        in_workspace(lambda c: create_endpoint(c, receiver.url, ["Ping Test"]))
        for i in range(args.jobs):
            in_workspace(lambda c, i=i: write_events([(c, "Ping Test", {"n": i})]))
        delivery_seconds = timed_burst(env, args.workers)
        delivered = len(receiver.arrivals)

        # 2. Latency, unloaded: one event at a time, one waiting worker.
        receiver.arrivals.clear()
        latencies = []
        workers = run_workers(env, 1, burst=False)
        try:
            time.sleep(2)  # let the worker start and block on the queue
            for i in range(args.latency_samples):
                sent = time.perf_counter()
                event_id = in_workspace(lambda c, i=i: write_events([(c, "Ping Test", {"latency": i})])[0])
                deadline = sent + 10
                while event_id not in receiver.arrivals and time.perf_counter() < deadline:
                    time.sleep(0.001)
                if event_id in receiver.arrivals:
                    latencies.append((receiver.arrivals[event_id] - sent) * 1000)
                time.sleep(0.05)
        finally:
            for process in workers:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=10)

        # 3. create_code with no endpoint, then with five subscribed (deliveries queued, not sent).
        def time_create(quantity: int, rounds: int) -> float:
            started = time.perf_counter()
            for n in range(rounds):
                in_workspace(lambda c, n=n: issue_codes(c, f"cc-{secrets.token_hex(3)}-{n}", quantity, None))
            return (time.perf_counter() - started) / rounds

        endpoints = [in_workspace(lambda c: create_endpoint(c, receiver.url, ["Code Created"]))["id"]
                     for _ in range(5)]

        def subscribed(enabled: bool) -> None:
            for endpoint_id in endpoints:  # through the service: it invalidates the cached subscriptions
                in_workspace(lambda c, e=endpoint_id: update_endpoint(c, e, enabled=enabled))

        sizes = {100: 40, 1_000: 20, 10_000: 4}  # codes per call: calls per measurement
        without: dict[int, list[float]] = {size: [] for size in sizes}
        with_five: dict[int, list[float]] = {size: [] for size in sizes}
        for round_number in range(4):  # interleaved, alternating who goes first: the table grows as we go
            for size, rounds in sizes.items():
                for enabled in ((False, True) if round_number % 2 == 0 else (True, False)):
                    subscribed(enabled)
                    (with_five if enabled else without)[size].append(time_create(size, rounds))
        rt.close()

    noop_rate, delivery_rate = args.jobs / noop_seconds, delivered / delivery_seconds
    latencies.sort()
    p50, p99 = statistics.median(latencies), latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(f"{machine()}; real Redis, SQLite, {args.workers} `traciqo-rpc worker` processes (RQ, fork per job)")
    print(f"  RQ no-op jobs        {noop_rate:8.1f} jobs/s ({args.jobs} in {noop_seconds:.2f} s)")
    print(f"  webhook deliveries   {delivery_rate:8.1f} deliveries/s ({delivered} in {delivery_seconds:.2f} s)")
    ratio = delivery_rate / noop_rate
    print(f"  ratio {ratio:.2f} (target >= 0.5): {'PASS' if ratio >= 0.5 else 'MISS'}")
    print(f"  event-to-delivery latency, unloaded: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
          f"({len(latencies)} samples; target p50 < 100 ms): {'PASS' if p50 < 100 else 'MISS'}")
    for size in without:
        base, five = statistics.median(without[size]), statistics.median(with_five[size])
        slowdown = five / base - 1
        print(f"  create_code ({size:,} codes): {base * 1000:.1f} ms without endpoints, {five * 1000:.1f} ms with 5 "
              f"subscribed: {slowdown:+.1%} (target <= +10%): {'PASS' if slowdown <= 0.10 else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
