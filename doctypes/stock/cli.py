"""`traciqo-rpc stock check`: do the levels agree with the ledger? Registered through
hooks.cli_commands."""

from __future__ import annotations

import argparse
import json
from typing import Any

from traciqo_rpc.cli import build_runtime, call

from .reports import differences


def register(sub: Any) -> None:
    stock = sub.add_parser("stock", help="inventory").add_subparsers(dest="action", required=True)
    check = stock.add_parser("check", help="rebuild every level from the ledger and say where they differ")
    check.add_argument("--json", action="store_true", help="one JSON object per difference")
    check.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    """Exit 0 when every level, item total and value equals the sum of its ledger entries, else 1."""
    found = call(build_runtime(), lambda ctx: differences())
    for difference in found:
        print(json.dumps(difference) if args.json else
              " ".join(f"{key}={value}" for key, value in difference.items()))
    if not args.json:
        print(f"{len(found)} difference{'s' if len(found) != 1 else ''} between the levels and the ledger")
    return 1 if found else 0
