"""The signed-in scans page: how its cost grows with the scans, and its rate against whoami.

1. Growth: GET /app/scans?code=<one code> (the first page, one equality filter on an indexed
   field, the same 20 matches) with 1,000 scans in the workspace, then with 1,000,000. Target:
   the page at 1,000,000 costs at most 2x what it costs at 1,000 (server CPU per request and
   requests/s, medians of the rounds). The unfiltered first page is measured beside it.
2. Rate: the same page, signed in with a session cookie, against authenticated whoami on the
   same server, in the same rounds. Target: >= 0.3 x whoami's requests/s; where the floor
   (bench/floor_app.py: the cookie's signature, the session's join and the page's statements
   on the loop, rendered by the dashboard's own pieces, nothing of the framework) shows that
   out of reach, >= 0.8 x the floor (SQLite only: the floor reads the benchmark's SQLite file).

The scans are written straight into the tables (a million verifications through HTTP would
take the run's whole budget), spread over 30 days, 12 countries, every verdict and 999 other
codes; their daily counts are then rebuilt as the migration fills them. Everything else is
the server's own: the workspace, the codes, the person and the session come through its CLI
and methods.

Run: .venv/bin/python -m bench.dashboard [--database-url URL] [--rounds R] [--seconds S]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import urllib.request
from typing import Any

from bench.harness import (
    BIN,
    Cpus,
    Load,
    Workspace,
    floor_server,
    generator_name,
    get_json,
    load,
    machine,
    own_schema,
    post_json,
    print_loads,
    refresh_planner_statistics,
    traciqo_env,
    traciqo_server,
)
from bench.trackers import _connection
from doctypes.auth_code import codes
from doctypes.scan.queries import FILL_SCAN_COUNTRY_DAYS, FILL_SCAN_DAYS

METHOD = "/api/method/"
WHOAMI = METHOD + "traciqo_rpc.api.whoami"
CODES = 1_000
MATCHES = 20  # scans of the filtered code, at every size
SIZES = (1_000, 1_000_000)
EMAIL, PASSWORD = "bench@example.com", "bench password 1"
FILTERED, FIRST = "/app/scans?code=<code>", "/app/scans (first page)"
FLOOR = "floor: /app/scans?code=<code>"

# Scans of codes other than the filtered one (never the first code), `?` of them counting on
# from `?`: ids, days, countries and verdicts cycle so the daily counts have every shape.
SCANS_SQLITE = """
WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO scan (workspace_id, is_sandbox, code_id, scanned_at, ip, user_agent, lat, lon, country, source, verdict)
SELECT ?, 0, ? + 1 + i % ?, datetime('now', '-' || (i % 30) || ' days', '-' || (i % 86400) || ' seconds'),
       '127.0.0.1', 'bench', NULL, NULL, substr('NLDEFRUSGBESITPLBEATSEDK', 1 + 2 * (i % 12), 2), 'api',
       CASE i % 10 WHEN 0 THEN 'suspicious' WHEN 1 THEN 'genuine' WHEN 2 THEN 'withdrawn' ELSE 'already_verified' END
FROM n"""
SCANS_POSTGRESQL = """
INSERT INTO scan (workspace_id, is_sandbox, code_id, scanned_at, ip, user_agent, lat, lon, country, source, verdict)
SELECT %s::int, false, %s::int + 1 + i %% %s::int, now() at time zone 'utc' - (i %% 30) * interval '1 day' - (i %% 86400) * interval '1 second',
       '127.0.0.1', 'bench', NULL, NULL, substr('NLDEFRUSGBESITPLBEATSEDK', 1 + 2 * (i %% 12), 2), 'api',
       CASE i %% 10 WHEN 0 THEN 'suspicious' WHEN 1 THEN 'genuine' WHEN 2 THEN 'withdrawn' ELSE 'already_verified' END
FROM generate_series(%s::int, %s::int) AS i"""


def sign_in(ws: Workspace, database_url: str | None) -> dict[str, str]:
    """A dashboard person (the CLI), signed in through /api/method/login: the session cookie."""
    env = traciqo_env(ws.cwd, **({"TRACIQO_DATABASE_URL": database_url} if database_url else {}))
    subprocess.run([str(BIN / "traciqo-rpc"), "user", "create", "--email", EMAIL, "--workspace", "bench",
                    "--role", "owner", "--password-stdin"], input=PASSWORD, text=True, cwd=ws.cwd, env=env,
                   check=True, capture_output=True)
    request = urllib.request.Request(ws.base_url + METHOD + "login", data=json.dumps({"usr": EMAIL, "pwd": PASSWORD}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        cookie = response.headers["Set-Cookie"].split(";")[0]
    return {"Cookie": cookie}


def prepare(ws: Workspace, database_url: str | None) -> tuple[str, int, int]:
    """CODES codes; the first is the filtered one, scanned MATCHES times through verify_code.
    Answers (its code, the workspace id, the first code's id)."""
    issued = post_json(ws.base_url, METHOD + "doctypes.auth_code.api.create_code", ws.headers,
                       {"batch_name": "bench", "quantity": CODES})
    code = issued["codes"][0]
    for _ in range(MATCHES):
        get_json(f"{ws.base_url}{METHOD}doctypes.auth_code.api.verify_code?code={code}")
    with _connection(_url(ws, database_url)) as (connection, placeholder):
        workspace_id, first_id = connection.execute(
            f"SELECT workspace_id, id FROM auth_code WHERE code = {placeholder}", (codes.normalise(code),)).fetchone()
    return code, int(workspace_id), int(first_id)


def grow_to(ws: Workspace, database_url: str | None, total: int, workspace_id: int, first_code: int) -> None:
    """Scans of the other codes up to `total` in all, then the daily counts rebuilt from them."""
    with _connection(_url(ws, database_url)) as (connection, placeholder):
        have = connection.execute("SELECT COUNT(*) FROM scan").fetchone()[0]
        start, end = have, total - 1
        if end >= start:
            if placeholder == "?":
                connection.execute(SCANS_SQLITE, (start, end, workspace_id, first_code, CODES - 1))
            else:
                connection.execute(SCANS_POSTGRESQL, (workspace_id, first_code, CODES - 1, start, end))
        for table, fill in (("scan_day", FILL_SCAN_DAYS), ("scan_country_day", FILL_SCAN_COUNTRY_DAYS)):
            connection.execute(f"DELETE FROM {table}")
            connection.execute(fill.sql)
        assert connection.execute("SELECT COUNT(*) FROM scan").fetchone()[0] == total
        assert connection.execute("SELECT SUM(scans) FROM scan_day").fetchone()[0] == total
    if database_url:
        refresh_planner_statistics(database_url)


def measure(ws: Workspace, cookie: dict[str, str], code: str, seconds: float, rounds: int, cpus: Cpus,
            with_whoami: bool, floor: Any = None) -> dict[str, list[Load]]:
    pages = {FILTERED: f"/app/scans?code={code}", FIRST: "/app/scans"}
    targets = [(name, ws.base_url + path, ws.pid) for name, path in pages.items()]
    if floor is not None:
        targets.append((FLOOR, floor.url + pages[FILTERED], floor.pid))
    page = urllib.request.urlopen(urllib.request.Request(ws.base_url + pages[FILTERED], headers=cookie), timeout=30)
    text = page.read().decode()
    assert page.status == 200 and f"{MATCHES} scans" in text, text[-600:]
    results: dict[str, list[Load]] = {name: [] for name in (["whoami"] if with_whoami else []) + [t[0] for t in targets]}
    for _, url, _ in targets:
        load(url, cookie, seconds=1, cpu=cpus.load)  # warm up
    for _ in range(rounds):
        if with_whoami:
            results["whoami"].append(load(ws.base_url + WHOAMI, ws.headers, seconds, cpu=cpus.load, server_pid=ws.pid))
        for name, url, pid in targets:
            results[name].append(load(url, cookie, seconds, cpu=cpus.load, server_pid=pid))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("TRACIQO_BENCH_DATABASE_URL"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-pin", action="store_true", help="do not pin the server and the load to CPUs")
    args = parser.parse_args(argv)
    cpus = Cpus.choose(pin=not args.no_pin)
    print(f"{machine()}; load generator {generator_name()}, 16 connections; {cpus.describe()}; "
          f"{'postgresql' if args.database_url else 'sqlite'}")
    database = own_schema(args.database_url) if args.database_url else contextlib.nullcontext(None)
    with database as url, traciqo_server(cpus.server, **({"TRACIQO_DATABASE_URL": url} if url else {})) as ws:
        cookie = sign_in(ws, url)
        code, workspace_id, first_code = prepare(ws, url)
        medians: dict[int, tuple[dict[str, float], dict[str, Any]]] = {}
        for size in SIZES:
            grow_to(ws, url, size, workspace_id, first_code)
            print(f"{size:,} scans; {args.seconds:.0f} s x {args.rounds}")
            last = size == SIZES[-1]
            with floor_server(ws, cpus.server) if last and not url else contextlib.nullcontext() as floor:
                medians[size] = print_loads(
                    measure(ws, cookie, code, args.seconds, args.rounds, cpus, with_whoami=last, floor=floor))
        rates, cpu = medians[SIZES[-1]]
        for name in (FILTERED, FIRST):
            ratio = rates[name] / rates["whoami"]
            print(f"{name} / whoami at {SIZES[-1]:,} scans = {ratio:.2f} (target >= 0.3): "
                  f"{'PASS' if ratio >= 0.3 else 'MISS'}; by server CPU {cpu['whoami'] / cpu[name]:.2f}")
        if FLOOR in rates:
            reach, ratio = rates[FLOOR] / rates["whoami"], rates[FILTERED] / rates[FLOOR]
            print(f"{FLOOR} / whoami = {reach:.2f} (by CPU {cpu['whoami'] / cpu[FLOOR]:.2f}): 0.3 of whoami is "
                  f"{'within' if reach >= 0.3 else 'out of'} the floor's reach; page / floor = {ratio:.2f} "
                  f"(by CPU {cpu[FLOOR] / cpu[FILTERED]:.2f}; target when out of reach >= 0.8): "
                  f"{'PASS' if ratio >= 0.8 else 'MISS'}")
        small, large = medians[SIZES[0]], medians[SIZES[-1]]
        for name in (FILTERED, FIRST):
            by_rate, by_cpu = small[0][name] / large[0][name], large[1][name] / small[1][name]
            verdict = "PASS" if max(by_rate, by_cpu) <= 2 else "MISS"
            print(f"growth {name}: {SIZES[-1]:,} vs {SIZES[0]:,} scans costs {by_rate:.2f}x by requests/s, "
                  f"{by_cpu:.2f}x by server CPU (target <= 2): {verdict}")
    return 0


def _url(ws: Workspace, database_url: str | None) -> str:
    return database_url or f"sqlite:///{ws.cwd / 'bench.db'}"


if __name__ == "__main__":
    sys.exit(main())
