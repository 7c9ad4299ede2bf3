"""BOMs and builds: the BOMs (each version with its lines, a form to create one with its lines
one "SKU quantity" a line, and Make default); the builds (a form to plan one); and one build's
page: what it needs against what its warehouse holds, and the Complete and Cancel forms."""

from __future__ import annotations

import html
from typing import Any

from doctypes.bom import service as boms
from doctypes.bom.model import BomLine
from doctypes.build import service as builds
from doctypes.build.model import PLANNED, STATUSES
from doctypes.item.quantities import shown
from doctypes.item.service import ItemNotFound
from doctypes.warehouse import service as warehouses
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell
from .ledger import CODE, amount, item_link

BOM_API, BUILD_API = "/api/method/doctypes.bom.api.", "/api/method/doctypes.build.api."
PAGE_SIZE = 25
SERIALS_SHOWN = 100
WAREHOUSE_CHOICES = 200
YES_NO = [("false", "No"), ("true", "Yes")]
STATUS_NAMES = {"planned": "Planned", "completed": "Completed", "cancelled": "Cancelled"}


@signed_in("read")
def boms_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str], headers: dict[str, str]) -> HtmlResult:
    sku = (query.get("item") or "").strip() or None
    if sku is not None and not CODE.fullmatch(sku):
        raise shell.BadListQuery("item must be an item's SKU")
    offset = shell.offset_of(query)
    try:
        page = boms.list_boms(ctx, PAGE_SIZE, offset, sku)
    except ItemNotFound:
        page = {"data": [], "total": 0}
    lines = _lines(ctx, [b["id"] for b in page["data"]])
    may_write = "write" in ctx.require_principal().rights
    rows = "".join(_bom_row(b, lines.get(b["id"], []), may_write) for b in page["data"]) or (
        "<tr><td colspan=6>No BOMs yet.</td></tr>")
    filters = ('<form method=get class=filters role=search><label for=item>Item SKU</label>'
               f'<input id=item name=item value="{html.escape(sku or "")}">'
               '<button type=submit class=secondary>Show its versions</button></form>')
    table = ('<table><caption>BOMs, newest first</caption><thead><tr><th scope=col>Item</th><th scope=col>Version</th>'
             '<th scope=col>Components (per unit)</th><th scope=col>Default</th><th scope=col>Used by a build</th>'
             f'<th scope=col>Actions</th></tr></thead><tbody>{rows}</tbody></table>')
    intro = ('<p>What one unit of an item is made of; a component with a BOM of its own is a sub-assembly. '
             '<a href="/app/builds">Builds</a> · <a href="/app/items">Items</a></p>')
    content = (intro + (_bom_form() if may_write else "") + filters + table
               + shell.pager("/app/boms", page, offset, PAGE_SIZE, "BOMs", item=sku))
    return shell.page(ctx, "BOMs", content, shell.csrf_token(ctx), "/app/boms")


def _lines(ctx: RequestContext, ids: list[str]) -> dict[str, list[tuple[str, int]]]:
    """The page's BOMs' lines as (SKU, quantity per unit)."""
    found: dict[str, list[tuple[str, int]]] = {}
    rows = list(BomLine.scoped(ctx).where(BomLine.bom_id.in_(ids)).order_by(BomLine.bom_id, BomLine.position)) if ids else []
    items = boms.items_by_id(ctx, {row.item_id for row in rows})
    for row in rows:
        found.setdefault(row.bom_id, []).append((items[row.item_id].sku, row.quantity))
    return found


def _bom_row(bom: dict[str, Any], lines: list[tuple[str, int]], may_write: bool) -> str:
    parts = ", ".join(f"{html.escape(sku)} × {shown(quantity):,}" for sku, quantity in lines)
    note = f'<br><small>{html.escape(bom["note"])}</small>' if bom["note"] else ""
    action = ""
    if may_write and not bom["is_default"]:
        action = (f'<form method=post action="{BOM_API}set_default_bom" data-method class=inline>{shell.alert()}'
                  f'<input type=hidden name=bom value="{html.escape(bom["id"])}"><button type=submit class=secondary '
                  f'aria-label="Make version {bom["version"]} of {html.escape(bom["item"])} the default">Make default'
                  '</button></form>')
    return (f'<tr><td>{item_link(bom["item"])} {html.escape(bom["item_name"])}</td><td>{bom["version"]}</td>'
            f'<td>{parts}{note}</td><td>{"Yes" if bom["is_default"] else "No"}</td>'
            f'<td>{"Yes" if bom["locked"] else "No"}</td><td>{action}</td></tr>')


def _bom_form() -> str:
    return ('<section class=card aria-labelledby=new-bom><h2 id=new-bom>New BOM (or a new version)</h2>'
            f'<form method=post action="{BOM_API}create_bom" data-method>{shell.alert()}'
            f'{shell.field("bom", "item", "Item SKU (what the BOM makes)")}'
            '<p class=field><label for=bom-lines>Components, one "SKU quantity" a line</label>'
            '<textarea id=bom-lines name=lines_text rows=5 cols=40 required '
            'aria-describedby="bom-lines-error bom-lines-list-error"></textarea>'
            '<span class=error id=bom-lines-error data-error-for=lines_text></span>'
            '<span class=error id=bom-lines-list-error data-error-for=lines></span></p>'
            f'{shell.field("bom", "note", "Note", required=False)}'
            f'{shell.select("bom", "make_default", "Make it the default", [("true", "Yes"), ("false", "No")])}'
            '<p><button type=submit>Create BOM</button></p></form></section>')


@signed_in("read")
def builds_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                headers: dict[str, str]) -> HtmlResult:
    status = query.get("status") or None
    if status is not None and status not in STATUSES:
        raise shell.BadListQuery(f"Unknown status {status!r}")
    offset = shell.offset_of(query)
    page = builds.list_builds(ctx, PAGE_SIZE, offset, status)
    may_write = "write" in ctx.require_principal().rights
    rows = "".join(
        f'<tr><td><a href="/app/builds/{html.escape(b["id"])}">{html.escape(b["id"][-8:])}</a></td>'
        f'<td>{item_link(b["item"])} {html.escape(b["item_name"])}</td><td>{b["quantity"]:,}</td>'
        f'<td>{STATUS_NAMES[b["status"]]}</td><td>{shell.when(b["created_at"])}</td>'
        f'<td>{shell.when(b["completed_at"])}</td></tr>' for b in page["data"]) or "<tr><td colspan=6>No builds.</td></tr>"
    filters = ('<form method=get class=filters role=search><label for=status>Status</label><select id=status name=status>'
               f'{shell.options([("", "Any status"), *STATUS_NAMES.items()], status or "")}</select>'
               '<button type=submit class=secondary>Show</button></form>')
    table = ('<table><caption>Builds, newest first</caption><thead><tr><th scope=col>Build</th><th scope=col>Item</th>'
             '<th scope=col>Quantity</th><th scope=col>Status</th><th scope=col>Planned</th><th scope=col>Completed</th>'
             f'</tr></thead><tbody>{rows}</tbody></table>')
    intro = '<p>Components consumed and units made from a BOM, in one step. <a href="/app/boms">BOMs</a></p>'
    content = (intro + (_build_form(ctx) if may_write else "") + filters + table
               + shell.pager("/app/builds", page, offset, PAGE_SIZE, "builds", status=status))
    return shell.page(ctx, "Builds", content, shell.csrf_token(ctx), "/app/builds")


def _build_form(ctx: RequestContext) -> str:
    choices = [(w["code"], f'{w["code"]} {w["name"]}')
               for w in warehouses.list_warehouses(ctx, WAREHOUSE_CHOICES, 0, active=True)["data"]]
    if not choices:
        return '<p class=card>To plan a build, first <a href="/app/warehouses">create a warehouse</a>.</p>'
    return ('<section class=card aria-labelledby=new-build><h2 id=new-build>Plan a build</h2>'
            f'<form method=post action="{BUILD_API}create_build" data-method>{shell.alert()}'
            f'{shell.field("build", "item", "Item SKU (its default BOM)")}{shell.field("build", "quantity", "Quantity")}'
            f'{shell.select("build", "warehouse", "Components from warehouse", choices)}'
            f'{shell.field("build", "bin", "From bin (default: any, in bin order)", required=False)}'
            f'{shell.select("build", "explode", "Make sub-assemblies on the way (consume every level)", YES_NO)}'
            f'{shell.select("build", "output_warehouse", "Units to warehouse", [("", "The same"), *choices])}'
            f'{shell.field("build", "output_bin", "Units to bin (default MAIN)", required=False)}'
            f'{shell.field("build", "serial_prefix", "Serial number prefix (serial-tracked items)", required=False)}'
            f'{shell.field("build", "batch", "Batch (batch-tracked items)", required=False)}'
            f'{shell.select("build", "with_codes", "An authentication code per unit", YES_NO)}'
            f'{shell.field("build", "note", "Note", required=False)}'
            '<p><button type=submit>Plan build</button></p></form></section>')


@signed_in("read")
def build_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
               headers: dict[str, str]) -> HtmlResult:
    ref = params["build"].strip()
    if not CODE.fullmatch(ref):
        raise builds.BuildNotFound("Build not found")
    build = builds.build_dict(ctx, builds.find_build(ctx, ref))
    planned = build["status"] == PLANNED
    unit = html.escape(build["unit"])
    facts = (f'<p><a href="/app/builds">All builds</a></p><ul class=stats>'
             f'<li><strong>{STATUS_NAMES[build["status"]]}</strong>status</li>'
             f'<li><strong>{build["quantity"]:,} {unit}</strong>{item_link(build["item"])}</li>'
             f'<li><strong>v{build["bom_version"]}</strong>BOM{" (every level)" if build["explode"] else ""}</li>'
             + (f'<li><strong>{amount(build["unit_cost"])}</strong>unit cost</li>' if build["unit_cost"] is not None
                else "") + '</ul>'
             f'<p>Components from {html.escape(build["warehouse"])}{"/" + html.escape(build["bin"]) if build["bin"] else ""}'
             f'; units to {html.escape(build["output_warehouse"])}/{html.escape(build["output_bin"])}'
             f'{" · batch " + html.escape(build["batch"]) if build["batch"] else ""}'
             f'{" · code batch " + html.escape(build["code_batch"]) if build["code_batch"] else ""}'
             f'{" · " + html.escape(build["note"]) if build["note"] else ""}</p>')
    content = facts + _requirements(build) + _serials(build)
    if planned and "write" in ctx.require_principal().rights:
        content += _actions(build)
    return shell.page(ctx, f'Build of {build["item"]}', content, shell.csrf_token(ctx), "/app/builds")


def _requirements(build: dict[str, Any]) -> str:
    planned = build["status"] == PLANNED
    rows = "".join(
        f'<tr><td>{item_link(r["item"])} {html.escape(r["name"])}</td><td>{r["needed"]:,} {html.escape(r["unit"])}</td>'
        + (f'<td>{r["available"]:,}</td><td{" class=error" if r["short"] else ""}>{r["short"]:,}</td>' if planned else "")
        + '</tr>' for r in build["requirements"])
    more = "<th scope=col>Available</th><th scope=col>Short</th>" if planned else ""
    ready = ""
    if planned:
        ready = ("<p>Everything is there: the build can be completed.</p>" if build["ready"]
                 else "<p class=error>Something is short: complete it once the components are in.</p>")
        if build["with_codes"] and build["codes_available"] is not None:
            ready += f'<p>Codes the plan still allows: {build["codes_available"]:,}.</p>'
    return ('<h2>Components</h2><table><caption>What the build consumes</caption><thead><tr>'
            f'<th scope=col>Component</th><th scope=col>Needed</th>{more}</tr></thead><tbody>{rows}</tbody></table>{ready}')


def _serials(build: dict[str, Any]) -> str:
    serials = build["serial_numbers"]
    if not serials:
        return ""
    listed = ", ".join(html.escape(s) for s in serials[:SERIALS_SHOWN])
    more = f" and {len(serials) - SERIALS_SHOWN:,} more" if len(serials) > SERIALS_SHOWN else ""
    return f'<h2>Serial numbers</h2><p>{listed}{more}</p>'


def _actions(build: dict[str, Any]) -> str:
    ident = html.escape(build["id"])
    return ('<section class=card aria-labelledby=finish><h2 id=finish>Complete or cancel</h2>'
            f'<form method=post action="{BUILD_API}complete_build" data-method>{shell.alert()}'
            f'<input type=hidden name=build value="{ident}">'
            '<p class=field><label for=complete-components>Component serial numbers, one "SKU serial" a line '
            '(default: picked in bin order)</label><textarea id=complete-components name=component_serials_text rows=3 '
            'cols=40 aria-describedby="complete-components-error complete-components-list-error"></textarea>'
            '<span class=error id=complete-components-error data-error-for=component_serials_text></span>'
            '<span class=error id=complete-components-list-error data-error-for=components></span></p>'
            f'{shell.field("complete", "reason", "Reason", required=False)}'
            '<p><button type=submit>Complete build</button></p></form>'
            f'<form method=post action="{BUILD_API}cancel_build" data-method data-confirm="Cancel this build?">'
            f'{shell.alert()}<input type=hidden name=build value="{ident}">'
            f'{shell.field("cancel", "reason", "Why cancel", required=False)}'
            '<p><button type=submit class=secondary>Cancel build</button></p></form></section>')

