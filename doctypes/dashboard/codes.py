"""Code batches: create one, the batches newest first with their CSV and printable label sheets
(PDF, a layout to choose), and withdrawing a code."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from doctypes.auth_code import service as codes
from doctypes.auth_code.labels import DEFAULT_LAYOUT, LAYOUTS, MAX_LABELS
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.auth_code.api."
PAGE_SIZE = 25
SORTS = {"-created": "Newest first", "created": "Oldest first"}
HEADINGS = ("Batch", "Product", "Codes", "Created")


@signed_in("read")
def codes_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
               headers: dict[str, str]) -> HtmlResult:
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = codes.list_batches(ctx, shell.CSV_ROWS, offset, order=sort)
        return shell.csv_result("batches", HEADINGS, ([b["batch"], b["product_id"], b["quantity"], b["created_at"]]
                                                      for b in page["data"]))
    page = codes.list_batches(ctx, PAGE_SIZE, offset, order=sort)
    may_write = "write" in ctx.require_principal().rights
    rows = "".join(_batch_row(batch) for batch in page["data"]) or "<tr><td colspan=4>No batches yet.</td></tr>"
    content = ""
    if may_write:
        content += (
            '<section class=card aria-labelledby=new-batch><h2 id=new-batch>New batch</h2>'
            f'<form method=post action="{API}create_code" data-method>{shell.alert()}'
            f'{shell.field("batch", "batch_name", "Batch name")}'
            f'{shell.field("batch", "quantity", "How many codes", "number", value="100")}'
            f'{shell.field("batch", "product_id", "Product id (optional)", required=False)}'
            '<p><button type=submit>Issue codes</button></p></form></section>'
            '<section class=card aria-labelledby=void><h2 id=void>Withdraw a code</h2>'
            f'<form method=post action="{API}void_code" data-method data-confirm="Withdraw this code for good?">'
            f'{shell.alert()}{shell.field("void", "code", "Code")}{shell.field("void", "reason", "Why", required=False)}'
            '<p><button type=submit class=secondary>Withdraw</button></p></form></section>')
    content += (f'<form method=get class=filters>{shell.sort_field(SORTS, sort)}'
                '<button type=submit class=secondary>Sort</button></form>'
                f'<table><caption>Batches: {SORTS[sort].lower()}</caption><thead><tr><th scope=col>Batch</th>'
                '<th scope=col>Codes</th><th scope=col>Created</th><th scope=col>Download</th></tr></thead>'
                f'<tbody>{rows}</tbody></table>{shell.pager("/app/codes", page, offset, PAGE_SIZE, "batches", sort=sort)}'
                f'{shell.csv_link("/app/codes", sort=sort, offset=offset)}'
                f'<p>A label sheet holds up to {MAX_LABELS:,} labels; withdrawn codes are left out.</p>')
    return shell.page(ctx, "Codes", content, shell.csrf_token(ctx), "/app/codes")


def _batch_row(batch: dict[str, Any]) -> str:
    name = batch["batch"]
    csv_link = f'{API}export_batch?{urlencode({"batch": name})}'
    layouts = shell.options([(key, layout.title) for key, layout in LAYOUTS.items()], DEFAULT_LAYOUT)
    ident = f"layout-{batch['created_at']:%Y%m%d%H%M%S%f}"
    labels = (f'<form method=get action="{API}label_sheet" class=inline>'
              f'<input type=hidden name=batch value="{html.escape(name)}">'
              f'<label class=visually-hidden for="{ident}">Label layout for {html.escape(name)}</label>'
              f'<select id="{ident}" name=layout>{layouts}</select>'
              f'<button type=submit class=secondary aria-label="Label sheet of {html.escape(name)}">Label sheet (PDF)</button></form>')
    return (f"<tr><td>{html.escape(name)}</td><td>{batch['quantity']:,}</td><td>{shell.when(batch['created_at'])}</td>"
            f'<td><a href="{html.escape(csv_link)}">CSV</a> {labels}</td></tr>')
