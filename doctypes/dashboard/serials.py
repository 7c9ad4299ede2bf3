"""Serial numbers: the list (newest first, by serial number prefix, product or status) with
whether each has a warranty, a form to add many (one a line) and a Void button on each."""

from __future__ import annotations

import html
from typing import Any

from doctypes.product import service as products
from doctypes.product.model import Product
from doctypes.serial_number import service as serials
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.serial_number.api."
PAGE_SIZE = 50
PRODUCT_CHOICES = 200  # the select's products, by SKU
STATUSES = {"unregistered": "Unregistered", "registered": "Registered", "void": "Void"}
SORTS = {"-created": "Newest first", "created": "Oldest first"}
HEADINGS = ("Serial", "Product id", "Product", "Status", "Customer tags", "Added", "Registered", "Voided",
            "Void reason", "Warranty")


@signed_in("read")
def serials_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                 headers: dict[str, str]) -> HtmlResult:
    prefix = (query.get("prefix") or "").strip()[:100] or None
    product, status = query.get("product_id") or None, query.get("status") or None
    if status is not None and status not in STATUSES:
        raise shell.BadListQuery(f"Unknown status {status!r}")
    if product is not None and len(product) > 64:
        raise shell.BadListQuery("product_id is too long")
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = serials.list_serial_numbers(ctx, shell.CSV_ROWS, offset, prefix=prefix, product_id=product,
                                           status=status, order=sort)
        names = _product_names(ctx, {s["product_id"] for s in page["data"] if s["product_id"]})
        return shell.csv_result("serial-numbers", HEADINGS, (
            [s["serial_number"], s["product_id"], names.get(s["product_id"]), s["status"], ",".join(s["customer_tags"]),
             s["created_at"], s["registered_at"], s["voided_at"], s["void_reason"], s["warranty_id"]]
            for s in page["data"]))
    page = serials.list_serial_numbers(ctx, PAGE_SIZE, offset, prefix=prefix, product_id=product, status=status,
                                       order=sort)
    may_write = "write" in ctx.require_principal().rights
    names = _product_names(ctx, {s["product_id"] for s in page["data"] if s["product_id"]})
    rows = "".join(_row(s, names, may_write) for s in page["data"]) or "<tr><td colspan=7>No serial numbers match.</td></tr>"
    choices = [(p["id"], f'{p["sku"]} {p["name"]}') for p in products.list_products(ctx, PRODUCT_CHOICES, 0)["data"]]
    search = ('<form method=get class=filters role=search><label for=prefix>Serial number starts with</label>'
              f'<input id=prefix name=prefix value="{html.escape(prefix or "")}">'
              f'<label for=product>Product</label><select id=product name=product_id>'
              f'{shell.options([("", "Any product"), *choices], product or "")}</select>'
              f'<label for=status>Status</label><select id=status name=status>'
              f'{shell.options([("", "Any status"), *STATUSES.items()], status or "")}</select>'
              f'{shell.sort_field(SORTS, sort)}<button type=submit class=secondary>Search</button></form>')
    table = (f'<table><caption>Serial numbers: {SORTS[sort].lower()}</caption><thead><tr><th scope=col>Serial</th>'
             '<th scope=col>Product</th><th scope=col>Status</th><th scope=col>Added</th><th scope=col>Registered</th>'
             f'<th scope=col>Warranty</th><th scope=col>Actions</th></tr></thead><tbody>{rows}</tbody></table>')
    pages = shell.pager("/app/serials", page, offset, PAGE_SIZE, "serial numbers", prefix=prefix, product_id=product,
                        status=status, sort=sort)
    download = shell.csv_link("/app/serials", prefix=prefix, product_id=product, status=status, sort=sort, offset=offset)
    content = (_add_form(choices) if may_write else "") + search + table + pages + download
    return shell.page(ctx, "Serial numbers", content, shell.csrf_token(ctx), "/app/serials")


def _product_names(ctx: RequestContext, ids: set[str]) -> dict[str, str]:
    """'PRD-00001 Drill' for each of the page's products."""
    if not ids:
        return {}
    return {p.id: f"{p.sku} {p.name}" for p in Product.scoped(ctx, Product.id, Product.sku_number, Product.name)
            .where(Product.id.in_(sorted(ids)))}


def _add_form(choices: list[tuple[str, str]]) -> str:
    return ('<section class=card aria-labelledby=add-serials><h2 id=add-serials>Add serial numbers</h2>'
            f'<form method=post action="{API}add_serial_numbers" data-method>{shell.alert()}'
            '<p class=field><label for=serials-text>Serial numbers, one a line (up to 10,000; ones there already '
            'are left as they are)</label><textarea id=serials-text name=serial_numbers_text rows=5 cols=40 required '
            'aria-describedby=serials-text-error></textarea><span class=error id=serials-text-error '
            'data-error-for=serial_numbers_text></span></p>'
            f'{shell.select("serials", "product_id", "Product", [("", "No product"), *choices])}'
            f'{shell.field("serials", "customer_tags", "Customer tags (comma-separated)", required=False)}'
            '<p><button type=submit>Add</button></p></form></section>')


def _row(serial: dict[str, Any], names: dict[str, str], may_write: bool) -> str:
    number = html.escape(serial["serial_number"])
    product = html.escape(names.get(serial["product_id"], serial["product_id"] or ""))
    void = ""
    if may_write and serial["status"] != "void":
        void = (f'<form method=post action="{API}void_serial_number" data-method class=inline '
                f'data-confirm="Void serial number {number}? It can no longer be registered.">{shell.alert()}'
                f'<input type=hidden name=serial_number value="{number}">'
                f'<button type=submit class=secondary aria-label="Void {number}">Void</button></form>')
    return (f"<tr><td><code>{number}</code></td><td>{product}</td><td>{STATUSES.get(serial['status'], html.escape(serial['status']))}</td>"
            f"<td>{shell.when(serial['created_at'])}</td><td>{shell.when(serial['registered_at'])}</td>"
            f"<td>{'Yes' if serial['warranty_id'] else 'No'}</td><td>{void}</td></tr>")
