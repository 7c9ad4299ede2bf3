"""Settings → Webhooks: endpoints (create with the signing secret shown once, Ping Test, enable
or disable, rotate the secret, delete) and the delivery log, each delivery with every attempt."""

from __future__ import annotations

import html
from typing import Any

from doctypes.webhook import service as webhooks
from doctypes.webhook.model import FAILED, PENDING, SUCCEEDED
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.webhook.api."
DELIVERIES_SHOWN = 50
STATUSES = {PENDING: "Pending", SUCCEEDED: "Succeeded", FAILED: "Failed"}
SORTS = {"-created": "Newest first", "created": "Oldest first"}
HEADINGS = ("Delivery", "Event", "Endpoint", "Status", "Attempts", "Last answer", "Created")


@signed_in("webhooks")
def webhooks_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                  headers: dict[str, str]) -> HtmlResult:
    endpoints = webhooks.list_endpoints(ctx)
    urls = {e["id"]: e["url"] for e in endpoints}
    status, endpoint = query.get("status") or None, query.get("webhook_id") or None
    if status is not None and status not in STATUSES:
        raise shell.BadListQuery(f"Unknown status {status!r}")
    if endpoint is not None and endpoint not in urls:
        raise shell.BadListQuery("No such endpoint")
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = webhooks.list_deliveries(ctx, shell.CSV_ROWS, offset, webhook_id=endpoint, status=status, order=sort)
        return shell.csv_result("deliveries", HEADINGS, (
            [d["id"], d["event"], urls.get(d["webhook_id"], d["webhook_id"]), d["status"], d["attempts"],
             d["last_status_code"], d["created_at"]] for d in page["data"]))
    events = "".join(
        f'<li><label><input type=checkbox name=events value="{html.escape(name)}"> {html.escape(name)}</label></li>'
        for name in ["*", *webhooks.event_types(ctx)])
    create = (
        '<section class=card aria-labelledby=new-endpoint><h2 id=new-endpoint>New endpoint</h2>'
        f'<form method=post action="{API}create_webhook" data-method data-reveal=signing>{shell.alert()}'
        f'{shell.field("endpoint", "url", "URL", "url")}'
        f'{shell.field("endpoint", "description", "Description", required=False)}'
        '<fieldset><legend>Events (* is all of them)</legend><ul class=choices>'
        f'{events}</ul><span class=error data-error-for=events></span></fieldset>'
        '<p><button type=submit>Add endpoint</button></p></form></section>'
        '<section id=signing class=secret hidden aria-live=polite><h2 tabindex=-1>Copy the signing secret now</h2>'
        '<p>Endpoint <code data-value=id></code>: its secret is shown this once.</p>'
        '<p><code data-value=secret id=signing-secret></code> '
        '<button type=button class=secondary data-copy=signing-secret>Copy secret</button></p></section>'
    )
    rows = "".join(_endpoint_row(endpoint) for endpoint in endpoints) or "<tr><td colspan=4>No endpoints yet.</td></tr>"
    table = ('<table><caption>Endpoints</caption><thead><tr><th scope=col>URL</th><th scope=col>Events</th>'
             f'<th scope=col>State</th><th scope=col>Actions</th></tr></thead><tbody>{rows}</tbody></table>')
    page = webhooks.list_deliveries(ctx, DELIVERIES_SHOWN, offset, webhook_id=endpoint, status=status, order=sort)
    log = _delivery_log(page, urls, status, endpoint, sort, offset)
    return shell.page(ctx, "Webhooks", create + table + log, shell.csrf_token(ctx), "/app/webhooks")


@signed_in("webhooks")
def delivery_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                  headers: dict[str, str]) -> HtmlResult:
    """One delivery with every attempt and the answer it got; send it again."""
    delivery = webhooks.get_delivery(ctx, params["delivery_id"])
    rows = "".join(
        f"<tr><td>{a['number']}</td><td>{shell.when(a['at'])}</td><td>{a['duration_ms'] or ''} ms</td>"
        f"<td>{a['status_code'] or ''}</td><td><pre>{html.escape(a['response_excerpt'] or '')}</pre></td>"
        f"<td>{html.escape(a['error'] or '')}</td></tr>" for a in delivery["attempts"]) or "<tr><td colspan=6>No attempt yet.</td></tr>"
    ident = html.escape(delivery["id"])
    content = (
        f'<p><a href="/app/webhooks">All deliveries</a></p>'
        f'<dl><dt>Event</dt><dd>{html.escape(delivery["event"])}</dd><dt>Status</dt><dd>{html.escape(delivery["status"])}</dd>'
        f'<dt>Created</dt><dd>{shell.when(delivery["created_at"])}</dd></dl>'
        f'<form method=post action="{API}redeliver" data-method>{shell.alert()}'
        f'<input type=hidden name=delivery_id value="{ident}"><button type=submit>Send again</button></form>'
        '<table><caption>Attempts</caption><thead><tr><th scope=col>#</th><th scope=col>When</th>'
        '<th scope=col>Took</th><th scope=col>Status</th><th scope=col>Response</th><th scope=col>Error</th></tr>'
        f'</thead><tbody>{rows}</tbody></table>')
    return shell.page(ctx, f"Delivery {delivery['id']}", content, shell.csrf_token(ctx), "/app/webhooks")


def _endpoint_row(endpoint: dict[str, Any]) -> str:
    ident, url = html.escape(endpoint["id"]), html.escape(endpoint["url"])
    state = "enabled" if endpoint["enabled"] else f"disabled{': ' + html.escape(endpoint['disabled_reason']) if endpoint['disabled_reason'] else ''}"

    def action(method: str, label: str, extra: str = "", attributes: str = "") -> str:
        return (f'<form method=post action="{API}{method}" data-method {attributes}>'
                f'<input type=hidden name=webhook_id value="{ident}">{extra}'
                f'<button type=submit class=secondary aria-label="{label} {url}">{label}</button></form>')

    toggle = ("false", "Disable") if endpoint["enabled"] else ("true", "Enable")
    actions = (action("ping_webhook", "Ping Test")
               + action("update_webhook", toggle[1], f'<input type=hidden name=enabled value={toggle[0]}>')
               + action("rotate_webhook_secret", "Rotate secret", attributes='data-reveal=signing '
                        'data-confirm="Issue a new signing secret? For 24 hours deliveries carry both signatures."')
               + action("delete_webhook", "Delete", attributes=f'data-confirm="Delete the endpoint {url}?"'))
    return (f"<tr><td><code>{url}</code><br>{html.escape(endpoint['description'] or '')}</td>"
            f"<td>{html.escape(', '.join(endpoint['events']))}</td><td>{state}</td><td>{actions}</td></tr>")


def _delivery_log(page: dict[str, Any], urls: dict[str, str], status: str | None, endpoint: str | None, sort: str,
                  offset: int) -> str:
    """The delivery log: by status and endpoint, in either order, its pages and its CSV."""
    rows = "".join(
        f'<tr><td><a href="/app/webhooks/deliveries/{html.escape(d["id"])}">{html.escape(d["event"])}</a></td>'
        f'<td><code>{html.escape(urls.get(d["webhook_id"], d["webhook_id"]))}</code></td>'
        f'<td>{html.escape(d["status"])}</td><td>{d["attempts"]}</td><td>{d["last_status_code"] or ""}</td>'
        f'<td>{shell.when(d["created_at"])}</td></tr>' for d in page["data"]) or "<tr><td colspan=6>No deliveries yet.</td></tr>"
    filters = (
        '<form method=get class=filters aria-label="Filter the delivery log"><label for=status>Status</label>'
        f'<select id=status name=status>{shell.options([("", "Any status"), *STATUSES.items()], status or "")}</select>'
        f'<label for=endpoint>Endpoint</label><select id=endpoint name=webhook_id>'
        f'{shell.options([("", "Any endpoint"), *urls.items()], endpoint or "")}</select>'
        f'{shell.sort_field(SORTS, sort)}<button type=submit class=secondary>Filter</button></form>')
    filtered = {"status": status, "webhook_id": endpoint, "sort": sort}
    return ('<section aria-labelledby=log><h2 id=log>Delivery log</h2>' + filters
            + f'<table><caption>Deliveries: {SORTS[sort].lower()}</caption><thead><tr><th scope=col>Event</th>'
            '<th scope=col>Endpoint</th><th scope=col>Status</th><th scope=col>Attempts</th>'
            f'<th scope=col>Last answer</th><th scope=col>Created</th></tr></thead><tbody>{rows}</tbody></table>'
            + shell.pager("/app/webhooks", page, offset, DELIVERIES_SHOWN, "deliveries", **filtered)
            + shell.csv_link("/app/webhooks", **filtered, offset=offset) + '</section>')
