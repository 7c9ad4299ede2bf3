"""traciqo-rpc serve | worker | migrate | fixtures | start, plus the commands doctypes add via hooks.cli_commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import runtime, start, wiring
from .context import RequestContext
from .errors import TraciqoError
from .logs import configure_logging
from .settings import Settings, SettingsError


def build_runtime() -> runtime.Runtime:
    """Settings from the environment, logging, and the assembled runtime for one command."""
    settings = Settings.from_env()
    configure_logging(settings)
    return runtime.build(settings)


def call(rt: runtime.Runtime, func: Callable[[RequestContext], Any]) -> Any:
    """Run doctype code in one transaction, as a request would (after-commit actions included)."""
    ctx = RequestContext(request_id="cli")
    return rt.run_in_transaction(ctx, lambda: func(ctx))


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from . import metrics
    from .serving import uvicorn_options

    settings = Settings.from_env()
    configure_logging(settings)  # uvicorn's own lines too, in our format, from its first (logs.py)
    # Before the workers start, in this process only: where they keep their counts, the metrics port.
    with metrics.serving(settings, args.workers):
        uvicorn.run(
            "traciqo_rpc.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=False,  # our middleware logs one line per request, with the request id
            log_config=None,  # no handlers or levels of uvicorn's: TRACIQO_LOG_LEVEL and logs.py decide
            **uvicorn_options(settings),
        )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from .worker import run_process_worker

    rt = build_runtime()
    if rt.embedded_queue:
        print("TRACIQO_REDIS_URL is not set: in the embedded mode `serve` runs the jobs itself.", file=sys.stderr)
        return 2
    rt.release_connections()  # job horses are forked; each opens its own connection
    return run_process_worker(rt.settings.redis_url or "", rt.ticker, args.burst, rt.settings.log_level)


def cmd_migrate(args: argparse.Namespace) -> int:
    changes = build_runtime().migrate()
    print("\n".join(changes) if changes else "Database is up to date.")
    return 0


def cmd_fixtures(args: argparse.Namespace) -> int:
    for filename, count in build_runtime().load_fixtures().items():
        print(f"{filename}: {count} records")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="traciqo-rpc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="RQ worker with scheduler (needs TRACIQO_REDIS_URL)")
    worker.add_argument("--burst", action="store_true", help="work until the queue is empty, then exit")
    worker.set_defaults(func=cmd_worker)
    sub.add_parser("migrate", help="create/upgrade tables; safe to re-run").set_defaults(func=cmd_migrate)
    sub.add_parser("fixtures", help="load fixtures/ (idempotent)").set_defaults(func=cmd_fixtures)
    start.register(sub, build_runtime)

    for register in wiring.load().cli_commands:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SettingsError as exc:  # one line naming each variable, as argparse reports a bad option
        print(f"traciqo-rpc: error: {exc}", file=sys.stderr)
        return 2
    except TraciqoError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
