"""Warehouses: the list (by code or name, and active) with each one's bins, a form to create
one (bins one a line) and on each a form to add a bin."""

from __future__ import annotations

import html
from typing import Any

from doctypes.warehouse import service as warehouses
from doctypes.warehouse.model import Bin
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.warehouse.api."
PAGE_SIZE = 25
ACTIVE = {"active": "Active", "inactive": "Inactive"}
SORTS = {"code": "Code, first to last", "-code": "Code, last to first", "-created": "Newest first",
         "created": "Oldest first"}
HEADINGS = ("Id", "Code", "Name", "Address", "Active", "Bins", "Inactive bins", "Created")


@signed_in("read")
def warehouses_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                    headers: dict[str, str]) -> HtmlResult:
    search, active = (query.get("search") or "").strip()[:255] or None, query.get("active") or None
    if active is not None and active not in ACTIVE:
        raise shell.BadListQuery("active must be active or inactive")
    is_active = None if active is None else active == "active"
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = warehouses.list_warehouses(ctx, shell.CSV_ROWS, offset, search, is_active, sort)
        bins = _bins(ctx, [w["id"] for w in page["data"]])
        return shell.csv_result("warehouses", HEADINGS, (
            [w["id"], w["code"], w["name"], w["address"], w["active"],
             " ".join(b.code for b in bins.get(w["id"], [])),
             " ".join(b.code for b in bins.get(w["id"], []) if not b.active), w["created_at"]] for w in page["data"]))
    page = warehouses.list_warehouses(ctx, PAGE_SIZE, offset, search, is_active, sort)
    may_write = "write" in ctx.require_principal().rights
    bins = _bins(ctx, [w["id"] for w in page["data"]])
    rows = "".join(_row(w, bins.get(w["id"], []), may_write) for w in page["data"]) or (
        "<tr><td colspan=5>No warehouses match.</td></tr>")
    filters = ('<form method=get class=filters role=search><label for=search>Code or name contains</label>'
               f'<input id=search name=search value="{html.escape(search or "")}">'
               f'<label for=active>Active</label><select id=active name=active>'
               f'{shell.options([("", "Active or not"), *ACTIVE.items()], active or "")}</select>'
               f'{shell.sort_field(SORTS, sort)}<button type=submit class=secondary>Search</button></form>')
    table = (f'<table><caption>Warehouses: {SORTS[sort].lower()}</caption><thead><tr><th scope=col>Code</th>'
             '<th scope=col>Name</th><th scope=col>Active</th><th scope=col>Bins</th><th scope=col>Actions</th>'
             f'</tr></thead><tbody>{rows}</tbody></table>')
    pages = shell.pager("/app/warehouses", page, offset, PAGE_SIZE, "warehouses", search=search, active=active,
                        sort=sort)
    download = shell.csv_link("/app/warehouses", search=search, active=active, sort=sort, offset=offset)
    intro = ('<p>Where the stock ledger keeps stock: every warehouse has a MAIN bin. '
             '<a href="/app/items">Items</a> · <a href="/app/stock-ledger">Stock ledger</a></p>')
    content = intro + (_create_form() if may_write else "") + filters + table + pages + download
    return shell.page(ctx, "Warehouses", content, shell.csrf_token(ctx), "/app/warehouses")


def _bins(ctx: RequestContext, ids: list[str]) -> dict[str, list[Bin]]:
    """The page's warehouses' bins, by code."""
    found: dict[str, list[Bin]] = {}
    if ids:
        for b in Bin.scoped(ctx).where(Bin.warehouse_id.in_(ids)).order_by(Bin.warehouse_id, Bin.code):
            found.setdefault(b.warehouse_id, []).append(b)
    return found


def _create_form() -> str:
    return ('<section class=card aria-labelledby=new-warehouse><h2 id=new-warehouse>New warehouse</h2>'
            f'<form method=post action="{API}create_warehouse" data-method>{shell.alert()}'
            f'{shell.field("warehouse", "code", "Code (letters, digits, - _ .)")}'
            f'{shell.field("warehouse", "name", "Name")}{shell.field("warehouse", "address", "Address", required=False)}'
            '<p class=field><label for=warehouse-bins>Bins besides MAIN, one code a line</label>'
            '<textarea id=warehouse-bins name=bins_text rows=4 cols=30 '
            'aria-describedby="warehouse-bins-error warehouse-bins-list-error"></textarea>'
            '<span class=error id=warehouse-bins-error data-error-for=bins_text></span>'
            '<span class=error id=warehouse-bins-list-error data-error-for=bins></span></p>'
            '<p><button type=submit>Create warehouse</button></p></form></section>')


def _row(warehouse: dict[str, Any], bins: list[Bin], may_write: bool) -> str:
    code, ident = html.escape(warehouse["code"]), html.escape(warehouse["id"])
    listed = ", ".join(f"{html.escape(b.code)}{'' if b.active else ' (inactive)'}" for b in bins)
    add = ""
    if may_write and warehouse["active"]:
        add = (f'<details><summary>Add a bin</summary><form method=post action="{API}add_bin" data-method>'
               f'{shell.alert()}<input type=hidden name=warehouse value="{ident}">'
               f'{shell.field("bin-" + ident, "bin", "Bin code")}'
               f'{shell.field("bin-" + ident, "name", "Name (a rack, a shelf)", required=False)}'
               f'<button type=submit aria-label="Add bin to {code}">Add bin</button></form></details>')
    address = f'<br>{html.escape(warehouse["address"])}' if warehouse["address"] else ""
    return (f'<tr><td>{code}</td><td>{html.escape(warehouse["name"])}{address}</td>'
            f'<td>{"Yes" if warehouse["active"] else "No"}</td><td>{listed}</td><td>{add}</td></tr>')
