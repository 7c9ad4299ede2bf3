"""Sales orders: the list (by status) with a form to create one, and one order's page: its lines,
Confirm and Cancel, a Ship form per open line (serial-tracked units picked one a line) and the
order's shipments."""

from __future__ import annotations

import html
from typing import Any

from marshmallow import ValidationError

from doctypes.item.lines import NumberedRef
from doctypes.party import service as parties
from doctypes.sales_order import service as orders
from doctypes.sales_order.model import CANCELLABLE, CLOSABLE, DRAFT, SHIPPABLE, STATUSES
from doctypes.sales_order.schema import MAX_LINES
from doctypes.shipment import service as shipments
from doctypes.warehouse import service as warehouses
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell
from .ledger import amount, item_link

API = "/api/method/doctypes.sales_order.api."
SHIP_API = "/api/method/doctypes.shipment.api.create_shipment"
PAGE_SIZE = 50
CHOICES = 200  # customers and warehouses offered by the forms' selects
SHIPMENTS_SHOWN = 100  # on the order's page
STATUS_NAMES = {"draft": "Draft", "confirmed": "Confirmed", "partially_shipped": "Partially shipped",
                "shipped": "Shipped", "cancelled": "Cancelled"}


@signed_in("read")
def orders_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                headers: dict[str, str]) -> HtmlResult:
    status = query.get("status") or None
    if status is not None and status not in STATUSES:
        raise shell.BadListQuery(f"Unknown status {status!r}")
    offset = shell.offset_of(query)
    page = orders.list_sales_orders(ctx, PAGE_SIZE, offset, status=status)
    may_write = "write" in ctx.require_principal().rights
    rows = "".join(_row(order) for order in page["data"]) or "<tr><td colspan=7>No sales orders match.</td></tr>"
    filters = ('<form method=get class=filters role=search><label for=status>Status</label>'
               f'<select id=status name=status>{shell.options([("", "Any status"), *STATUS_NAMES.items()], status or "")}'
               '</select><button type=submit class=secondary>Show</button></form>')
    table = ('<table><caption>Sales orders, newest first</caption><thead><tr><th scope=col>Number</th>'
             '<th scope=col>Customer</th><th scope=col>Reference</th><th scope=col>Status</th>'
             '<th scope=col>Shipped</th><th scope=col>Total</th><th scope=col>Created</th></tr></thead>'
             f'<tbody>{rows}</tbody></table>')
    pages = shell.pager("/app/sales-orders", page, offset, PAGE_SIZE, "sales orders", status=status)
    intro = '<p>Orders of customers, shipped from stock: <a href="/app/items">Items</a> · <a href="/app/parties">Parties</a></p>'
    content = intro + (_create_form(ctx) if may_write else "") + filters + table + pages
    return shell.page(ctx, "Sales orders", content, shell.csrf_token(ctx), "/app/sales-orders")


@signed_in("read")
def order_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
               headers: dict[str, str]) -> HtmlResult:
    found = orders.find_order(ctx, _ref(params["order"]))
    order = orders.order_dict(ctx, found)
    may_write = "write" in ctx.require_principal().rights
    customer = html.escape(order["customer"]["name"])
    facts = (f'<p><a href="/app/sales-orders">All sales orders</a></p>'
             f'<ul class=stats><li><strong>{STATUS_NAMES[order["status"]]}</strong>status</li>'
             f'<li><strong>{customer}</strong>customer</li><li><strong>{amount(order["total"])}</strong>total</li></ul>'
             + (f'<p>Reference {html.escape(order["reference"])}</p>' if order["reference"] else "")
             + (f'<p>Ship to: {html.escape(order["ship_to"])}</p>' if order["ship_to"] else ""))
    lines = "".join(
        f'<tr><td>{line["line"]}</td><td>{item_link(line["item"])}</td><td>{html.escape(line["item_name"])}</td>'
        f'<td>{line["quantity"]:,} {html.escape(line["unit"])}</td><td>{line["shipped"]:,}</td>'
        f'<td>{line["remaining"]:,}</td><td>{amount(line["unit_price"])}</td><td>{amount(line["amount"])}</td></tr>'
        for line in order["lines"])
    lines_table = ('<h2>Lines</h2><table><caption>The order\'s lines and what each has shipped</caption><thead><tr>'
                   '<th scope=col>Line</th><th scope=col>Item</th><th scope=col>Name</th><th scope=col>Ordered</th>'
                   '<th scope=col>Shipped</th><th scope=col>Left</th><th scope=col>Unit price</th>'
                   f'<th scope=col>Amount</th></tr></thead><tbody>{lines}</tbody></table>')
    actions = _actions(order) + (_ship_forms(ctx, order) if order["status"] in SHIPPABLE else "") if may_write else ""
    shipped = shipments.list_shipments(ctx, SHIPMENTS_SHOWN, 0, order=order["id"])
    content = facts + actions + lines_table + _shipments_table(shipped["data"])
    return shell.page(ctx, f'{order["number"]} {order["customer"]["name"]}', content, shell.csrf_token(ctx),
                      "/app/sales-orders")


def _ref(ref: str) -> str:
    """What the order methods accept (an id or SO- number); anything else names no order."""
    try:
        return NumberedRef("SO", "sales order").deserialize(ref)
    except ValidationError:
        raise orders.SalesOrderNotFound() from None


def _row(order: dict[str, Any]) -> str:
    number = html.escape(order["number"])
    ordered = sum(line["quantity"] for line in order["lines"])
    shipped = sum(line["shipped"] for line in order["lines"])
    return (f'<tr><td><a href="/app/sales-orders/{number}">{number}</a></td>'
            f'<td>{html.escape(order["customer"]["name"])}</td><td>{html.escape(order["reference"] or "")}</td>'
            f'<td>{STATUS_NAMES[order["status"]]}</td><td>{shipped:,} of {ordered:,}</td>'
            f'<td>{amount(order["total"])}</td><td>{shell.when(order["created_at"])}</td></tr>')


def _create_form(ctx: RequestContext) -> str:
    customers = [(p["id"], p["name"]) for p in parties.list_parties(ctx, CHOICES, 0, role="customer")["data"]]
    if not customers:
        return ('<p class=card>To take an order, first <a href="/app/parties">add a party</a> with the customer '
                'role.</p>')
    return ('<section class=card aria-labelledby=new-order><h2 id=new-order>New sales order</h2>'
            f'<form method=post action="{API}create_sales_order" data-method>{shell.alert()}'
            f'{shell.select("order", "customer", "Customer", customers)}'
            '<p class=field><label for=order-lines>Lines: one a row, ITEM QUANTITY [UNIT PRICE]</label>'
            f'<textarea id=order-lines name=lines_text rows=4 cols=40 required aria-describedby="order-lines-error '
            'order-lines-list-error"></textarea><span class=error id=order-lines-error data-error-for=lines_text></span>'
            '<span class=error id=order-lines-list-error data-error-for=lines></span></p>'
            f'{shell.field("order", "reference", "Customer reference (their order number)", required=False)}'
            f'{shell.field("order", "ship_to", "Ship to (address)", required=False)}'
            f'{shell.select("order", "confirm", "Save as", [("false", "Draft"), ("true", "Confirmed (ready to ship)")])}'
            f'<p><button type=submit>Create order</button></p><p>At most {MAX_LINES} lines.</p></form></section>')


def _actions(order: dict[str, Any]) -> str:
    buttons = [("confirm_sales_order", "Confirm")] if order["status"] == DRAFT else []
    buttons += [("cancel_sales_order", "Cancel order")] if order["status"] in CANCELLABLE else []
    buttons += [("close_sales_order", "Close (the rest will not ship)")] if order["status"] in CLOSABLE else []
    return "".join(f'<form method=post action="{API}{method}" data-method class=inline>{shell.alert()}'
                   f'<input type=hidden name=order value="{html.escape(order["id"])}">'
                   f'<button type=submit class=secondary>{label}</button></form>' for method, label in buttons)


def _ship_forms(ctx: RequestContext, order: dict[str, Any]) -> str:
    """A Ship form for each line with units left: from which warehouse and bin, how many (or which serials)."""
    choices = [(w["code"], f'{w["code"]} {w["name"]}')
               for w in warehouses.list_warehouses(ctx, CHOICES, 0, active=True)["data"]]
    if not choices:
        return '<p class=card>To ship, first <a href="/app/warehouses">create a warehouse</a>.</p>'
    forms = []
    for line in order["lines"]:
        if line["remaining"] <= 0:
            continue
        form = f'ship-{line["line"]}'
        label = f'Ship line {line["line"]}: {line["item"]} ({line["remaining"]:,} left)'
        units = (_serials(form) if line["tracking"] == "serial"
                 else shell.field(form, "quantity", "Quantity", value=str(line["remaining"])))
        lot = shell.field(form, "batch", "Batch") if line["tracking"] == "batch" else ""
        forms.append(
            f'<details><summary>{html.escape(label)}</summary><form method=post action="{SHIP_API}" data-method>'
            f'{shell.alert()}<input type=hidden name=order value="{html.escape(order["id"])}">'
            f'<input type=hidden name=line value="{line["line"]}">'
            f'{shell.select(form, "warehouse", "Warehouse", choices)}'
            f'{shell.field(form, "bin", "Bin (default MAIN)", required=False)}{units}{lot}'
            f'{shell.field(form, "carrier", "Carrier", required=False)}'
            f'{shell.field(form, "tracking_number", "Tracking number", required=False)}'
            f'<p><button type=submit>Ship line {line["line"]}</button></p></form></details>')
    return f'<section class=card aria-labelledby=ship><h2 id=ship>Ship</h2>{"".join(forms)}</section>'


def _serials(form: str) -> str:
    """The units that leave, one serial number a line (serial_numbers_text)."""
    ident = f"{form}-serials"
    return (f'<p class=field><label for={ident}>Serial numbers, one a line</label>'
            f'<textarea id={ident} name=serial_numbers_text rows=4 cols=40 required '
            f'aria-describedby="{ident}-error {ident}-list-error"></textarea>'
            f'<span class=error id={ident}-error data-error-for=serial_numbers_text></span>'
            f'<span class=error id={ident}-list-error data-error-for=serial_numbers></span></p>')


def _shipments_table(rows: list[dict[str, Any]]) -> str:
    body = "".join(
        f'<tr><td>{html.escape(s["number"])}</td><td>{shell.when(s["created_at"])}</td>'
        f'<td>{html.escape(s["warehouse"])}/{html.escape(s["bin"])}</td>'
        f'<td>{html.escape(_shipped_lines(s["lines"]))}</td>'
        f'<td>{html.escape(", ".join(s["serial_numbers"]))}</td><td>{html.escape(s["carrier"])}</td>'
        f'<td>{html.escape(s["tracking_number"])}</td></tr>' for s in rows) or "<tr><td colspan=7>Nothing shipped yet.</td></tr>"
    return ('<h2>Shipments</h2><table><caption>Shipments of this order, newest first</caption><thead><tr>'
            '<th scope=col>Number</th><th scope=col>When</th><th scope=col>From</th><th scope=col>Lines</th>'
            '<th scope=col>Serial numbers</th><th scope=col>Carrier</th><th scope=col>Tracking number</th></tr></thead>'
            f'<tbody>{body}</tbody></table>')


def _shipped_lines(lines: list[dict[str, Any]]) -> str:
    return ", ".join(f'{line["item"]} × {line["quantity"]:,}' for line in lines)
