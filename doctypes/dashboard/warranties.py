"""Warranties: the list (ending soonest first, by status or customer email), activating one for
a serial number, and on each active one a transfer to a new owner or a void."""

from __future__ import annotations

import html
from typing import Any

from doctypes.warranty import service as warranties
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.warranty.api."
PAGE_SIZE = 25
STATUSES = {"active": "Active", "expired": "Expired", "void": "Void"}
SORTS = {"ends": "Ending soonest first", "-ends": "Ending latest first"}
HEADINGS = ("Warranty", "Serial", "Owner", "Owner email", "Status", "Starts", "Ends")


@signed_in("read")
def warranties_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                    headers: dict[str, str]) -> HtmlResult:
    status, email = query.get("status") or None, (query.get("customer_email") or "").strip().lower()[:254] or None
    if status is not None and status not in STATUSES:
        raise shell.BadListQuery(f"Unknown status {status!r}")
    if email is not None and "@" not in email:
        raise shell.BadListQuery("customer_email must be an email address")
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = warranties.list_warranties(ctx, shell.CSV_ROWS, offset, customer_email=email, status=status, order=sort)
        return shell.csv_result("warranties", HEADINGS, (
            [w["id"], w["serial_number"], w["customer"]["name"], w["customer"]["email"], w["status"], w["starts_on"],
             w["ends_on"]] for w in page["data"]))
    page = warranties.list_warranties(ctx, PAGE_SIZE, offset, customer_email=email, status=status, order=sort)
    may_write = "write" in ctx.require_principal().rights
    rows = "".join(_row(w, may_write) for w in page["data"]) or "<tr><td colspan=5>No warranties match.</td></tr>"
    choices = shell.options([("", "Any status"), *STATUSES.items()], status or "")
    search = ('<form method=get class=filters role=search><label for=status>Status</label>'
              f'<select id=status name=status>{choices}</select><label for=email>Customer email</label>'
              f'<input id=email name=customer_email type=email value="{html.escape(email or "")}">'
              f'{shell.sort_field(SORTS, sort)}<button type=submit class=secondary>Search</button></form>')
    activate = ""
    if may_write:
        activate = ('<section class=card aria-labelledby=activate><h2 id=activate>Activate a warranty</h2>'
                    f'<form method=post action="{API}activate_warranty" data-method>{shell.alert()}'
                    f'{shell.field("activate", "serial_number", "Serial number")}'
                    f'{shell.field("activate", "customer_name", "Customer name")}'
                    f'{shell.field("activate", "customer_email", "Customer email", "email")}'
                    f'{shell.field("activate", "purchase_date", "Purchase date", "date", required=False)}'
                    '<p><button type=submit>Activate</button></p></form></section>')
    table = (f'<table><caption>Warranties: {SORTS[sort].lower()}</caption><thead><tr><th scope=col>Serial</th>'
             '<th scope=col>Owner</th><th scope=col>Status</th><th scope=col>Ends</th><th scope=col>Actions</th>'
             f'</tr></thead><tbody>{rows}</tbody></table>')
    pages = shell.pager("/app/warranties", page, offset, PAGE_SIZE, "warranties", status=status, customer_email=email,
                        sort=sort)
    download = shell.csv_link("/app/warranties", status=status, customer_email=email, sort=sort, offset=offset)
    return shell.page(ctx, "Warranties", activate + search + table + pages + download, shell.csrf_token(ctx),
                      "/app/warranties")


def _row(warranty: dict[str, Any], may_write: bool) -> str:
    ident, serial = html.escape(warranty["id"]), html.escape(warranty["serial_number"])
    owner = warranty["customer"]
    actions = ""
    if may_write and warranty["status"] == "active":
        actions = (
            f'<details><summary>Transfer</summary><form method=post action="{API}transfer_warranty" data-method>'
            f'{shell.alert()}<input type=hidden name=warranty_id value="{ident}">'
            f'{shell.field("t-" + ident, "customer_name", "New owner")}'
            f'{shell.field("t-" + ident, "customer_email", "New owner email", "email")}'
            f'<button type=submit aria-label="Transfer the warranty of {serial}">Transfer</button></form></details>'
            f'<form method=post action="{API}void_warranty" data-method data-confirm="Void the warranty of {serial}?" class=inline>'
            f'<input type=hidden name=warranty_id value="{ident}">'
            f'<button type=submit class=secondary aria-label="Void the warranty of {serial}">Void</button></form>')
    return (f"<tr><td>{serial}</td><td>{html.escape(owner['name'])}<br>{html.escape(owner['email'] or '')}</td>"
            f"<td>{STATUSES.get(warranty['status'], html.escape(warranty['status']))}</td>"
            f"<td>{warranty['ends_on']:%Y-%m-%d}</td><td>{actions}</td></tr>")
