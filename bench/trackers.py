"""update_status against the floor doing the same writes; the public tracking page against whoami.

1. update_status (a step started or completed per call, each on a tracker that can still move)
   against bench/floor_app.py running the same statements on the same SQLite file, each call
   committed alone. Target: requests/s >= 0.8 x the floor's. The floor with group commit (as
   our server commits update_status: it is batched) is measured beside it, with the best ratio
   any method behind our dispatcher could reach against it.
2. GET /track/<token> (the customer's page, its HTML cached per token and version) against
   authenticated whoami on the same server. Target: >= 0.5 x whoami; where the floor (the same
   look-up and cached page with nothing of the framework) shows that out of reach, >= 0.8 x the floor.

Run: .venv/bin/python -m bench.trackers [--database-url URL] [--rounds R] [--seconds S]
Each part starts from empty tables (a new SQLite file; on PostgreSQL a new schema, dropped
afterwards). On PostgreSQL traciqo-rpc runs alone: the floor works on SQLite files only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from bench.harness import (
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
    traciqo_server,
)

METHOD = "/api/method/"
WHOAMI = METHOD + "traciqo_rpc.api.whoami"
UPDATE = "update_status"
FLOOR_ALONE = "floor: a commit per call"
FLOOR_GROUPED = "floor: group commit"
PONG = "bare /pong (the floor's app)"
PAGE = "GET /track/<token>"
FLOOR_PAGE = "floor: /track/<token>"
# Trackers per round and target: 12 moves each (6 steps, started then completed), so 2,000 a
# second of load is room for 24,000 requests/s, more than either load generator gets from a writer.
TRACKERS_PER_SECOND = 2_000
# Distinct tracking pages in the page's load: every view after the warm-up is a cache hit.
PAGES = 1_000

# Copies of one tracker made through create_tracker (its template's steps come with it): the
# numbers count on from it, the tokens are its own with a suffix. One text for both databases.
COPY_TRACKERS = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO "tracker" (workspace_id, is_sandbox, number, name, reference, customer_email, template,
                       strict_order, token, status, current_process, version, created_at, updated_at, completed_at)
SELECT workspace_id, is_sandbox, number + i, name, reference, customer_email, template,
       strict_order, token || '-' || i, status, current_process, version, created_at, updated_at, completed_at
FROM "tracker", n WHERE id = ?
"""
COPY_STEPS = """
INSERT INTO "tracker_step" (tracker_id, position, name, visible, status)
SELECT t.id, s.position, s.name, s.visible, s.status FROM "tracker" AS t, "tracker_step" AS s
WHERE t.id > ? AND s.tracker_id = ?
"""
COPIES = 'SELECT id, token FROM "tracker" WHERE id > ? ORDER BY id'


def add_trackers(ws: Workspace, database_url: str | None, count: int) -> tuple[list[tuple[int, str]], list[str]]:
    """`count` new trackers, each with every step pending; answers their (id, token) pairs, oldest
    first, and their steps' names in order."""
    first = post_json(ws.base_url, METHOD + "doctypes.tracker.api.create_tracker", ws.headers, {"name": "Bench order"})
    steps = [step["process"] for step in get_json(
        f"{ws.base_url}{METHOD}doctypes.tracker.api.get_tracker?tracker_id={first['id']}", ws.headers)["message"]["history"]]
    with _connection(database_url or f"sqlite:///{ws.cwd / 'bench.db'}") as (connection, placeholder):
        def run(sql: str, *params: object) -> list[tuple]:
            cursor = connection.execute(sql.replace("?", placeholder), params)
            return cursor.fetchall() if cursor.description else []

        run(COPY_TRACKERS, count, first["id"])
        run(COPY_STEPS, first["id"], first["id"])
        copies = [(row[0], row[1]) for row in run(COPIES, first["id"])]
    if database_url:
        refresh_planner_statistics(database_url)  # as autovacuum would, soon after such an insert
    assert len(copies) == count
    return copies, steps


@contextlib.contextmanager
def _connection(url: str) -> Iterator[tuple[Any, str]]:
    """A connection to the server's own database and its placeholder, committed at the end."""
    if url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)) as connection:
            with connection:
                yield connection, "?"
        return
    import psycopg

    with psycopg.connect(url) as connection:
        yield connection, "%s"


def moves(path: str, trackers: list[tuple[int, str]], steps: list[str]) -> list[str]:
    """Every step of every tracker started, then completed, step after step: a tracker comes back
    only after all the others have moved, so never twice among the requests in flight."""
    return [f"{path}?tracker_id={tracker_id}&process={quote(step, safe='')}&action={action}"
            for step in steps for action in ("start", "complete") for tracker_id, _ in trackers]


def status_updates(ws: Workspace, database_url: str | None, seconds: float, rounds: int, cpus: Cpus) -> None:
    with contextlib.ExitStack() as stack:
        targets = [(UPDATE, ws.base_url, ws.pid, METHOD + "doctypes.tracker.api.update_status")]
        if not database_url:
            floor = stack.enter_context(floor_server(ws, cpus.server))
            targets += [(FLOOR_ALONE, floor.url, floor.pid, "/update_status"),
                        (FLOOR_GROUPED, floor.url, floor.pid, "/update_status/grouped")]
        per_round = int(seconds * TRACKERS_PER_SECOND)
        trackers, steps = add_trackers(ws, database_url, per_round * (rounds + 1) * len(targets))
        # A slice of trackers per target and round; the first round of slices warms each target up.
        slices = [trackers[start:start + per_round] for start in range(0, len(trackers), per_round)]
        load(ws.base_url + WHOAMI, ws.headers, seconds=1, cpu=cpus.load)
        results: dict[str, list[Load]] = {"whoami": []}
        if not database_url:
            results[PONG] = []
        results.update({name: [] for name, *_ in targets})
        for round_number in range(rounds + 1):
            warm_up = round_number == 0
            if not warm_up:
                results["whoami"].append(load(ws.base_url + WHOAMI, ws.headers, seconds, cpu=cpus.load,
                                              server_pid=ws.pid))
                if not database_url:
                    results[PONG].append(load(floor.url + "/pong", seconds=seconds, cpu=cpus.load,
                                              server_pid=floor.pid))
            for name, base_url, pid, path in targets:
                paths = moves(path, slices.pop(0), steps)
                measured = load(base_url + paths[0], ws.headers, 1 if warm_up else seconds, paths=paths,
                                method="POST", cpu=cpus.load, server_pid=pid)
                if not warm_up:
                    results[name].append(measured)
    print(f"update_status: a step started or completed per call, {len(steps)} steps a tracker; "
          f"{seconds:.0f} s x {rounds}")
    rates, cpu = print_loads(results)
    print(f"  update_status / whoami = {rates[UPDATE] / rates['whoami']:.2f} "
          f"(by server CPU {cpu['whoami'] / cpu[UPDATE]:.2f})"
          + ("; the database's own CPU is in other processes" if database_url else ""))
    if database_url:
        return
    ratio = rates[UPDATE] / rates[FLOOR_ALONE]
    print(f"  update_status / {FLOOR_ALONE} = {ratio:.2f} (target >= 0.8): {'PASS' if ratio >= 0.8 else 'MISS'}; "
          f"by server CPU {cpu[FLOOR_ALONE] / cpu[UPDATE]:.2f}")
    grouped = rates[UPDATE] / rates[FLOOR_GROUPED]
    print(f"  update_status / {FLOOR_GROUPED} = {grouped:.2f} (0.8 would be {'met' if grouped >= 0.8 else 'missed'}); "
          f"by server CPU {cpu[FLOOR_GROUPED] / cpu[UPDATE]:.2f}")
    _best_case(cpu, UPDATE, FLOOR_ALONE, FLOOR_ALONE)
    _best_case(cpu, UPDATE, FLOOR_GROUPED, FLOOR_GROUPED)


def tracking_pages(ws: Workspace, database_url: str | None, seconds: float, rounds: int, cpus: Cpus) -> None:
    """PAGES trackers, each with its first step completed and its second started, viewed in turn:
    after the warm-up every view is a look-up and a kept page."""
    trackers, steps = add_trackers(ws, database_url, PAGES)
    for tracker_id, _ in trackers:
        for process, action in ((steps[0], "complete"), (steps[1], "start")):
            post_json(ws.base_url, METHOD + "doctypes.tracker.api.update_status", ws.headers,
                      {"tracker_id": tracker_id, "process": process, "action": action})
    paths = [f"/track/{token}" for _, token in trackers]
    assert "Progress: 1 of" in _text(ws.base_url + paths[0])
    with contextlib.ExitStack() as stack:
        targets = [(PAGE, ws.base_url, ws.pid)]
        if not database_url:
            floor = stack.enter_context(floor_server(ws, cpus.server))
            assert _text(floor.url + paths[0]).count("Progress: 1 of") == 1
            targets.append((FLOOR_PAGE, floor.url, floor.pid))
        for _, base_url, _ in targets:
            load(base_url + paths[0], seconds=1, paths=paths, cpu=cpus.load)  # renders every page once
        load(ws.base_url + WHOAMI, ws.headers, seconds=1, cpu=cpus.load)
        results: dict[str, list[Load]] = {"whoami": []}
        if not database_url:
            results[PONG] = []
        results.update({name: [] for name, *_ in targets})
        for _ in range(rounds):
            results["whoami"].append(load(ws.base_url + WHOAMI, ws.headers, seconds, cpu=cpus.load, server_pid=ws.pid))
            if not database_url:
                results[PONG].append(load(floor.url + "/pong", seconds=seconds, cpu=cpus.load, server_pid=floor.pid))
            for name, base_url, pid in targets:
                results[name].append(load(base_url + paths[0], seconds=seconds, paths=paths, cpu=cpus.load,
                                          server_pid=pid))
    print(f"{PAGE}: {PAGES:,} trackers' pages in turn, each kept after its first view; {seconds:.0f} s x {rounds}")
    rates, cpu = print_loads(results)
    ratio = rates[PAGE] / rates["whoami"]
    print(f"  page / whoami = {ratio:.2f} (target >= 0.5): {'PASS' if ratio >= 0.5 else 'MISS'}; "
          f"by server CPU {cpu['whoami'] / cpu[PAGE]:.2f}")
    if database_url:
        return
    reach = rates[FLOOR_PAGE] / rates["whoami"]
    floor_ratio = rates[PAGE] / rates[FLOOR_PAGE]
    print(f"  {FLOOR_PAGE} / whoami = {reach:.2f} (by CPU {cpu['whoami'] / cpu[FLOOR_PAGE]:.2f}): 0.5 of whoami is "
          f"{'within' if reach >= 0.5 else 'out of'} the floor's reach; page / floor = {floor_ratio:.2f} "
          f"(by CPU {cpu[FLOOR_PAGE] / cpu[PAGE]:.2f}; the fallback target, 0.8, applies only out of reach)")
    _best_case(cpu, PAGE, FLOOR_PAGE, "whoami")


def _text(url: str) -> str:
    """One page during set-up, as text."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def _best_case(cpu: dict[str, float | None], ours: str, floor: str, baseline: str) -> None:
    """What the framework costs every request (whoami's CPU beyond a bare /pong), and so the best
    ratio to `baseline` that a call doing exactly the floor's work could reach, by CPU."""
    framework = cpu["whoami"] - cpu[PONG]
    print(f"  framework per request {framework:.0f} us (whoami {cpu['whoami']:.0f} - bare /pong {cpu[PONG]:.0f}); "
          f"{ours} spends {cpu[ours] - cpu[floor] - framework:.0f} us beyond floor + framework; at best "
          f"{baseline} / (floor + framework) = {cpu[baseline] / (cpu[floor] + framework):.2f}")


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
    with _database(args.database_url) as url, traciqo_server(cpus.server, **_env(url)) as ws:
        status_updates(ws, url, args.seconds, args.rounds, cpus)
    with _database(args.database_url) as url, traciqo_server(cpus.server, **_env(url)) as ws:
        tracking_pages(ws, url, args.seconds, args.rounds, cpus)
    return 0


def _database(url: str | None) -> contextlib.AbstractContextManager[str | None]:
    """Empty tables for each part: a new schema on PostgreSQL (traciqo_server makes a new SQLite file)."""
    return own_schema(url) if url else contextlib.nullcontext(None)


def _env(url: str | None) -> dict[str, str]:
    return {"TRACIQO_DATABASE_URL": url} if url else {}


if __name__ == "__main__":
    sys.exit(main())
