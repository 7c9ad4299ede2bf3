"""A/B: the same loads against two builds of traciqo-rpc, in one run, rounds interleaved.

Run: .venv/bin/python -m bench.ab --baseline COMMIT [--rounds 5] [--seconds 4]
         [--database-url postgresql://.../empty_a --baseline-database-url postgresql://.../empty_b]

The baseline commit is checked out into a git worktree and served from it with this
virtualenv (PYTHONPATH puts its code first); each build gets a fresh database and the same
workspace. Every round loads both servers in turn (which goes first alternates) with whoami,
verify_code, get_qr (cached) and activate_warranty, then runs the in-process benchmarks
(add_serial_numbers of 10,000 serials, create_code of 100,000 codes) from each tree in turn.
Prints the medians of requests/s (or rows/s) and of server CPU per request, and new / baseline.
On PostgreSQL give two empty databases: one per build.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.harness import (
    Cpus,
    Load,
    exit_cleanly_on_sigterm,
    generator_name,
    load,
    machine,
    post_json,
    traciqo_server,
)

ROOT = Path(__file__).resolve().parent.parent
ACTIVATIONS_PER_ROUND = 20_000
SERIALS = "/api/method/doctypes.serial_number.api.add_serial_numbers"
CODES = "/api/method/doctypes.auth_code.api.create_code"


def worktree(commit: str) -> Path:
    """The baseline's code, checked out once into a worktree beside the temporary files."""
    path = Path(tempfile.gettempdir()) / f"traciqo-ab-{commit[:12]}"
    if not (path / "traciqo_rpc").exists():
        subprocess.run(["git", "worktree", "add", "--force", "--detach", str(path), commit], cwd=ROOT, check=True,
                       capture_output=True)
    return path


def prepare(ws, rounds: int) -> dict[str, list[str]]:
    """Codes to verify and a serial per activation to come."""
    post_json(ws.base_url, "/api/method/doctypes.product.api.upsert_product", ws.headers, {"name": "Bench Vase"})
    codes = post_json(ws.base_url, CODES, ws.headers, {"batch_name": "bench", "quantity": 2000,
                                                         "product_id": "PRD-00001"})["codes"]
    serials = [f"A-{i:06d}" for i in range(ACTIVATIONS_PER_ROUND * rounds)]
    for start in range(0, len(serials), 10_000):
        post_json(ws.base_url, SERIALS, ws.headers, {"serial_numbers": [{"serial_number": s}
                                                                        for s in serials[start:start + 10_000]]})
    return {"codes": codes, "serials": serials}


def round_of_loads(ws, data: dict[str, list[str]], number: int, seconds: float, cpu: int | None) -> dict[str, Load]:
    verify = [f"/api/method/doctypes.auth_code.api.verify_code?code={c}" for c in data["codes"]]
    mine = data["serials"][number * ACTIVATIONS_PER_ROUND:(number + 1) * ACTIVATIONS_PER_ROUND]
    activate = [f"/api/method/doctypes.warranty.api.activate_warranty?serial_number={s}&customer_name=Bench"
                f"&customer_email=b{s.lower()}%40example.com" for s in mine]
    qr = f"{ws.base_url}/api/method/doctypes.auth_code.api.get_qr?code={data['codes'][0]}"
    return {
        "whoami": load(f"{ws.base_url}/api/method/traciqo_rpc.api.whoami", ws.headers, seconds, cpu=cpu,
                       server_pid=ws.pid),
        "verify_code": load(ws.base_url + verify[0], seconds=seconds, paths=verify, cpu=cpu, server_pid=ws.pid),
        "get_qr (cached)": load(qr, ws.headers, seconds, cpu=cpu, server_pid=ws.pid),
        "activate_warranty": load(ws.base_url + activate[0], ws.headers, seconds, paths=activate, method="POST",
                                  cpu=cpu, server_pid=ws.pid),
    }


_RATE = re.compile(r"^\s*(add_serial_numbers|create_code)\s+([\d,]+) rows/s", re.MULTILINE)


def in_process(tree: Path, database_url: str | None) -> dict[str, float]:
    """add_serial_numbers and create_code rows/s from the tree's own benchmark code (one round each)."""
    url = repr(database_url) if database_url else "None"
    script = ("import sys; from bench.serial_numbers import bulk; from bench.create_codes import main; "
              f"bulk({url}, 1); main(['--rounds', '1'] + (['--database-url', {url}] if {url} else []))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACIQO_")}
    env["PYTHONPATH"] = str(tree)
    done = subprocess.run([sys.executable, "-c", script], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"in-process benchmarks failed in {tree}:\n{done.stderr[-2000:]}")
    return {name: float(rate.replace(",", "")) for name, rate in _RATE.findall(done.stdout)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the commit to compare against")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--database-url", help="an empty PostgreSQL database for this build")
    parser.add_argument("--baseline-database-url", help="another empty one for the baseline")
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args(argv)
    if bool(args.database_url) != bool(args.baseline_database_url):
        parser.error("PostgreSQL needs two empty databases: --database-url and --baseline-database-url")
    exit_cleanly_on_sigterm()
    cpus = Cpus.choose(pin=not args.no_pin)
    base_tree = worktree(args.baseline)
    sides = {"baseline": (base_tree, args.baseline_database_url), "new": (ROOT, args.database_url)}
    loads: dict[str, dict[str, list[Load]]] = {side: {} for side in sides}
    rows: dict[str, dict[str, list[float]]] = {side: {} for side in sides}
    with contextlib.ExitStack() as stack:
        servers, data = {}, {}
        for side, (tree, url) in sides.items():
            env = {"PYTHONPATH": str(tree), "TRACIQO_GUEST_RATE_LIMIT": "0"}
            if url:
                env["TRACIQO_DATABASE_URL"] = url
            servers[side] = stack.enter_context(traciqo_server(cpus.server, **env))
            data[side] = prepare(servers[side], args.rounds)
        for number in range(args.rounds):
            order = list(sides) if number % 2 == 0 else list(reversed(sides))
            for side in order:
                for name, result in round_of_loads(servers[side], data[side], number, args.seconds, cpus.load).items():
                    loads[side].setdefault(name, []).append(result)
    for number in range(args.rounds):
        for side in (list(sides) if number % 2 == 0 else list(reversed(sides))):
            tree, url = sides[side]
            for name, rate in in_process(tree, url).items():
                rows[side].setdefault(name, []).append(rate)
    print(f"{machine()}; {'PostgreSQL' if args.database_url else 'SQLite'}; baseline {args.baseline[:12]}; "
          f"load generator {generator_name()}, 16 connections, {args.seconds:.0f} s x {args.rounds}, interleaved; "
          f"{cpus.describe()}")
    print(f"  {'':22} {'baseline':>12} {'new':>12} {'new/base':>9}   CPU/request base -> new")
    for name in loads["new"]:
        base = statistics.median(r.rps for r in loads["baseline"][name])
        new = statistics.median(r.rps for r in loads["new"][name])
        base_cpu = statistics.median(r.server_cpu_us or 0 for r in loads["baseline"][name])
        new_cpu = statistics.median(r.server_cpu_us or 0 for r in loads["new"][name])
        print(f"  {name:22} {base:>8,.0f} r/s {new:>8,.0f} r/s {new / base:>9.2f}   {base_cpu:.0f} -> {new_cpu:.0f} us"
              f" ({base_cpu / new_cpu:.2f})")
    for name in rows["new"]:
        base, new = statistics.median(rows["baseline"][name]), statistics.median(rows["new"][name])
        print(f"  {name:22} {base:>6,.0f} rows/s {new:>6,.0f} rows/s {new / base:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
