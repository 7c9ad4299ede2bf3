"""The inventory report: the valuation (every item in stock, or what one warehouse holds, with
the total value) and the items below their reorder level, each table with its CSV."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from doctypes.stock import reports
from doctypes.warehouse import service as warehouses
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell
from .ledger import amount, item_link

PATH = "/app/stock-report"
PAGE_SIZE = 50  # valuation rows a page
SHORT_SHOWN = 100  # items below their reorder level on the page; the CSV has them all (up to CSV_ROWS)
WAREHOUSE_CHOICES = 200
TABLES = ("valuation", "below-reorder")  # what a CSV link names
VALUATION_HEADINGS = ("SKU", "Name", "Unit", "Quantity", "Value", "Average cost")
SHORT_HEADINGS = ("SKU", "Name", "Unit", "Quantity", "Reorder level", "Shortfall")


@signed_in("read")
def stock_report_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                      headers: dict[str, str]) -> HtmlResult:
    warehouse = _warehouse(ctx, query)
    offset = shell.offset_of(query)
    if shell.wants_csv(query):
        return _csv(ctx, query.get("table") or TABLES[0], warehouse, offset)
    valuation = reports.get_valuation(ctx, PAGE_SIZE, offset, warehouse)
    short = reports.list_below_reorder(ctx, SHORT_SHOWN, 0)
    choices = [(w["code"], f'{w["code"]} {w["name"]}')
               for w in warehouses.list_warehouses(ctx, WAREHOUSE_CHOICES, 0)["data"]]
    chooser = ('<form method=get class=filters><label for=warehouse>Warehouse</label>'
               f'<select id=warehouse name=warehouse>{shell.options([("", "All warehouses"), *choices], warehouse or "")}'
               '</select><button type=submit class=secondary>Show</button></form>')
    where = f"in {warehouse}" if warehouse else "in all warehouses"
    content = (
        '<p>What the stock is worth at each item\'s moving-average cost, and what to reorder: '
        '<a href="/app/items">Items</a> · <a href="/app/stock-ledger">Stock ledger</a></p>'
        f'{chooser}<h2>Valuation {html.escape(where)}</h2>'
        f'<p>Total value <strong>{amount(valuation["total_value"])}</strong> of {valuation["total"]:,} items.'
        + (' An item\'s value in one warehouse is its quantity there times its average cost over all of them.'
           if warehouse else '') + '</p>'
        + _valuation_table(valuation["data"])
        + shell.pager(PATH, valuation, offset, PAGE_SIZE, "items in stock", warehouse=warehouse)
        + _download("valuation", "Download the valuation as CSV", warehouse=warehouse, offset=offset)
        + f'<h2>Below reorder level</h2><p>{short["total"]:,} active items hold less than their reorder level'
        + (f' (the first {SHORT_SHOWN} shown)' if short["total"] > SHORT_SHOWN else '') + '.</p>'
        + _short_table(short["data"])
        + _download("below-reorder", "Download the items below reorder level as CSV"))
    return shell.page(ctx, "Stock report", content, shell.csrf_token(ctx), PATH)


def _warehouse(ctx: RequestContext, query: dict[str, str]) -> str | None:
    """The chosen warehouse's code; 417 for one the caller does not have."""
    ref = (query.get("warehouse") or "").strip() or None
    if ref is None:
        return None
    if len(ref) > 32:
        raise shell.BadListQuery("warehouse must be a warehouse's code")
    try:
        return warehouses.find_warehouse(ctx, ref).code
    except warehouses.WarehouseNotFound:
        raise shell.BadListQuery(f"No warehouse {ref[:32]!r}") from None


def _csv(ctx: RequestContext, table: str, warehouse: str | None, offset: int) -> HtmlResult:
    if table == "valuation":
        valued = reports.get_valuation(ctx, shell.CSV_ROWS, offset, warehouse)["data"]
        return shell.csv_result("stock-valuation", VALUATION_HEADINGS, (
            [v["item"], v["name"], v["unit"], v["quantity"], v["value"], v["average_cost"]] for v in valued))
    if table == "below-reorder":
        short = reports.list_below_reorder(ctx, shell.CSV_ROWS, offset)["data"]
        return shell.csv_result("below-reorder-level", SHORT_HEADINGS, (
            [s["item"], s["name"], s["unit"], s["quantity"], s["reorder_level"], s["shortfall"]] for s in short))
    raise shell.BadListQuery(f"table must be one of {', '.join(TABLES)}")


def _valuation_table(rows: list[dict[str, Any]]) -> str:
    body = "".join(
        f'<tr><td>{item_link(r["item"])}</td><td>{html.escape(r["name"])}</td>'
        f'<td>{r["quantity"]:,} {html.escape(r["unit"])}</td><td>{amount(r["value"])}</td>'
        f'<td>{"" if r["average_cost"] is None else amount(r["average_cost"])}</td></tr>' for r in rows
    ) or "<tr><td colspan=5>Nothing in stock.</td></tr>"
    return ('<table><caption>Valuation, by SKU</caption><thead><tr><th scope=col>SKU</th><th scope=col>Name</th>'
            '<th scope=col>Quantity</th><th scope=col>Value</th><th scope=col>Average cost</th></tr></thead>'
            f'<tbody>{body}</tbody></table>')


def _short_table(rows: list[dict[str, Any]]) -> str:
    body = "".join(
        f'<tr class=flagged><td>{item_link(r["item"])}</td><td>{html.escape(r["name"])}</td>'
        f'<td>{r["quantity"]:,} {html.escape(r["unit"])}</td><td>{r["reorder_level"]:,}</td>'
        f'<td>{r["shortfall"]:,}</td></tr>' for r in rows
    ) or "<tr><td colspan=5>No item is below its reorder level.</td></tr>"
    return ('<table><caption>Items below their reorder level, by SKU</caption><thead><tr><th scope=col>SKU</th>'
            '<th scope=col>Name</th><th scope=col>Quantity</th><th scope=col>Reorder level</th>'
            f'<th scope=col>Shortfall</th></tr></thead><tbody>{body}</tbody></table>')


def _download(table: str, label: str, **filters: str | int | None) -> str:
    query = urlencode({k: v for k, v in (*filters.items(), ("table", table), ("format", "csv")) if v})
    return (f'<p><a href="{html.escape(PATH + "?" + query)}" download>{html.escape(label)}</a> '
            f'(up to {shell.CSV_ROWS:,} rows)</p>')
