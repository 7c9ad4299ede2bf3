"""traciqo-rpc serve | worker | migrate | fixtures | demo | workspace ..."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import runtime
from .context import RequestContext
from .errors import TraciqoError
from .logs import configure_logging
from .rendering import dumps
from .settings import Settings

DEMO_KEYS_FILE = "demo-keys.json"


def _runtime() -> runtime.Runtime:
    settings = Settings.from_env()
    configure_logging(settings)
    return runtime.build(settings)


def _service(name: str) -> Any:
    """Doctype services are reached through hooks-loaded modules, imported only here."""
    from importlib import import_module

    return import_module(f"doctypes.{name}.service")


def _call(rt: runtime.Runtime, func: Callable[[RequestContext], Any]) -> Any:
    ctx = RequestContext(request_id="cli")
    return rt.run_in_transaction(ctx, lambda: func(ctx))


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run(
        "traciqo_rpc.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,  # our middleware logs one line per request, with the request id
        log_level="warning",
        proxy_headers=True,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import threading

    from rq import Worker

    from .jobs import QUEUE_NAMES, queue

    rt = _runtime()
    if rt.embedded_queue:
        print("TRACIQO_REDIS_URL is not set: in the embedded mode `serve` runs the jobs itself.", file=sys.stderr)
        return 2
    rt.database.close()  # job horses are forked; each opens its own connection

    def tick_forever() -> None:
        import time

        while True:
            try:
                rt.ticker.tick()
            except Exception:
                runtime.log.exception("periodic ticker failed")
            time.sleep(1)

    threading.Thread(target=tick_forever, name="traciqo-ticker", daemon=True).start()
    worker = Worker([queue(rt.redis, n) for n in QUEUE_NAMES], connection=rt.redis)
    worker.work(with_scheduler=True, logging_level=rt.settings.log_level)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    changes = _runtime().migrate()
    print("\n".join(changes) if changes else "Database is up to date.")
    return 0


def cmd_fixtures(args: argparse.Namespace) -> int:
    for filename, count in _runtime().load_fixtures().items():
        print(f"{filename}: {count} records")
    return 0


def cmd_workspace_create(args: argparse.Namespace) -> int:
    rt = _runtime()
    created = _call(rt, lambda ctx: _service("workspace").create_workspace(ctx, args.name, args.plan))
    if args.json:
        print(json.dumps(created))
    else:
        print(_describe_keys(created))
    return 0


def cmd_workspace_status(frozen: bool) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        rt = _runtime()
        result = _call(rt, lambda ctx: _service("workspace").set_status(ctx, args.name, frozen))
        print(f"Workspace {result['workspace']} is {result['status']}.")
        return 0

    return run


def cmd_workspace_plan(args: argparse.Namespace) -> int:
    rt = _runtime()
    result = _call(rt, lambda ctx: _service("workspace").change_plan(ctx, args.name, args.plan))
    print(f"Workspace {result['workspace']} is on the {result['plan']} plan.")
    return 0


def cmd_workspace_rotate(args: argparse.Namespace) -> int:
    from .principal import Principal

    rt = _runtime()
    sandbox = args.environment == "sandbox"

    def rotate(ctx: RequestContext) -> Any:
        workspace = _service("workspace").get_workspace(args.name)
        ctx.principal = Principal.system(workspace.id, sandbox)
        return _service("api_key").rotate_secret(ctx)

    result = _call(rt, rotate)
    print(dumps(result).decode() if args.json else f"{result['environment']}: {result['api_key']} {result['api_secret']}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Create the demo workspace once, print its keys once, keep them in a file only the user reads."""
    rt = _runtime()
    workspace = _service("workspace")
    path = rt.settings.data_dir / DEMO_KEYS_FILE
    exists = _call(rt, lambda ctx: workspace.Workspace.select().where(workspace.Workspace.name == args.name).exists())
    if exists:
        print(f"Demo workspace {args.name!r} exists; its keys are in {path.resolve()}")
        print(f"(lost them? traciqo-rpc workspace rotate-secret --name {args.name} --environment live)")
        return 0
    created = _call(rt, lambda ctx: workspace.create_workspace(ctx, args.name, args.plan))
    rt.settings.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(created, handle, indent=2)
    os.chmod(path, 0o600)
    print(_describe_keys(created))
    print(f"\nThese secrets are shown once; a copy readable only by you is in {path.resolve()}")
    return 0


def _describe_keys(created: dict[str, Any]) -> str:
    lines = [f"Workspace {created['workspace']} (plan {created['plan']})"]
    for env in ("live", "sandbox"):
        lines.append(f"  {env:8} key    {created[env]['api_key']}")
        lines.append(f"  {env:8} secret {created[env]['api_secret']}")
    live = created["live"]
    lines.append(
        "\nTry it:\n  curl -s -H 'Authorization: token "
        f"{live['api_key']}:{live['api_secret']}' http://127.0.0.1:8000/api/method/traciqo_rpc.api.whoami"
    )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="traciqo-rpc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("worker", help="RQ worker with scheduler (needs TRACIQO_REDIS_URL)").set_defaults(func=cmd_worker)
    sub.add_parser("migrate", help="create/upgrade tables; safe to re-run").set_defaults(func=cmd_migrate)
    sub.add_parser("fixtures", help="load fixtures/ (idempotent)").set_defaults(func=cmd_fixtures)

    demo = sub.add_parser("demo", help="create the demo workspace once and print its keys")
    demo.add_argument("--name", default="demo")
    demo.add_argument("--plan", default="pro")
    demo.set_defaults(func=cmd_demo)

    workspace = sub.add_parser("workspace", help="manage workspaces").add_subparsers(dest="action", required=True)
    create = workspace.add_parser("create", help="create a workspace with live and sandbox keys")
    create.add_argument("--name", required=True)
    create.add_argument("--plan", default="starter")
    create.add_argument("--json", action="store_true")
    create.set_defaults(func=cmd_workspace_create)
    for action, frozen in (("freeze", True), ("unfreeze", False)):
        p = workspace.add_parser(action, help=f"{action} a workspace")
        p.add_argument("--name", required=True)
        p.set_defaults(func=cmd_workspace_status(frozen))
    plan = workspace.add_parser("set-plan", help="move a workspace to another plan")
    plan.add_argument("--name", required=True)
    plan.add_argument("--plan", required=True)
    plan.set_defaults(func=cmd_workspace_plan)
    rotate = workspace.add_parser("rotate-secret", help="issue a new API secret for one environment")
    rotate.add_argument("--name", required=True)
    rotate.add_argument("--environment", choices=["live", "sandbox"], default="live")
    rotate.add_argument("--json", action="store_true")
    rotate.set_defaults(func=cmd_workspace_rotate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except TraciqoError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
