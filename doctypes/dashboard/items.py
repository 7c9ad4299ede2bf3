"""Items: the list (by SKU or name, tracking and active) with a form to create one and an
Activate or Deactivate button on each; and one item's page: its stock per bin, value, recent
ledger entries and the Receive, Issue, Transfer, Adjust and Count forms."""

from __future__ import annotations

import html
from typing import Any

from doctypes.item import service as items
from doctypes.item.quantities import shown
from doctypes.stock import reports
from doctypes.stock.model import ItemValue
from doctypes.warehouse import service as warehouses
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell
from .ledger import CODE, amount, entries_table, item_link

API = "/api/method/doctypes.item.api."
STOCK_API = "/api/method/doctypes.stock.api."
PAGE_SIZE = 50
RECENT_ENTRIES = 50  # on the item's page; the ledger page has the rest
WAREHOUSE_CHOICES = 200  # the move forms' warehouses, by code
TRACKINGS = {"none": "By quantity", "batch": "By batch", "serial": "By serial number"}
ACTIVE = {"active": "Active", "inactive": "Inactive"}
SORTS = {"sku": "SKU, first to last", "-sku": "SKU, last to first", "-created": "Newest first",
         "created": "Oldest first"}
HEADINGS = ("Id", "SKU", "Name", "Tracking", "Unit", "GTIN", "Reorder level", "Allow negative stock", "Active",
            "Product id", "Created")


@signed_in("read")
def items_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
               headers: dict[str, str]) -> HtmlResult:
    search = (query.get("search") or "").strip()[:255] or None
    tracking, active = query.get("tracking") or None, query.get("active") or None
    if tracking is not None and tracking not in TRACKINGS:
        raise shell.BadListQuery(f"Unknown tracking {tracking!r}")
    if active is not None and active not in ACTIVE:
        raise shell.BadListQuery("active must be active or inactive")
    is_active = None if active is None else active == "active"
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = items.list_items(ctx, shell.CSV_ROWS, offset, search, tracking, is_active, sort)
        return shell.csv_result("items", HEADINGS, (
            [i["id"], i["sku"], i["name"], i["tracking"], i["unit"], i["gtin"], i["reorder_level"],
             i["allow_negative_stock"], i["active"], i["product_id"], i["created_at"]] for i in page["data"]))
    page = items.list_items(ctx, PAGE_SIZE, offset, search, tracking, is_active, sort)
    may_write = "write" in ctx.require_principal().rights
    held = _held(ctx, [i["id"] for i in page["data"]])
    rows = "".join(_row(i, held.get(i["id"], 0), may_write) for i in page["data"]) or (
        "<tr><td colspan=7>No items match.</td></tr>")
    filters = ('<form method=get class=filters role=search><label for=search>SKU or name contains</label>'
               f'<input id=search name=search value="{html.escape(search or "")}">'
               f'<label for=tracking>Tracking</label><select id=tracking name=tracking>'
               f'{shell.options([("", "Any tracking"), *TRACKINGS.items()], tracking or "")}</select>'
               f'<label for=active>Active</label><select id=active name=active>'
               f'{shell.options([("", "Active or not"), *ACTIVE.items()], active or "")}</select>'
               f'{shell.sort_field(SORTS, sort)}<button type=submit class=secondary>Search</button></form>')
    table = (f'<table><caption>Items: {SORTS[sort].lower()}</caption><thead><tr><th scope=col>SKU</th>'
             '<th scope=col>Name</th><th scope=col>Tracking</th><th scope=col>In stock</th>'
             '<th scope=col>Reorder level</th><th scope=col>Active</th><th scope=col>Actions</th></tr></thead>'
             f'<tbody>{rows}</tbody></table>')
    pages = shell.pager("/app/items", page, offset, PAGE_SIZE, "items", search=search, tracking=tracking,
                        active=active, sort=sort)
    download = shell.csv_link("/app/items", search=search, tracking=tracking, active=active, sort=sort, offset=offset)
    intro = ('<p>What the stock ledger counts: <a href="/app/warehouses">Warehouses</a> · '
             '<a href="/app/stock-ledger">Stock ledger</a></p>')
    content = intro + (_create_form() if may_write else "") + filters + table + pages + download
    return shell.page(ctx, "Items", content, shell.csrf_token(ctx), "/app/items")


@signed_in("read")
def item_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
              headers: dict[str, str]) -> HtmlResult:
    ref = params["item"].strip()
    if not CODE.fullmatch(ref):  # what the item methods accept: anything else names no item
        raise items.ItemNotFound("Item not found")
    found = items.find_item(ctx, ref)
    item, stock = items.item_dict(found), reports.get_stock(ctx, found.id)
    recent = reports.list_ledger(ctx, RECENT_ENTRIES, 0, item=found.id)
    may_write = "write" in ctx.require_principal().rights
    unit = html.escape(item["unit"])
    average = "none (nothing in stock)" if stock["average_cost"] is None else amount(stock["average_cost"])
    low = ' · <strong class=error>Below its reorder level</strong>' if stock["below_reorder_level"] else ""
    facts = (f'<ul class=stats><li><strong>{stock["quantity"]:,} {unit}</strong>in stock{low}</li>'
             f'<li><strong>{amount(stock["value"])}</strong>value</li><li><strong>{average}</strong>average cost</li>'
             f'<li><strong>{item["reorder_level"]:,} {unit}</strong>reorder level</li></ul>')
    attributes = ", ".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in item["attributes"].items())
    details = (f'<p><a href="/app/items">All items</a></p><p>SKU <code>{html.escape(item["sku"])}</code> · '
               f'{TRACKINGS[item["tracking"]].lower()} · unit {unit}'
               f'{" · GTIN " + html.escape(item["gtin"]) if item["gtin"] else ""}'
               f'{" · negative stock allowed" if item["allow_negative_stock"] else ""}'
               f'{" · " + attributes if attributes else ""}</p>'
               + ("" if item["active"] else "<p class=sandbox role=note>Inactive: stock moves refuse this item.</p>"))
    levels = "".join(f'<tr><td>{html.escape(level["warehouse"])}</td><td>{html.escape(level["bin"])}</td>'
                     f'<td>{html.escape(level["batch"] or "")}</td><td>{level["quantity"]:,}</td></tr>'
                     for level in stock["levels"]) or "<tr><td colspan=4>None in any bin.</td></tr>"
    serials = (f'<p>{stock["serials_in_stock"]:,} serial numbers in stock.</p>' if "serials_in_stock" in stock else "")
    levels_table = ('<h2>Stock per bin</h2><table><caption>Levels by warehouse and bin</caption><thead><tr>'
                    '<th scope=col>Warehouse</th><th scope=col>Bin</th><th scope=col>Batch</th>'
                    f'<th scope=col>Quantity ({unit})</th></tr></thead><tbody>{levels}</tbody></table>{serials}')
    more = (f'<p><a href="/app/stock-ledger?item={html.escape(item["sku"])}">All {recent["total"]:,} entries of '
            f'{html.escape(item["sku"])}</a></p>')
    entries = ('<h2>Recent entries</h2>'
               + entries_table(f"The latest {RECENT_ENTRIES} entries, newest first", recent["data"], "No entries yet.")
               + more)
    forms = _move_forms(ctx, item) if may_write and item["active"] else ""
    content = details + facts + forms + levels_table + entries
    return shell.page(ctx, f'{item["sku"]} {item["name"]}', content, shell.csrf_token(ctx), "/app/items")


def _held(ctx: RequestContext, ids: list[str]) -> dict[str, int | float]:
    """Each of the page's items' total in stock."""
    if not ids:
        return {}
    return {item_id: shown(quantity) for item_id, quantity in
            ItemValue.scoped(ctx, ItemValue.item_id, ItemValue.quantity).where(ItemValue.item_id.in_(ids)).tuples()}


def _create_form() -> str:
    return ('<section class=card aria-labelledby=new-item><h2 id=new-item>New item</h2>'
            f'<form method=post action="{API}create_item" data-method>{shell.alert()}'
            f'{shell.field("item", "sku", "SKU (letters, digits, - _ .)")}{shell.field("item", "name", "Name")}'
            f'{shell.select("item", "tracking", "Tracking", list(TRACKINGS.items()))}'
            f'{shell.field("item", "unit", "Unit (default pcs)", required=False)}'
            f'{shell.field("item", "reorder_level", "Reorder level", required=False)}'
            f'{shell.field("item", "gtin", "GTIN (8, 12, 13 or 14 digits)", required=False)}'
            '<p><button type=submit>Create item</button></p></form></section>')


def _row(item: dict[str, Any], held: int | float, may_write: bool) -> str:
    sku = html.escape(item["sku"])
    actions = ""
    if may_write:
        action, label = ("deactivate_item", "Deactivate") if item["active"] else ("activate_item", "Activate")
        actions = (f'<form method=post action="{API}{action}" data-method class=inline>{shell.alert()}'
                   f'<input type=hidden name=item value="{html.escape(item["id"])}">'
                   f'<button type=submit class=secondary aria-label="{label} {sku}">{label}</button></form>')
    return (f'<tr><td>{item_link(item["sku"])}</td><td>{html.escape(item["name"])}</td>'
            f'<td>{TRACKINGS[item["tracking"]]}</td><td>{held:,} {html.escape(item["unit"])}</td>'
            f'<td>{item["reorder_level"]:,}</td><td>{"Yes" if item["active"] else "No"}</td><td>{actions}</td></tr>')


def _move_forms(ctx: RequestContext, item: dict[str, Any]) -> str:
    """Receive, Issue, Transfer, Adjust and Count, each posting to its stock method."""
    choices = [(w["code"], f'{w["code"]} {w["name"]}')
               for w in warehouses.list_warehouses(ctx, WAREHOUSE_CHOICES, 0, active=True)["data"]]
    if not choices:
        return '<p class=card>To move stock, first <a href="/app/warehouses">create a warehouse</a>.</p>'
    serial, batch = item["tracking"] == "serial", item["tracking"] == "batch"

    def units(form: str) -> str:
        return _serials(form) if serial else shell.field(form, "quantity", "Quantity")

    def lot(form: str) -> str:
        return shell.field(form, "batch", "Batch") if batch else ""

    def place(form: str) -> str:
        return (shell.select(form, "warehouse", "Warehouse", choices)
                + shell.field(form, "bin", "Bin (default MAIN)", required=False))

    def why(form: str, required: bool = False) -> str:
        return (shell.field(form, "reason", "Reason", required=required)
                + shell.field(form, "reference", "Reference (an order, a count sheet)", required=False))

    forms = [
        ("receive", "Receive", place("receive") + units("receive") + lot("receive")
         + shell.field("receive", "unit_cost", "Unit cost (default: the average cost)", required=False)
         + why("receive")),
        ("issue", "Issue", place("issue") + units("issue") + lot("issue") + why("issue")),
        ("transfer", "Transfer", shell.select("transfer", "from_warehouse", "From warehouse", choices)
         + shell.field("transfer", "from_bin", "From bin (default MAIN)", required=False)
         + shell.select("transfer", "to_warehouse", "To warehouse", choices)
         + shell.field("transfer", "to_bin", "To bin (default MAIN)", required=False)
         + units("transfer") + lot("transfer") + why("transfer")),
        ("adjust", "Adjust", place("adjust")
         + shell.field("adjust", "change", "Change (units found, or lost with a minus)")
         + (_serials("adjust", required=False) if serial else "") + lot("adjust") + why("adjust", required=True)),
        ("count", "Count", place("count") + shell.field("count", "counted", "Counted") + lot("count")
         + why("count")),
    ]
    body = "".join(
        f'<details><summary>{label}</summary><form method=post action="{STOCK_API}{method}" data-method>'
        f'{shell.alert()}<input type=hidden name=item value="{html.escape(item["id"])}">{fields}'
        f'<p><button type=submit>{label}</button></p></form></details>' for method, label, fields in forms)
    return f'<section class=card aria-labelledby=moves><h2 id=moves>Move stock</h2>{body}</section>'


def _serials(form: str, required: bool = True) -> str:
    """The serial numbers, one a line (serial_numbers_text); the method's complaints about the
    serial numbers themselves (not in the bin, in stock already) go beside it too."""
    ident = f"{form}-serials"
    return (f'<p class=field><label for={ident}>Serial numbers, one a line</label>'
            f'<textarea id={ident} name=serial_numbers_text rows=4 cols=40{" required" if required else ""} '
            f'aria-describedby="{ident}-error {ident}-list-error"></textarea>'
            f'<span class=error id={ident}-error data-error-for=serial_numbers_text></span>'
            f'<span class=error id={ident}-list-error data-error-for=serial_numbers></span></p>')
