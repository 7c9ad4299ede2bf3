"""Settings → Webhooks: endpoints (create with the signing secret shown once, Ping Test, enable
or disable, rotate the secret, delete) and the delivery log, each delivery with every attempt."""

from __future__ import annotations

import html
from typing import Any

from doctypes.webhook import service as webhooks
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.webhook.api."
DELIVERIES_SHOWN = 50


@signed_in("webhooks")
def webhooks_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                  headers: dict[str, str]) -> HtmlResult:
    endpoints = webhooks.list_endpoints(ctx)
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
    log = _delivery_log(ctx, {e["id"]: e["url"] for e in endpoints})
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


def _delivery_log(ctx: RequestContext, urls: dict[str, str]) -> str:
    page = webhooks.list_deliveries(ctx, DELIVERIES_SHOWN, 0)
    rows = "".join(
        f'<tr><td><a href="/app/webhooks/deliveries/{html.escape(d["id"])}">{html.escape(d["event"])}</a></td>'
        f'<td><code>{html.escape(urls.get(d["webhook_id"], d["webhook_id"]))}</code></td>'
        f'<td>{html.escape(d["status"])}</td><td>{d["attempts"]}</td><td>{d["last_status_code"] or ""}</td>'
        f'<td>{shell.when(d["created_at"])}</td></tr>' for d in page["data"]) or "<tr><td colspan=6>No deliveries yet.</td></tr>"
    return ('<table><caption>Delivery log (newest first)</caption><thead><tr><th scope=col>Event</th>'
            '<th scope=col>Endpoint</th><th scope=col>Status</th><th scope=col>Attempts</th>'
            f'<th scope=col>Last answer</th><th scope=col>Created</th></tr></thead><tbody>{rows}</tbody></table>')
