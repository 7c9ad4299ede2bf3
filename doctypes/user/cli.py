"""`traciqo-rpc user create`, registered through hooks.cli_commands."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from traciqo_rpc.cli import build_runtime, call
from traciqo_rpc.context import RequestContext

from . import passwords, service
from .roles import OWNER, ROLES


def register(sub: Any) -> None:
    user = sub.add_parser("user", help="manage dashboard users").add_subparsers(dest="action", required=True)
    create = user.add_parser("create", help="create a user (or add an existing one) in a workspace with a role")
    create.add_argument("--email", required=True)
    create.add_argument("--workspace", required=True)
    create.add_argument("--role", choices=ROLES, default=OWNER)
    create.add_argument("--name", default="", help="the user's full name")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input (else one is generated and printed once)")
    create.set_defaults(func=cmd_create)


def cmd_create(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    outcome = call(build_runtime(), lambda ctx: create_or_add(ctx, args.email, args.workspace, args.role,
                                                              password, args.name))
    print(f"{outcome['email']} is {outcome['role']} of {outcome['workspace']}.")
    if outcome.get("password"):
        print(f"Password (shown once): {outcome['password']}")
    return 0


def create_or_add(ctx: RequestContext, email: str, workspace: str, role: str, password: str | None,
                  full_name: str = "") -> dict[str, Any]:
    """A new user with the given (or a generated) password, or an existing one added to another
    workspace (their password unchanged unless one is given); answers the generated password."""
    user = service.find_user(email)
    generated = None
    if user is None:
        generated = None if password else passwords.generated()
        user = service.create_user(email, password or generated or "", full_name)
    elif password:
        service.set_password(user, password)
    return {**service.add_member(user, workspace, role), "password": generated}
