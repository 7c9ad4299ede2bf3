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


@signed_in("read")
def products_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                  headers: dict[str, str]) -> HtmlResult:
    name, offset = _name(query), shell.offset_of(query)
    page = products.list_products(ctx, PAGE_SIZE, offset, name)
    rows = "".join(
        f"<tr><td>{html.escape(p['sku'])}</td><td>{html.escape(p['name'])}</td><td>{html.escape(p['brand'] or '')}</td>"
        f"<td>{html.escape(p['gtin'] or '')}</td><td>{p['warranty_months'] if p['warranty_months'] is not None else ''}</td></tr>"
        for p in page["data"]) or "<tr><td colspan=5>No products match.</td></tr>"
    form = _form(ctx, "/api/method/doctypes.product.api.upsert_product", "product", "Add a product", [
        shell.field("product", "name", "Name"), shell.field("product", "brand", "Brand", required=False),
        shell.field("product", "gtin", "GTIN (8, 12, 13 or 14 digits)", required=False),
        shell.field("product", "warranty_months", "Warranty (months)", "number", required=False)])
    return _listing(ctx, "Products", "/app/products", form, "Products by SKU",
                    ("SKU", "Name", "Brand", "GTIN", "Warranty (months)"), rows, page, offset, name)


@signed_in("read")
def parties_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                 headers: dict[str, str]) -> HtmlResult:
    name, offset = _name(query), shell.offset_of(query)
    page = parties.list_parties(ctx, PAGE_SIZE, offset, name, None)
    rows = "".join(
        f"<tr><td>{html.escape(p['name'])}</td><td>{html.escape(p['email'] or '')}</td><td>{html.escape(p['phone'] or '')}</td>"
        f"<td>{html.escape(', '.join(p['tags']))}</td></tr>"
        for p in page["data"]) or "<tr><td colspan=4>No parties match.</td></tr>"
    form = _form(ctx, "/api/method/doctypes.party.api.upsert_party", "party", "Add a party", [
        shell.field("party", "name", "Name"), shell.field("party", "email", "Email", "email", required=False),
        shell.field("party", "phone", "Phone", "tel", required=False)])
    return _listing(ctx, "Parties", "/app/parties", form, "Parties (customers, dealers, suppliers)",
                    ("Name", "Email", "Phone", "Tags"), rows, page, offset, name)


def _listing(ctx: RequestContext, title: str, path: str, form: str, caption: str, headings: tuple[str, ...],
             rows: str, page: dict[str, Any], offset: int, name: str | None) -> HtmlResult:
    """The add form, the name search, the table and its pages."""
    head = "".join(f"<th scope=col>{html.escape(heading)}</th>" for heading in headings)
    table = f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    pages = shell.pager(path, page, offset, PAGE_SIZE, title.lower(), name=name)
    return shell.page(ctx, title, form + _search(path, name) + table + pages, shell.csrf_token(ctx), path)


def _name(query: dict[str, str]) -> str | None:
    return (query.get("name") or "").strip()[:255] or None


def _search(path: str, name: str | None) -> str:
    return (f'<form method=get action="{path}" class=filters role=search><label for=name>Name contains</label>'
            f'<input id=name name=name value="{html.escape(name or "")}">'
            '<button type=submit class=secondary>Search</button></form>')


def _form(ctx: RequestContext, action: str, ident: str, title: str, fields: list[Any]) -> str:
    if "write" not in ctx.require_principal().rights:
        return ""
    return (f'<section class=card aria-labelledby={ident}-new><h2 id={ident}-new>{title}</h2>'
            f'<form method=post action="{action}" data-method>{shell.alert()}{"".join(fields)}'
            '<p><button type=submit>Add</button></p></form></section>')
