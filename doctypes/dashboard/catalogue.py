"""Products and parties: each a list searchable by name, 50 a page, with a form to add one
(adding a name that exists answers the existing one, as upsert does)."""

from __future__ import annotations

import html
from typing import Any

from doctypes.party import service as parties
from doctypes.product import service as products
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

PAGE_SIZE = 50
PRODUCT_SORTS = {"sku": "SKU, first to last", "-sku": "SKU, last to first", "name": "Name, A to Z", "-name": "Name, Z to A"}
PARTY_SORTS = {"name": "Name, A to Z", "-name": "Name, Z to A"}
PRODUCT_HEADINGS = ("SKU", "Name", "Brand", "GTIN", "Warranty (months)")
PARTY_HEADINGS = ("Name", "Roles", "Email", "Phone", "Tags")


@signed_in("read")
def products_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                  headers: dict[str, str]) -> HtmlResult:
    name, offset, sort = _name(query), shell.offset_of(query), shell.sort_of(query, PRODUCT_SORTS)
    if shell.wants_csv(query):
        page = products.list_products(ctx, shell.CSV_ROWS, offset, name, sort)
        return shell.csv_result("products", PRODUCT_HEADINGS, ([p["sku"], p["name"], p["brand"], p["gtin"],
                                                                p["warranty_months"]] for p in page["data"]))
    page = products.list_products(ctx, PAGE_SIZE, offset, name, sort)
    rows = "".join(
        f"<tr><td>{html.escape(p['sku'])}</td><td>{html.escape(p['name'])}</td><td>{html.escape(p['brand'] or '')}</td>"
        f"<td>{html.escape(p['gtin'] or '')}</td><td>{p['warranty_months'] if p['warranty_months'] is not None else ''}</td></tr>"
        for p in page["data"]) or "<tr><td colspan=5>No products match.</td></tr>"
    form = _form(ctx, "/api/method/doctypes.product.api.upsert_product", "product", "Add a product", [
        shell.field("product", "name", "Name"), shell.field("product", "brand", "Brand", required=False),
        shell.field("product", "gtin", "GTIN (8, 12, 13 or 14 digits)", required=False),
        shell.field("product", "warranty_months", "Warranty (months)", "number", required=False)])
    return _listing(ctx, "Products", "/app/products", form, PRODUCT_HEADINGS, rows, page, offset, name,
                    PRODUCT_SORTS, sort)


@signed_in("read")
def parties_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                 headers: dict[str, str]) -> HtmlResult:
    name, offset, sort = _name(query), shell.offset_of(query), shell.sort_of(query, PARTY_SORTS)
    if shell.wants_csv(query):
        page = parties.list_parties(ctx, shell.CSV_ROWS, offset, name, None, sort)
        return shell.csv_result("parties", PARTY_HEADINGS, ([p["name"], ", ".join(p["roles"]), p["email"], p["phone"], ", ".join(p["tags"])]
                                                            for p in page["data"]))
    page = parties.list_parties(ctx, PAGE_SIZE, offset, name, None, sort)
    rows = "".join(
        f"<tr><td>{html.escape(p['name'])}</td><td>{html.escape(', '.join(p['roles']))}</td><td>{html.escape(p['email'] or '')}</td><td>{html.escape(p['phone'] or '')}</td>"
        f"<td>{html.escape(', '.join(p['tags']))}</td></tr>"
        for p in page["data"]) or "<tr><td colspan=5>No parties match.</td></tr>"
    form = _form(ctx, "/api/method/doctypes.party.api.upsert_party", "party", "Add a party", [
        shell.field("party", "name", "Name"), shell.field("party", "email", "Email", "email", required=False),
        shell.field("party", "phone", "Phone", "tel", required=False),
        shell.select("party", "roles", "Roles", [("", "None"), ("customer", "Customer"), ("vendor", "Vendor"),
                                                 ("customer,vendor", "Customer and vendor")])])
    return _listing(ctx, "Parties", "/app/parties", form, PARTY_HEADINGS, rows, page, offset, name, PARTY_SORTS, sort)


def _listing(ctx: RequestContext, title: str, path: str, form: str, headings: tuple[str, ...], rows: str,
             page: dict[str, Any], offset: int, name: str | None, sorts: dict[str, str], sort: str) -> HtmlResult:
    """The add form, the name search and order, the table, its pages and its CSV."""
    head = "".join(f"<th scope=col>{html.escape(heading)}</th>" for heading in headings)
    table = f"<table><caption>{html.escape(f'{title}: {sorts[sort]}')}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    pages = shell.pager(path, page, offset, PAGE_SIZE, title.lower(), name=name, sort=sort)
    return shell.page(ctx, title, form + _search(path, name, sorts, sort) + table + pages
                      + shell.csv_link(path, name=name, sort=sort, offset=offset), shell.csrf_token(ctx), path)


def _name(query: dict[str, str]) -> str | None:
    return (query.get("name") or "").strip()[:255] or None


def _search(path: str, name: str | None, sorts: dict[str, str], sort: str) -> str:
    return (f'<form method=get action="{path}" class=filters role=search><label for=name>Name contains</label>'
            f'<input id=name name=name value="{html.escape(name or "")}">{shell.sort_field(sorts, sort)}'
            '<button type=submit class=secondary>Search</button></form>')


def _form(ctx: RequestContext, action: str, ident: str, title: str, fields: list[Any]) -> str:
    if "write" not in ctx.require_principal().rights:
        return ""
    return (f'<section class=card aria-labelledby={ident}-new><h2 id={ident}-new>{title}</h2>'
            f'<form method=post action="{action}" data-method>{shell.alert()}{"".join(fields)}'
            '<p><button type=submit>Add</button></p></form></section>')
