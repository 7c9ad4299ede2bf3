"""`traciqo-rpc start`: migrate, then run the Procfile's processes under one supervisor, as
Frappe's bench runs honcho. Each process's lines come out prefixed with its name (web.1,
worker.1); when one exits, or on SIGTERM/SIGINT, the others are stopped and `start` exits.

Without a Procfile in the working directory the one below is used (the repository's own is
the same, tests/traciqo_rpc/test_start.py keeps them equal). Several web processes get
consecutive ports, honcho's way (PORT, PORT+1, ...): put a proxy in front to balance them."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from honcho.environ import expand_processes, parse_procfile
from honcho.manager import Manager

PROCFILE = """\
web: traciqo-rpc serve --host 0.0.0.0 --port ${PORT:-8000} --workers ${WEB_CONCURRENCY:-2}
worker: traciqo-rpc worker
"""


def register(sub: argparse._SubParsersAction, build_runtime: Callable[[], Any]) -> None:
    start = sub.add_parser("start", help="migrate, then run the Procfile's web and worker processes")
    start.add_argument("process", nargs="*", help="which of the Procfile's processes (default: all of them)")
    start.add_argument("--procfile", type=Path, help="default: ./Procfile if there is one, else the built-in one")
    start.add_argument("--port", type=int, default=None, help="the first web process's port (default: $PORT or 8000)")
    start.add_argument("--concurrency", "-c", default="", metavar="web=2,worker=2",
                       help="how many of each process (default: one each)")
    start.set_defaults(func=functools.partial(cmd_start, build_runtime=build_runtime))


def cmd_start(args: argparse.Namespace, build_runtime: Callable[[], Any]) -> int:
    try:
        concurrency = parse_concurrency(args.concurrency)
    except ValueError as exc:
        print(f"traciqo-rpc start: {exc}", file=sys.stderr)
        return 2
    rt = build_runtime()
    changes = rt.migrate()
    print("migrate: " + ("; ".join(changes) if changes else "the database is up to date"), flush=True)
    has_redis = not rt.embedded_queue
    rt.close()

    procfile = args.procfile or (Path("Procfile") if Path("Procfile").is_file() else None)
    processes = parse_procfile(procfile.read_text() if procfile else PROCFILE).processes
    wanted = args.process or list(processes)
    unknown = [name for name in wanted if name not in processes]
    if unknown:
        print(f"traciqo-rpc start: no {', '.join(unknown)} in the Procfile (it has {', '.join(processes)})",
              file=sys.stderr)
        return 2
    if not has_redis and "worker" in wanted and "worker" not in args.process:
        # The embedded mode runs jobs inside the web process; a worker would only exit.
        print("start: TRACIQO_REDIS_URL is not set: no worker, the web process runs the jobs itself", flush=True)
        wanted.remove("worker")

    env = dict(os.environ)
    # The commands name `traciqo-rpc`: the one installed beside this Python, activated or not.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    port = args.port if args.port is not None else int(env.get("PORT") or 8000)
    env["PORT"] = str(port)
    manager = Manager()
    for process in expand_processes({name: processes[name] for name in wanted}, concurrency=concurrency,
                                    env=env, port=port):
        manager.add_process(process.name, process.cmd, quiet=process.quiet, env=process.env)
    manager.loop()
    return int(manager.returncode or 0)


def parse_concurrency(text: str) -> dict[str, int]:
    """`web=2,worker=3` as {"web": 2, "worker": 3}."""
    counts: dict[str, int] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        name, _, count = part.partition("=")
        if not name.strip() or not count.strip().isdigit() or int(count) < 1:
            raise ValueError(f"--concurrency takes NAME=COUNT pairs (web=2,worker=2), not {part!r}")
        counts[name.strip()] = int(count)
    return counts
