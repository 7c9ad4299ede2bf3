"""CSV export of any list: a resource's documents (hooks.resources, the ones /api/resource
serves) with Frappe's `fields`, `filters`, `or_filters` and `order_by`, as a CSV file.

Three doors, one reading: the method `traciqo_rpc.exports.export_list` (also `GET
/api/export/<DocType>`) answers at most MAX_ROWS rows a call (the next ones with `limit_start`),
so a call holds a bounded CSV in memory; `traciqo-rpc export <DocType>` writes every row to a
file, PAGE_ROWS at a time, with a progress bar on standard error. Dashboard lists write their
CSV with `csv_text` too.

A spreadsheet runs a cell that starts with =, +, -, @ (or a tab or carriage return before them)
as a formula, and exported text is often the public's (a customer's name, a scan's user agent):
such a cell starts with an apostrophe.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from marshmallow import Schema, fields, validate

from . import errors
from .client import FRAPPE_RESOURCE, FieldNames, Json, UnknownDocType
from .context import RequestContext
from .records import MAX_OFFSET
from .registry import File, whitelist
from .resource import Resource, count, read
from .rest import RestRoute
from .results import FileResult

MAX_ROWS = 10_000  # rows of one call's CSV
PAGE_ROWS = 1_000  # rows the CLI reads at a time
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value as a CSV cell: a time in UTC with its Z, an object or list as JSON, text that a
    spreadsheet would run as a formula after an apostrophe."""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%dT%H:%M:%SZ}"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def write_rows(handle: IO[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows (the headings first) as CSV lines, every cell through `cell`."""
    csv.writer(handle).writerows([cell(value) for value in row] for row in rows)


def csv_text(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole (bounded) list as CSV text, its headings first."""
    buffer = io.StringIO()
    write_rows(buffer, [headings, *rows])
    return buffer.getvalue()


class ExportArgs(Schema):
    doctype = fields.String(required=True, validate=validate.Length(min=1, max=140))
    fields_ = FieldNames(data_key="fields", load_default=None, metadata={
        "description": "The columns, in order (default: every field of the doctype)."})
    filters = Json(load_default=None, allow_none=True)
    or_filters = Json(load_default=None, allow_none=True)
    order_by = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    limit_start = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))
    limit = fields.Integer(load_default=MAX_ROWS, validate=validate.Range(min=1, max=MAX_ROWS))


@whitelist(methods=["GET", "POST"], schema=ExportArgs, transaction=False, returns=File("text/csv"))
def export_list(ctx: RequestContext, doctype: str, fields_: list[str] | None, filters: Any, or_filters: Any,
                order_by: str | None, limit_start: int, limit: int) -> FileResult:
    """The caller's documents of `doctype` as CSV (a heading row, then up to `limit` rows from
    `limit_start`), with the filters and order /api/resource takes."""
    resource = find_resource(ctx, doctype)
    names = columns(resource, fields_)
    rows = read(resource, doctype, ctx, names, filters, or_filters, order_by, limit_start, limit)
    text = csv_text(names, ([row[name] for name in names] for row in rows))
    return FileResult(text.encode("utf-8"), "text/csv; charset=utf-8", filename=f"{file_stem(doctype)}.csv")


# GET /api/export/<DocType>?fields=...&filters=...: the export beside Frappe's /api/resource/<DocType>.
export_route = RestRoute("traciqo_rpc.exports.export_list", FRAPPE_RESOURCE)


class FieldNotExported(errors.ValidationError):
    """`fields` names something the doctype does not show."""


def find_resource(ctx: RequestContext, doctype: str) -> Resource:
    resource = ctx.services.resources.get(doctype)
    if resource is None:
        raise UnknownDocType(f"DocType {doctype} not found")
    return resource


def columns(resource: Resource, names: list[str] | None) -> list[str]:
    """The fields asked for, each once and in order (every one of the doctype's for none or "*")."""
    if not names or "*" in names:
        return list(resource.columns)
    unknown = [name for name in names if name not in resource.columns]
    if unknown:
        raise FieldNotExported(f"No field {unknown[0]!r} to export", field_errors={
            "fields": [f"{name!r} is not a field: choose from {', '.join(resource.columns)}." for name in unknown]})
    return list(dict.fromkeys(names))


def all_rows(ctx: RequestContext, doctype: str, names: list[str], filters: Any = None,
             page_rows: int = PAGE_ROWS) -> Iterator[list[dict[str, Any]]]:
    """Every matching document, in name order, a page at a time: each page starts after the
    last one's name (an index range read, however far into the list), not at an offset."""
    resource = find_resource(ctx, doctype)
    wanted = names if "name" in names else [*names, "name"]
    last: Any = None
    while True:
        after = _and(filters, ["name", ">", last]) if last is not None else filters
        page = read(resource, doctype, ctx, wanted, after, None, "name asc", 0, page_rows)
        if page:
            yield page
        if len(page) < page_rows:
            return
        last = page[-1]["name"]


def _and(filters: Any, condition: list[Any]) -> list[Any]:
    """`filters` (Frappe's dict or list form) and one more condition, as a list."""
    if isinstance(filters, dict):
        filters = [[name, *value] if isinstance(value, list) else [name, "=", value] for name, value in filters.items()]
    return [*(filters or []), condition]


def file_stem(doctype: str) -> str:
    """A doctype as a download's name: "Stock Entry" -> "stock-entry"."""
    return re.sub(r"[^a-z0-9]+", "-", doctype.lower()).strip("-") or "export"


# -- traciqo-rpc export ----------------------------------------------------------------------

def register(sub: Any) -> None:
    """`traciqo-rpc export <DocType> --workspace W --out FILE` (hooks.cli_commands)."""
    export = sub.add_parser("export", help="write a doctype's documents to CSV, with a progress bar")
    export.add_argument("doctype", help='a doctype /api/resource serves, e.g. "Item"')
    export.add_argument("--workspace", required=True, help="workspace name or id")
    export.add_argument("--sandbox", action="store_true", help="the workspace's sandbox data")
    export.add_argument("--filters", type=_json_argument, default=None, help="Frappe filters, as JSON")
    export.add_argument("--fields", type=lambda text: [n.strip() for n in text.split(",") if n.strip()],
                        default=None, help="comma-separated fields (default: all)")
    export.add_argument("--out", required=True, help="CSV file to write ('-' for standard output)")
    export.add_argument("--quiet", action="store_true", help="no progress bar")
    export.set_defaults(func=cmd_export)


def _json_argument(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not JSON") from None


def cmd_export(args: argparse.Namespace) -> int:
    """Write every matching document, PAGE_ROWS at a time (memory stays bounded), to --out."""
    from tqdm import tqdm

    from .cli import build_runtime, call
    from .principal import Principal

    rt = build_runtime()

    def export(ctx: RequestContext) -> int:
        ctx.principal = Principal.system(_workspace_id(rt, args.workspace), args.sandbox)
        names = columns(find_resource(ctx, args.doctype), args.fields)
        total = count(find_resource(ctx, args.doctype), args.doctype, ctx, args.filters)
        handle = sys.stdout if args.out == "-" else open(args.out, "w", newline="", encoding="utf-8")
        written = 0
        try:
            write_rows(handle, [names])
            with tqdm(total=total, unit="rows", file=sys.stderr, disable=args.quiet, mininterval=0.5) as progress:
                for page in all_rows(ctx, args.doctype, names, args.filters):
                    write_rows(handle, ([row[name] for name in names] for row in page))
                    written += len(page)
                    progress.update(len(page))
        finally:
            if handle is not sys.stdout:
                handle.close()
        return written

    written = call(rt, export)
    print(f"{written} rows written to {args.out}", file=sys.stderr)
    return 0


class WorkspaceNotFound(errors.DoesNotExistError):
    """The CLI names a workspace that does not exist."""


def _workspace_id(rt: Any, ref: str) -> int:
    """The workspace's id, by its name or id. The framework knows workspaces only through their
    model in the wiring (it never imports doctypes/)."""
    model = next(m for m in rt.wiring.models if m._meta.table_name == "workspace")
    found = model.get_or_none(model.name == ref)
    if found is None and ref.isdigit():
        found = model.get_or_none(model.id == int(ref))
    if found is None:
        raise WorkspaceNotFound(f"Workspace {ref!r} does not exist")
    return int(found.id)
