"""`traciqo-rpc codes export`: stream a batch to CSV with a progress bar."""

from __future__ import annotations

import argparse
import csv
import sys
from typing import Any

from tqdm import tqdm

from doctypes.workspace.service import get_workspace
from traciqo_rpc.cli import build_runtime, call
from traciqo_rpc.context import RequestContext
from traciqo_rpc.principal import Principal

from . import service


def register(sub: Any) -> None:
    codes = sub.add_parser("codes", help="authentication codes").add_subparsers(dest="action", required=True)
    export = codes.add_parser("export", help="write a batch's codes and verification URLs to CSV")
    export.add_argument("--workspace", required=True, help="workspace name")
    export.add_argument("--batch", required=True)
    export.add_argument("--out", required=True, help="CSV file to write ('-' for standard output)")
    export.add_argument("--sandbox", action="store_true", help="the sandbox batch of that name")
    export.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    rt = build_runtime()

    def export(ctx: RequestContext) -> int:
        ctx.principal = Principal.system(get_workspace(args.workspace).id, args.sandbox)
        total = service.batch_size(ctx, args.batch)
        handle = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")
        try:
            writer = csv.writer(handle)
            writer.writerow(service.EXPORT_COLUMNS)
            with tqdm(total=total, unit="codes", file=sys.stderr, disable=None) as progress:
                for row in service.export_rows(ctx, args.batch):
                    writer.writerow(row)
                    progress.update()
        finally:
            if handle is not sys.stdout:
                handle.close()
        return total

    written = call(rt, export)
    print(f"{written} codes written to {args.out}", file=sys.stderr)
    return 0
