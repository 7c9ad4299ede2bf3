"""Soak: minutes of mixed traffic against one web process and one RQ worker on PostgreSQL and
Redis (or SQLite and the embedded queue without --database-url), watching for 5xx answers,
memory growth and outbox lag.

The mix, from 8 client threads at a bounded rate: verifications (guest, with scan capture),
code batches (each an event delivered to a loopback webhook receiver), warranty activations
(a fresh serial each, a confirmation email queued), tracker step updates, and whoami. Every
10 s: the server's and the worker's resident memory (VmRSS) and the outbox lag (the age of
the oldest event not yet delivered, read from the database).
Targets: 0 answers of 500 or more; resident memory at the end at most 1.10 x its level after
the warm-up (the first minute); outbox lag bounded (its last minute no higher than its worst
in the run, and under 60 s).
Run: .venv/bin/python -m bench.soak [--minutes 10] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from bench.harness import (
    BIN,
    HOST,
    create_bench_workspace,
    free_port,
    machine,
    own_schema,
    post_json,
    private_redis,
    serve,
    traciqo_env,
)
from bench.webhooks import Receiver

METHOD = "/api/method/"
CLIENTS = 8
PACE = 0.02  # seconds each client waits between calls: at most 400 calls a second in all
SAMPLE_SECONDS = 10


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def outbox_lag(database_url: str) -> float:
    """Seconds since the oldest webhook delivery still waiting was written (deliveries are made
    in the event's own transaction, so this is the oldest undelivered event's age)."""
    query = "SELECT MIN(created_at) FROM delivery WHERE status = 'pending'"
    if database_url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(database_url) as connection:
            oldest = connection.execute(query).fetchone()[0]
    else:
        import sqlite3

        with contextlib.closing(sqlite3.connect(database_url[len("sqlite:///"):], timeout=30)) as connection:
            text = connection.execute(query).fetchone()[0]
        oldest = dt.datetime.fromisoformat(text) if text else None
    if oldest is None:
        return 0.0
    return max(0.0, (dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - oldest.replace(tzinfo=None)).total_seconds())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--database-url", help="a PostgreSQL database (tables in a new schema); default SQLite")
    args = parser.parse_args(argv)
    ends_at = time.monotonic() + args.minutes * 60
    statuses: Counter[tuple[str, int]] = Counter()
    samples: list[tuple[float, int, int, float]] = []  # (seconds in, server KiB, worker KiB, outbox lag s)
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="traciqo-soak-")))
        extra = {"TRACIQO_GUEST_RATE_LIMIT": "0", "TRACIQO_WEBHOOK_ALLOW_CIDRS": "127.0.0.0/8",
                 "TRACIQO_LOG_LEVEL": "WARNING"}
        if args.database_url:
            extra["TRACIQO_DATABASE_URL"] = stack.enter_context(own_schema(args.database_url))
            extra["TRACIQO_REDIS_URL"] = stack.enter_context(private_redis())
        env = traciqo_env(tmp, **extra)
        created = create_bench_workspace(tmp, env)
        headers = {"X-Traciqo-API-Key": created["live"]["api_key"], "X-Traciqo-API-Secret": created["live"]["api_secret"]}
        port = free_port()
        base = f"http://{HOST}:{port}"
        server = stack.enter_context(serve([str(BIN / "traciqo-rpc"), "serve", "--host", HOST, "--port", str(port)],
                                           env, tmp, base + "/healthz"))
        worker = None
        if args.database_url:
            log = stack.enter_context((tmp / "worker.log").open("w"))
            worker = subprocess.Popen([str(BIN / "traciqo-rpc"), "worker"], cwd=tmp, env=env, stdout=log, stderr=log)
            stack.callback(lambda: (worker.terminate(), worker.wait(timeout=30)))
        receiver = Receiver()
        stack.callback(receiver.server.shutdown)
        post_json(base, METHOD + "doctypes.webhook.api.create_webhook", headers,
                  {"url": receiver.url, "events": ["Code Created", "Scan Captured", "Warranty Registered",
                                                  "Tracker Status Changed"]})
        codes = post_json(base, METHOD + "doctypes.auth_code.api.create_code", headers,
                          {"batch_name": "soak", "quantity": 2000})["codes"]
        tracker = post_json(base, METHOD + "doctypes.tracker.api.create_tracker", headers, {"name": "Soak order"})
        shown = httpx.get(base + METHOD + "doctypes.tracker.api.get_tracker", headers=headers,
                          params={"tracker_id": tracker["id"]}, timeout=30).json()["message"]
        steps = [step["process"] for step in shown["history"]]
        serials = itertools.count()
        batches = itertools.count()
        lock = threading.Lock()

        def one_call(http: httpx.Client, n: int) -> tuple[str, int]:
            kind = random.choices(["verify", "whoami", "activate", "tracker", "codes"], weights=[50, 20, 15, 10, 5])[0]
            if kind == "verify":
                return kind, http.get(METHOD + "doctypes.auth_code.api.verify_code",
                                      params={"code": random.choice(codes)}).status_code
            if kind == "whoami":
                return kind, http.get(METHOD + "traciqo_rpc.api.whoami", headers=headers).status_code
            if kind == "activate":
                with lock:
                    serial = f"SOAK-{next(serials):08d}"
                added = http.post(METHOD + "doctypes.serial_number.api.add_serial_numbers", headers=headers,
                                  json={"serial_numbers": [{"serial_number": serial}]})
                if added.status_code >= 500:
                    return kind, added.status_code
                return kind, http.post(METHOD + "doctypes.warranty.api.activate_warranty", headers=headers, json={
                    "serial_number": serial, "customer_name": "Soak Customer",
                    "customer_email": f"c{n}@example.com"}).status_code
            if kind == "tracker":
                return kind, http.post(METHOD + "doctypes.tracker.api.update_status", headers=headers, json={
                    "tracker_id": tracker["id"], "process": random.choice(steps),
                    "action": random.choice(["start", "complete"])}).status_code
            with lock:
                batch = f"S{next(batches)}"
            return kind, http.post(METHOD + "doctypes.auth_code.api.create_code", headers=headers,
                                   json={"batch_name": batch, "quantity": 5}).status_code

        def client(n: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as http:
                while time.monotonic() < ends_at:
                    try:
                        result = one_call(http, n)
                    except httpx.TransportError as exc:
                        result = (f"transport {type(exc).__name__}", 599)
                    with lock:
                        statuses[result] += 1
                    time.sleep(PACE)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        while time.monotonic() < ends_at:
            time.sleep(min(SAMPLE_SECONDS, max(0.0, ends_at - time.monotonic())))
            samples.append((time.monotonic() - started, rss_kib(server), rss_kib(worker.pid) if worker else 0,
                            outbox_lag(env["TRACIQO_DATABASE_URL"])))
            print(f"  {samples[-1][0]:6.0f} s  server {samples[-1][1] / 1024:6.1f} MiB  worker "
                  f"{samples[-1][2] / 1024:6.1f} MiB  outbox lag {samples[-1][3]:5.1f} s", flush=True)
        for thread in threads:
            thread.join(timeout=120)
        delivered = len(receiver.arrivals)
    calls = sum(statuses.values())
    failures = sum(count for (_, status), count in statuses.items() if status >= 500)
    warm = [s for s in samples if s[0] >= 60] or samples
    growth = samples[-1][1] / warm[0][1] if warm and warm[0][1] else 0.0
    worker_growth = samples[-1][2] / warm[0][2] if warm and warm[0][2] else None
    last_minute = [s[3] for s in samples if s[0] >= samples[-1][0] - 60]
    worst_lag = max(s[3] for s in samples)
    lag_ok = max(last_minute) <= worst_lag and worst_lag < 60
    print(f"{machine()}; {'PostgreSQL + Redis, one RQ worker' if args.database_url else 'SQLite, embedded queue'}; "
          f"{args.minutes:g} min, {CLIENTS} clients")
    print(f"  {calls:,} calls ({calls / (args.minutes * 60):,.0f}/s), webhook deliveries received {delivered:,}; "
          f"by kind and status: {dict(sorted(statuses.items()))}")
    print(f"  5xx: {failures} (target 0): {'PASS' if failures == 0 else 'MISS'}")
    print(f"  server memory after warm-up {warm[0][1] / 1024:.1f} MiB, at the end {samples[-1][1] / 1024:.1f} MiB: "
          f"x{growth:.2f} (target <= 1.10): {'PASS' if growth <= 1.10 else 'MISS'}"
          + (f"; worker x{worker_growth:.2f}" if worker_growth else ""))
    print(f"  outbox lag worst {worst_lag:.1f} s, last minute at most {max(last_minute):.1f} s "
          f"(bounded, under 60 s): {'PASS' if lag_ok else 'MISS'}")
    return 0 if failures == 0 and growth <= 1.10 and lag_ok else 1


if __name__ == "__main__":
    sys.exit(main())
