"""`traciqo-rpc workspace ...` and `traciqo-rpc demo`, registered through hooks.cli_commands."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from doctypes.api_key.service import rotate_secret
from doctypes.user.cli import create_or_add
from doctypes.user.roles import OWNER
from traciqo_rpc.cli import build_runtime, call
from traciqo_rpc.context import RequestContext
from traciqo_rpc.principal import Principal
from traciqo_rpc.rendering import dumps

from . import service
from .model import Workspace

DEMO_KEYS_FILE = "demo-keys.json"
DEMO_EMAIL = "demo@example.com"  # the demo workspace's owner, with a password made for it


def register(sub: Any) -> None:
    demo = sub.add_parser("demo", help="create the demo workspace once and print its keys")
    demo.add_argument("--name", default="demo")
    demo.add_argument("--plan", default="pro")
    demo.set_defaults(func=cmd_demo)

    workspace = sub.add_parser("workspace", help="manage workspaces").add_subparsers(dest="action", required=True)
    create = workspace.add_parser("create", help="create a workspace with live and sandbox keys")
    create.add_argument("--name", required=True)
    create.add_argument("--plan", default="starter")
    create.add_argument("--json", action="store_true")
    create.set_defaults(func=cmd_create)
    for action, frozen in (("freeze", True), ("unfreeze", False)):
        status = workspace.add_parser(action, help=f"{action} a workspace (its keys get 403 while frozen)")
        status.add_argument("--name", required=True)
        status.set_defaults(func=cmd_set_status, frozen=frozen)
    plan = workspace.add_parser("set-plan", help="move a workspace to another plan")
    plan.add_argument("--name", required=True)
    plan.add_argument("--plan", required=True)
    plan.set_defaults(func=cmd_set_plan)
    rotate = workspace.add_parser("rotate-secret", help="issue a new API secret for one environment")
    rotate.add_argument("--name", required=True)
    rotate.add_argument("--environment", choices=["live", "sandbox"], default="live")
    rotate.add_argument("--json", action="store_true")
    rotate.set_defaults(func=cmd_rotate)


def cmd_create(args: argparse.Namespace) -> int:
    created = call(build_runtime(), lambda ctx: service.create_workspace(ctx, args.name, args.plan))
    print(json.dumps(created) if args.json else describe_keys(created))
    return 0


def cmd_set_status(args: argparse.Namespace) -> int:
    result = call(build_runtime(), lambda ctx: service.set_status(ctx, args.name, args.frozen))
    print(f"Workspace {result['workspace']} is {result['status']}.")
    return 0


def cmd_set_plan(args: argparse.Namespace) -> int:
    result = call(build_runtime(), lambda ctx: service.change_plan(ctx, args.name, args.plan))
    print(f"Workspace {result['workspace']} is on the {result['plan']} plan.")
    return 0


def cmd_rotate(args: argparse.Namespace) -> int:
    def rotate(ctx: RequestContext) -> Any:
        workspace = service.get_workspace(args.name)
        ctx.principal = Principal.system(workspace.id, args.environment == "sandbox")
        return rotate_secret(ctx)

    result = call(build_runtime(), rotate)
    print(dumps(result).decode() if args.json else f"{result['environment']}: {result['api_key']} {result['api_secret']}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Create the demo workspace once, print its keys once, keep them in a file only the user reads."""
    rt = build_runtime()
    path = rt.settings.data_dir / DEMO_KEYS_FILE
    if call(rt, lambda ctx: Workspace.select().where(Workspace.name == args.name).exists()):
        print(f"Demo workspace {args.name!r} exists; its keys are in {path.resolve()}")
        print(f"(lost them? traciqo-rpc workspace rotate-secret --name {args.name} --environment live)")
        return 0
    created = call(rt, lambda ctx: service.create_workspace(ctx, args.name, args.plan))
    login = call(rt, lambda ctx: create_or_add(ctx, DEMO_EMAIL, args.name, OWNER, None, "Demo Owner"))
    created["login"] = {"email": login["email"], "password": login["password"]}
    rt.settings.data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(created, handle, indent=2)
    os.chmod(path, 0o600)  # an older file may have had wider permissions
    print(describe_keys(created))
    print(f"\nDashboard sign-in: {created['login']['email']} / {created['login']['password']}")
    print(f"\nThese secrets are shown once; a copy readable only by you is in {path.resolve()}")
    return 0


def describe_keys(created: dict[str, Any]) -> str:
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
