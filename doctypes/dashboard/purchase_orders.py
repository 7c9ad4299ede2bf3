"""Purchase orders: the list (by status) with a form to create one, and one order's page: its
lines, Add line, Remove, Place, Cancel and Close, a Receive form per line with units to come,
and the stock receipts posted against it."""

from __future__ import annotations

import html
from typing import Any

from marshmallow import ValidationError

from doctypes.item.lines import NumberedRef
from doctypes.item.model import Item
from doctypes.item.quantities import shown
from doctypes.party import service as parties
from doctypes.purchase_order import service as orders
from doctypes.purchase_order.model import DRAFT, OPEN, ORDERED, PARTIALLY_RECEIVED, STATUSES
from doctypes.purchase_order.schema import MAX_LINES
from doctypes.stock.model import StockEntry
from doctypes.warehouse import service as warehouses
from doctypes.warehouse.model import Bin, Warehouse
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell
from .ledger import amount, item_link

API = "/api/method/doctypes.purchase_order.api."
PAGE_SIZE = 50
CHOICES = 200  # vendors and warehouses offered by the forms' selects
RECEIPTS_SHOWN = 200  # ledger entries on the order's page
STATUS_NAMES = {"draft": "Draft", "ordered": "Ordered", "partially_received": "Partially received",
                "received": "Received", "closed": "Closed", "cancelled": "Cancelled"}


@signed_in("read")
def orders_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                headers: dict[str, str]) -> HtmlResult:
    status = query.get("status") or None
    if status is not None and status not in STATUSES:
        raise shell.BadListQuery(f"Unknown status {status!r}")
    offset = shell.offset_of(query)
    page = orders.list_purchase_orders(ctx, PAGE_SIZE, offset, status=status)
    may_write = "write" in ctx.require_principal().rights
    rows = "".join(_row(order) for order in page["data"]) or "<tr><td colspan=7>No purchase orders match.</td></tr>"
    filters = ('<form method=get class=filters role=search><label for=status>Status</label>'
               f'<select id=status name=status>{shell.options([("", "Any status"), *STATUS_NAMES.items()], status or "")}'
               '</select><button type=submit class=secondary>Show</button></form>')
    table = ('<table><caption>Purchase orders, newest first</caption><thead><tr><th scope=col>Order</th>'
             '<th scope=col>Vendor</th><th scope=col>Reference</th><th scope=col>Status</th><th scope=col>Lines</th>'
             '<th scope=col>Total</th><th scope=col>Expected</th></tr></thead>'
             f'<tbody>{rows}</tbody></table>')
    pages = shell.pager("/app/purchase-orders", page, offset, PAGE_SIZE, "purchase orders", status=status)
    intro = ('<p>What is ordered from vendors, received into stock: <a href="/app/items">Items</a> · '
             '<a href="/app/parties">Parties</a> · <a href="/app/stock-ledger">Stock ledger</a></p>')
    content = intro + (_create_form(ctx) if may_write else "") + filters + table + pages
    return shell.page(ctx, "Purchase orders", content, shell.csrf_token(ctx), "/app/purchase-orders")


@signed_in("read")
def order_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
               headers: dict[str, str]) -> HtmlResult:
    order = orders.order_dict(ctx, orders.find_order(ctx, _ref(params["purchase_order"])))
    may_write = "write" in ctx.require_principal().rights
    draft = order["status"] == DRAFT
    facts = (f'<p><a href="/app/purchase-orders">All purchase orders</a></p>'
             f'<ul class=stats><li><strong>{STATUS_NAMES[order["status"]]}</strong>status</li>'
             f'<li><strong>{html.escape(order["vendor"])}</strong>vendor</li>'
             f'<li><strong>{amount(order["total"])}</strong>total</li></ul>'
             + "".join(f'<p>{label} {html.escape(str(order[key]))}</p>' for key, label in (
                 ("expected_date", "Expected on"), ("reference", "Reference"), ("reason", "Why it ended:"))
                 if order[key]))
    lines = "".join(_line_row(order, line, may_write and draft) for line in order["lines"]) or (
        "<tr><td colspan=9>No lines yet.</td></tr>")
    lines_table = ('<h2>Lines</h2><table><caption>The order\'s lines and what each has received</caption><thead><tr>'
                   '<th scope=col>Line</th><th scope=col>Item</th><th scope=col>Name</th><th scope=col>Ordered</th>'
                   '<th scope=col>Received</th><th scope=col>Left</th><th scope=col>Unit cost</th>'
                   f'<th scope=col>Amount</th><th scope=col>Actions</th></tr></thead><tbody>{lines}</tbody></table>')
    forms = ""
    if may_write:
        forms = _actions(order) + (_add_line_form(order) if draft else "") + (
            _receive_forms(ctx, order) if order["status"] in OPEN else "")
    content = facts + forms + lines_table + _receipts(ctx, order)
    return shell.page(ctx, f'{order["name"]} {order["vendor"]}', content, shell.csrf_token(ctx),
                      "/app/purchase-orders")


def _ref(ref: str) -> str:
    """What the order methods accept (an id or PO- name); anything else names no order."""
    try:
        return NumberedRef("PO", "purchase order").deserialize(ref)
    except ValidationError:
        raise orders.PurchaseOrderNotFound() from None


def _row(order: dict[str, Any]) -> str:
    name = html.escape(order["name"])
    return (f'<tr><td><a href="/app/purchase-orders/{name}">{name}</a></td><td>{html.escape(order["vendor"])}</td>'
            f'<td>{html.escape(order["reference"] or "")}</td><td>{STATUS_NAMES[order["status"]]}</td>'
            f'<td>{order["line_count"]:,}</td><td>{amount(order["total"])}</td>'
            f'<td>{order["expected_date"] or ""}</td></tr>')


def _line_row(order: dict[str, Any], line: dict[str, Any], removable: bool) -> str:
    remove = ""
    if removable:
        remove = (f'<form method=post action="{API}remove_purchase_order_line" data-method class=inline>'
                  f'{shell.alert()}<input type=hidden name=order value="{html.escape(order["id"])}">'
                  f'<input type=hidden name=line value="{line["line"]}"><button type=submit class=secondary '
                  f'aria-label="Remove line {line["line"]}">Remove</button></form>')
    return (f'<tr><td>{line["line"]}</td><td>{item_link(line["item"])}</td><td>{html.escape(line["item_name"])}</td>'
            f'<td>{line["quantity"]:,} {html.escape(line["unit"])}</td><td>{line["received"]:,}</td>'
            f'<td>{line["remaining"]:,}</td><td>{amount(line["unit_cost"])}</td><td>{amount(line["amount"])}</td>'
            f'<td>{remove}</td></tr>')


def _create_form(ctx: RequestContext) -> str:
    vendors = [(p["id"], p["name"]) for p in parties.list_parties(ctx, CHOICES, 0, role="vendor")["data"]]
    if not vendors:
        return '<p class=card>To order, first <a href="/app/parties">add a party</a> with the vendor role.</p>'
    return ('<section class=card aria-labelledby=new-order><h2 id=new-order>New purchase order</h2>'
            f'<form method=post action="{API}create_purchase_order" data-method>{shell.alert()}'
            f'{shell.select("order", "vendor", "Vendor", vendors)}'
            '<p class=field><label for=order-lines>Lines: one a row, SKU QUANTITY [UNIT COST]</label>'
            '<textarea id=order-lines name=lines_text rows=4 cols=40 aria-describedby="order-lines-error '
            'order-lines-list-error"></textarea><span class=error id=order-lines-error data-error-for=lines_text></span>'
            '<span class=error id=order-lines-list-error data-error-for=lines></span></p>'
            f'{shell.field("order", "expected_date", "Expected on", kind="date", required=False)}'
            f'{shell.field("order", "reference", "Reference (the vendor quote)", required=False)}'
            f'<p><button type=submit>Create draft</button></p><p>At most {MAX_LINES} lines; a unit cost left out '
            'is the vendor\'s catalogue price.</p></form></section>')


def _actions(order: dict[str, Any]) -> str:
    status = order["status"]
    buttons = [("place_purchase_order", "Place order", "")] if status == DRAFT else []
    if status in (DRAFT, ORDERED):
        buttons.append(("cancel_purchase_order", "Cancel order", "Cancel this order?"))
    if status == PARTIALLY_RECEIVED:
        buttons.append(("close_purchase_order", "Close order", "Close it? What has not come is not expected."))
    return "".join(f'<form method=post action="{API}{method}" data-method class=inline'
                   f'{_confirm(confirm)}>{shell.alert()}'
                   f'<input type=hidden name=order value="{html.escape(order["id"])}">'
                   f'<button type=submit class=secondary>{label}</button></form>' for method, label, confirm in buttons)


def _confirm(question: str) -> str:
    return f' data-confirm="{html.escape(question)}"' if question else ""


def _add_line_form(order: dict[str, Any]) -> str:
    return ('<details><summary>Add a line</summary>'
            f'<form method=post action="{API}add_purchase_order_line" data-method>{shell.alert()}'
            f'<input type=hidden name=order value="{html.escape(order["id"])}">'
            f'{shell.field("add", "item", "Item (SKU)")}{shell.field("add", "quantity", "Quantity")}'
            f'{shell.field("add", "unit_cost", "Unit cost (default: the catalogue price)", required=False)}'
            '<p><button type=submit>Add line</button></p></form></details>')


def _receive_forms(ctx: RequestContext, order: dict[str, Any]) -> str:
    """A Receive form for each line with units to come: into which warehouse and bin, how many
    (or which serial numbers), and the batch of a batch-tracked item."""
    choices = [(w["code"], f'{w["code"]} {w["name"]}')
               for w in warehouses.list_warehouses(ctx, CHOICES, 0, active=True)["data"]]
    if not choices:
        return '<p class=card>To receive, first <a href="/app/warehouses">create a warehouse</a>.</p>'
    forms = []
    for line in order["lines"]:
        if line["remaining"] <= 0:
            continue
        form = f'receive-{line["line"]}'
        label = f'Receive line {line["line"]}: {line["item"]} ({line["remaining"]:,} to come)'
        units = (_serials(form) if line["tracking"] == "serial"
                 else shell.field(form, "quantity", "Quantity", value=str(line["remaining"])))
        lot = shell.field(form, "batch", "Batch") if line["tracking"] == "batch" else ""
        forms.append(
            f'<details><summary>{html.escape(label)}</summary><form method=post action="{API}receive_purchase_order" '
            f'data-method>{shell.alert()}<input type=hidden name=order value="{html.escape(order["id"])}">'
            f'<input type=hidden name=line value="{line["line"]}">'
            f'{shell.select(form, "warehouse", "Warehouse", choices)}'
            f'{shell.field(form, "bin", "Bin (default MAIN)", required=False)}{units}{lot}'
            f'{shell.field(form, "reason", "Note (a delivery note number)", required=False)}'
            f'<p class=error data-error-for=lines></p>'
            f'<p><button type=submit>Receive line {line["line"]}</button></p></form></details>')
    return f'<section class=card aria-labelledby=receive><h2 id=receive>Receive</h2>{"".join(forms)}</section>'


def _serials(form: str) -> str:
    """The units that came, one serial number a line (serial_numbers_text)."""
    ident = f"{form}-serials"
    return (f'<p class=field><label for={ident}>Serial numbers, one a line</label>'
            f'<textarea id={ident} name=serial_numbers_text rows=4 cols=40 required '
            f'aria-describedby="{ident}-error {ident}-list-error"></textarea>'
            f'<span class=error id={ident}-error data-error-for=serial_numbers_text></span>'
            f'<span class=error id={ident}-list-error data-error-for=serial_numbers></span></p>')


def _receipts(ctx: RequestContext, order: dict[str, Any]) -> str:
    """The stock receipts posted against the order (their reference is its name), newest first;
    read through its items' entries (the ledger's index by item), not the whole ledger."""
    entries = (StockEntry.scoped(ctx, StockEntry.created_at, Item.sku, Warehouse.code, Bin.code.alias("bin_code"),
                                 StockEntry.batch, StockEntry.serial, StockEntry.quantity, StockEntry.reason)
               .join(Item, on=(Item.id == StockEntry.item_id))
               .join(Warehouse, on=(Warehouse.id == StockEntry.warehouse_id), src=StockEntry)
               .join(Bin, on=(Bin.id == StockEntry.bin_id), src=StockEntry)
               .where(StockEntry.item_id.in_([line["item_id"] for line in order["lines"]]),
                      StockEntry.reference == order["name"], StockEntry.kind == "receipt")
               .order_by(StockEntry.id.desc()).limit(RECEIPTS_SHOWN))
    body = "".join(
        f'<tr><td>{shell.when(when)}</td><td>{item_link(sku)}</td><td>{html.escape(f"{code}/{bin_code}")}</td>'
        f'<td>{html.escape(batch or serial or "")}</td><td>{shown(quantity):+,}</td><td>{html.escape(reason)}</td></tr>'
        for when, sku, code, bin_code, batch, serial, quantity, reason in entries.tuples()) or (
        "<tr><td colspan=6>Nothing received yet.</td></tr>")
    return ('<h2>Receipts</h2><table><caption>Stock receipts against this order, newest first</caption><thead><tr>'
            '<th scope=col>When</th><th scope=col>Item</th><th scope=col>Into</th><th scope=col>Batch or serial</th>'
            f'<th scope=col>Quantity</th><th scope=col>Note</th></tr></thead><tbody>{body}</tbody></table>')
