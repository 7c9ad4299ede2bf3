"""Registrations: the list (newest first, by form or customer email) with a Delete per row; and
the registration forms with a builder: create a form, then add, move and remove its extra
fields one at a time (each a small form posting to its method)."""

from __future__ import annotations

import html
import json
from typing import Any

from doctypes.product.model import Product
from doctypes.registration import service as registrations
from doctypes.registration.forms import FIELD_TYPES
from doctypes.registration.model import DEFAULT_FORM
from doctypes.serial_number.model import SerialNumber
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.registration.api."
PAGE_SIZE = 50
SORTS = {"-created": "Newest first", "created": "Oldest first"}
HEADINGS = ("When", "Customer", "Email", "Phone", "Form", "Serial number", "Product", "Fields")
WORDS = {"text": "Text", "number": "Number", "date": "Date", "email": "Email", "boolean": "Yes or no",
         "select": "Choice from a list"}
TYPES = [(kind, WORDS.get(kind, kind)) for kind in FIELD_TYPES]


@signed_in("read")
def registrations_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                       headers: dict[str, str]) -> HtmlResult:
    form_slug, email = query.get("form_slug") or None, (query.get("email") or "").strip().lower()[:254] or None
    forms = registrations.list_forms(ctx)
    titles = {DEFAULT_FORM: "Product registration (default)"} | {f["slug"]: f["title"] for f in forms}
    orders = {f["slug"]: [field["name"] for field in f["fields"]] for f in forms}
    if form_slug is not None and form_slug not in titles:
        raise shell.BadListQuery(f"Unknown form {form_slug!r}")
    if email is not None and "@" not in email:
        raise shell.BadListQuery("email must be an email address")
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = registrations.list_registrations(ctx, shell.CSV_ROWS, offset, form_slug=form_slug, email=email,
                                                order=sort)
        return shell.csv_result("registrations", HEADINGS, _cells(ctx, page["data"]))
    page = registrations.list_registrations(ctx, PAGE_SIZE, offset, form_slug=form_slug, email=email, order=sort)
    may_write = "write" in ctx.require_principal().rights
    products = _products(ctx, [r["serial_number"] for r in page["data"] if r["serial_number"]])
    rows = "".join(_row(r, titles, orders, products, may_write) for r in page["data"]) or (
        "<tr><td colspan=6>No registrations match.</td></tr>")
    choices = shell.options([("", "Any form"), *titles.items()], form_slug or "")
    search = ('<form method=get class=filters role=search><label for=form_slug>Form</label>'
              f'<select id=form_slug name=form_slug>{choices}</select><label for=email>Customer email</label>'
              f'<input id=email name=email type=email value="{html.escape(email or "")}">{shell.sort_field(SORTS, sort)}'
              '<button type=submit class=secondary>Search</button></form>')
    table = (f'<table><caption>Registrations: {SORTS[sort].lower()}</caption><thead><tr><th scope=col>When</th>'
             '<th scope=col>Customer</th><th scope=col>Form</th><th scope=col>Unit</th><th scope=col>Fields</th>'
             f'<th scope=col>Actions</th></tr></thead><tbody>{rows}</tbody></table>')
    pages = shell.pager("/app/registrations", page, offset, PAGE_SIZE, "registrations", form_slug=form_slug, email=email,
                        sort=sort)
    download = shell.csv_link("/app/registrations", form_slug=form_slug, email=email, sort=sort, offset=offset)
    return shell.page(ctx, "Registrations", search + table + pages + download, shell.csrf_token(ctx),
                      "/app/registrations")


def _products(ctx: RequestContext, serials: list[str]) -> dict[str, str]:
    """The product of each registered unit that has one, by serial number."""
    if not serials:
        return {}
    return dict(SerialNumber.scoped(ctx, SerialNumber.serial, Product.name)
                .join(Product, on=(SerialNumber.product_id == Product.id))
                .where(SerialNumber.serial.in_(serials)).tuples())


def _cells(ctx: RequestContext, found: list[dict[str, Any]]) -> list[list[Any]]:
    """The CSV's rows: the extra fields as one JSON object per registration (forms differ)."""
    products = _products(ctx, [r["serial_number"] for r in found if r["serial_number"]])
    return [[r["created_at"], r["name"], r["email"], r["phone"], r["type"], r["serial_number"],
             products.get(r["serial_number"] or ""), json.dumps(r["fields"], ensure_ascii=False)] for r in found]


def _row(registration: dict[str, Any], titles: dict[str, str], orders: dict[str, list[str]],
         products: dict[str, str], may_write: bool) -> str:
    ident, name = html.escape(registration["id"]), html.escape(registration["name"])
    who = f"{name}<br>{html.escape(registration['email'])}"
    if registration["phone"]:
        who += f"<br>{html.escape(registration['phone'])}"
    serial = registration["serial_number"]
    unit = ""
    if serial:
        unit = html.escape(serial) + (f"<br>{html.escape(products[serial])}" if serial in products else "")
        unit += "<br>warranty started" if registration["warranty_id"] else ""
    # In the form's order; a value of a field removed since comes after.
    order = {name: position for position, name in enumerate(orders.get(registration["type"], []))}
    values = sorted(registration["fields"].items(), key=lambda item: order.get(item[0], len(order)))
    extra = "".join(f"<dt>{html.escape(key)}</dt><dd>{html.escape(_shown(value))}</dd>" for key, value in values)
    actions = ""
    if may_write:
        actions = (f'<form method=post action="{API}delete_registration" data-method class=inline '
                   f'data-confirm="Delete the registration of {name}? A warranty it started stays.">'
                   f'<input type=hidden name=registration_id value="{ident}">'
                   f'<button type=submit class=secondary aria-label="Delete the registration of {name}">Delete</button>'
                   '</form>')
    form = titles.get(registration["type"], registration["type"])
    return (f"<tr><td>{shell.when(registration['created_at'])}</td><td>{who}</td><td>{html.escape(form)}</td>"
            f"<td>{unit}</td><td>{f'<dl>{extra}</dl>' if extra else ''}</td><td>{actions}</td></tr>")


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


@signed_in("read")
def forms_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
               headers: dict[str, str]) -> HtmlResult:
    """The forms with their extra fields; the builder for a role that may write."""
    may_write = "write" in ctx.require_principal().rights
    create = ""
    if may_write:
        create = ('<section class=card aria-labelledby=new-form><h2 id=new-form>New form</h2>'
                  f'<form method=post action="{API}create_registration_form" data-method>{shell.alert()}'
                  f'{shell.field("new-form", "slug", "Slug (lower-case letters, digits and hyphens)")}'
                  f'{shell.field("new-form", "title", "Title")}'
                  '<p><button type=submit>Create form</button></p></form>'
                  '<p>Then add its fields below.</p></section>')
    note = (f'<p>A registration that names no form uses <code>{DEFAULT_FORM}</code>, which asks for no extra '
            'fields until you create a form with that slug. Removing or changing a field later leaves the '
            'registrations already made as they were.</p>')
    cards = "".join(_form_card(form, may_write) for form in registrations.list_forms(ctx)) or "<p>No forms yet.</p>"
    return shell.page(ctx, "Registration forms", create + note + cards, shell.csrf_token(ctx),
                      "/app/registration-forms")


def _form_card(form: dict[str, Any], may_write: bool) -> str:
    slug, title = html.escape(form["slug"]), html.escape(form["title"])
    count = len(form["fields"])
    rows = "".join(_field_row(slug, field, position, count, may_write) for position, field in enumerate(form["fields"]))
    rows = rows or "<tr><td colspan=5>No extra fields: only the standard ones (email, name, phone, serial number, purchase date, receipt).</td></tr>"
    table = ('<table><caption>Fields, in order</caption><thead><tr><th scope=col>Name</th><th scope=col>Type</th>'
             '<th scope=col>Required</th><th scope=col>Choices</th><th scope=col>Actions</th></tr></thead>'
             f'<tbody>{rows}</tbody></table>')
    builder = ""
    if may_write:
        prefix = f"add-{slug}"
        builder = (
            f'<h3>Add a field to {title}</h3><form method=post action="{API}add_registration_form_field" data-method>'
            f'{shell.alert()}<input type=hidden name=slug value="{slug}">'
            f'{shell.field(prefix, "name", "Field name (letters, digits, underscores)")}'
            f'{shell.select(prefix, "type", "Type", TYPES)}'
            f'<p class=field><label><input type=checkbox name=required value=true> Required</label>'
            f'<span class=error data-error-for=required></span></p>'
            f'<p class=field><label for="{prefix}-options">Choices (for a choice from a list, one per line)</label>'
            f'<textarea id="{prefix}-options" name=options rows=3 aria-describedby="{prefix}-options-error"></textarea>'
            f'<span class=error id="{prefix}-options-error" data-error-for=options></span></p>'
            f'<p><button type=submit aria-label="Add field to {title}">Add field</button></p></form>'
            f'<details><summary>Rename</summary><form method=post action="{API}update_registration_form" data-method>'
            f'{shell.alert()}<input type=hidden name=slug value="{slug}">'
            f'{shell.field("rename-" + slug, "title", "New title", value=form["title"])}'
            f'<button type=submit aria-label="Rename {title}">Rename</button></form></details>'
            f'<form method=post action="{API}delete_registration_form" data-method class=inline '
            f'data-confirm="Delete the form {title}?">{shell.alert()}<input type=hidden name=slug value="{slug}">'
            f'<button type=submit class=secondary aria-label="Delete form {title}">Delete form</button></form>')
    return (f'<section class=card aria-labelledby="form-{slug}"><h2 id="form-{slug}">{title} <code>{slug}</code></h2>'
            f'{table}{builder}</section>')


def _field_row(slug: str, field: dict[str, Any], position: int, count: int, may_write: bool) -> str:
    name = html.escape(field["name"])

    def action(method: str, shown: str, label: str, extra: str = "", attributes: str = "") -> str:
        return (f'<form method=post action="{API}{method}" data-method class=inline {attributes}>'
                f'<input type=hidden name=slug value="{slug}"><input type=hidden name=name value="{name}">{extra}'
                f'<button type=submit class=secondary aria-label="{label}">{shown}</button></form>')

    actions = ""
    if may_write:
        if position > 0:
            actions += action("move_registration_form_field", "Up", f"Move {name} up",
                              "<input type=hidden name=direction value=up>")
        if position < count - 1:
            actions += action("move_registration_form_field", "Down", f"Move {name} down",
                              "<input type=hidden name=direction value=down>")
        actions += action("remove_registration_form_field", "Remove", f"Remove {name}", attributes=(
            f'data-confirm="Remove the field {name}? Registrations made with it keep their value."'))
    return (f"<tr><td><code>{name}</code></td><td>{html.escape(WORDS.get(field['type'], field['type']))}</td>"
            f"<td>{'yes' if field.get('required') else 'no'}</td>"
            f"<td>{html.escape(', '.join(field.get('options') or []))}</td><td>{actions}</td></tr>")
