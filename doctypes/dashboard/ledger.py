"""The stock ledger: every entry, newest first (or oldest), by item, warehouse and kind; and the
entry rows the item page shows too."""

from __future__ import annotations

import html
import re
from typing import Any

from doctypes.item.service import ItemNotFound, find_item
from doctypes.stock import reports
from doctypes.stock.model import KINDS
from doctypes.warehouse import service as warehouses
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

PAGE_SIZE = 50
WAREHOUSE_CHOICES = 200  # the select's warehouses, by code
CODE = re.compile(r"[A-Za-z0-9._-]{1,64}")  # an item's id or SKU, a warehouse's id or code, as the methods take them
KIND_NAMES = {"receipt": "Receipt", "issue": "Issue", "transfer": "Transfer", "adjustment": "Adjustment",
              "count": "Count", "build_consume": "Build (consumed)", "build_produce": "Build (made)",
              "shipment": "Shipment"}
SORTS = {"-created": "Newest first", "created": "Oldest first"}
HEADINGS = ("Entry", "Move", "When", "Kind", "Item", "Warehouse", "Bin", "Batch", "Serial", "Quantity", "Level after",
            "Value change", "Reason", "Reference", "By")
TABLE_HEAD = ('<thead><tr><th scope=col>When</th><th scope=col>Kind</th><th scope=col>Item</th>'
              '<th scope=col>Where</th><th scope=col>Quantity</th><th scope=col>Level after</th>'
              '<th scope=col>Value change</th><th scope=col>Reason</th><th scope=col>By</th></tr></thead>')


@signed_in("read")
def ledger_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                headers: dict[str, str]) -> HtmlResult:
    item, warehouse = _ref(query, "item"), _ref(query, "warehouse")
    kind = query.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise shell.BadListQuery(f"Unknown kind {kind!r}")
    item_id, warehouse_id = _item_id(ctx, item), _warehouse_id(ctx, warehouse)
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = reports.list_ledger(ctx, shell.CSV_ROWS, offset, item_id, warehouse_id, kind, sort)
        return shell.csv_result("stock-ledger", HEADINGS, (
            [e["id"], e["move"], e["created_at"], e["kind"], e["item"], e["warehouse"], e["bin"], e["batch"],
             e["serial"], e["quantity"], e["level_after"], e["value_change"], e["reason"], e["reference"],
             e["created_by"]] for e in page["data"]))
    page = reports.list_ledger(ctx, PAGE_SIZE, offset, item_id, warehouse_id, kind, sort)
    choices = [(w["code"], f'{w["code"]} {w["name"]}')
               for w in warehouses.list_warehouses(ctx, WAREHOUSE_CHOICES, 0)["data"]]
    search = ('<form method=get class=filters role=search><label for=item>Item (SKU)</label>'
              f'<input id=item name=item value="{html.escape(item or "")}">'
              f'<label for=warehouse>Warehouse</label><select id=warehouse name=warehouse>'
              f'{shell.options([("", "Any warehouse"), *choices], warehouse or "")}</select>'
              f'<label for=kind>Kind</label><select id=kind name=kind>'
              f'{shell.options([("", "Any kind"), *KIND_NAMES.items()], kind or "")}</select>'
              f'{shell.sort_field(SORTS, sort)}<button type=submit class=secondary>Search</button></form>')
    table = entries_table(f"Stock ledger: {SORTS[sort].lower()}", page["data"], "No entries match.")
    pages = shell.pager("/app/stock-ledger", page, offset, PAGE_SIZE, "entries", item=item, warehouse=warehouse,
                        kind=kind, sort=sort)
    download = shell.csv_link("/app/stock-ledger", item=item, warehouse=warehouse, kind=kind, sort=sort, offset=offset)
    intro = ('<p>Every change of a level, never changed afterwards: '
             '<a href="/app/items">Items</a> · <a href="/app/warehouses">Warehouses</a></p>')
    return shell.page(ctx, "Stock ledger", intro + search + table + pages + download, shell.csrf_token(ctx),
                      "/app/stock-ledger")


def entries_table(caption: str, entries: list[dict[str, Any]], empty: str) -> str:
    """Ledger entries as a table (the ledger page's, an item's recent ones)."""
    rows = "".join(_row(entry) for entry in entries) or f"<tr><td colspan=9>{html.escape(empty)}</td></tr>"
    return f"<table><caption>{html.escape(caption)}</caption>{TABLE_HEAD}<tbody>{rows}</tbody></table>"


def amount(value: float) -> str:
    """Money as shown: two decimal places, up to four when it has them."""
    text = f"{value:,.4f}"
    return text[:-2] if text.endswith("00") else text


def item_link(sku: str) -> str:
    """The item's page by its SKU (one of dots only would read as a path's "." or ".." : no link)."""
    text = html.escape(sku)
    return text if not sku.strip(".") else f'<a href="/app/items/{text}">{text}</a>'


def _row(entry: dict[str, Any]) -> str:
    where = html.escape(f'{entry["warehouse"]}/{entry["bin"]}')
    details = " ".join(filter(None, [f'batch {html.escape(entry["batch"])}' if entry["batch"] else "",
                                     f'serial <code>{html.escape(entry["serial"])}</code>' if entry["serial"] else "",
                                     f'ref {html.escape(entry["reference"])}' if entry["reference"] else ""]))
    return (f'<tr><td>{shell.when(entry["created_at"])}</td>'
            f'<td>{KIND_NAMES.get(entry["kind"], html.escape(entry["kind"]))}</td>'
            f'<td>{item_link(entry["item"])}</td><td>{where}{"<br>" + details if details else ""}</td>'
            f'<td>{entry["quantity"]:+,}</td><td>{entry["level_after"]:,}</td><td>{amount(entry["value_change"])}</td>'
            f'<td>{html.escape(entry["reason"])}</td><td>{html.escape(entry["created_by"])}</td></tr>')


def _ref(query: dict[str, str], name: str) -> str | None:
    """An item's or warehouse's id, SKU or code from the query; 417 for one no method takes."""
    ref = (query.get(name) or "").strip() or None
    if ref is not None and not CODE.fullmatch(ref):
        raise shell.BadListQuery(f"{name} must be an id or a code")
    return ref


def _item_id(ctx: RequestContext, ref: str | None) -> str | None:
    if ref is None:
        return None
    try:
        return find_item(ctx, ref).id
    except ItemNotFound:
        raise shell.BadListQuery(f"No item {ref!r}") from None


def _warehouse_id(ctx: RequestContext, ref: str | None) -> str | None:
    if ref is None:
        return None
    try:
        return warehouses.find_warehouse(ctx, ref).id
    except warehouses.WarehouseNotFound:
        raise shell.BadListQuery(f"No warehouse {ref!r}") from None
