"""Trackers: the list (with a form to create one), and a tracker with a Start and a Complete
button per step, its public links and its QR."""

from __future__ import annotations

import html
from typing import Any

from doctypes.tracker import service as trackers
from doctypes.tracker.model import COMPLETED, IN_PROGRESS, PENDING
from doctypes.tracker_template import service as templates
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

API = "/api/method/doctypes.tracker.api."
PAGE_SIZE = 25
STATES = {PENDING: "Not started", IN_PROGRESS: "In progress", COMPLETED: "Done"}
SORTS = {"-created": "Newest first", "created": "Oldest first", "-number": "Number, highest first",
         "number": "Number, lowest first"}
HEADINGS = ("Number", "Name", "Status", "Now", "Reference", "Customer email", "Template", "Created", "Public page")


@signed_in("read")
def trackers_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                  headers: dict[str, str]) -> HtmlResult:
    status = query.get("status") or None
    if status is not None and status not in STATES:
        raise shell.BadListQuery(f"Unknown status {status!r}")
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = trackers.list_trackers(ctx, shell.CSV_ROWS, offset, status=status, order=sort)
        return shell.csv_result("trackers", HEADINGS, (
            [t["number"], t["name"], t["status"], t["current_process"], t["reference"], t["customer_email"],
             t["template"], t["created_at"], t["tracking_url"]] for t in page["data"]))
    page = trackers.list_trackers(ctx, PAGE_SIZE, offset, status=status, order=sort)
    rows = "".join(_row(tracker) for tracker in page["data"]) or "<tr><td colspan=5>No trackers yet.</td></tr>"
    filters = shell.options([("", "Any status"), *STATES.items()], status or "")
    content = (
        '<p>A tracker starts with the steps of its template: <a href="/app/tracker-templates">Tracker templates</a></p>'
        + _create_form(ctx)
        + '<form method=get class=filters><label for=status>Status</label>'
        f'<select id=status name=status>{filters}</select>{shell.sort_field(SORTS, sort)} '
        '<button type=submit class=secondary>Filter</button></form>'
        f'<table><caption>Trackers: {SORTS[sort].lower()}</caption><thead><tr><th scope=col>#</th><th scope=col>Name</th>'
        '<th scope=col>Status</th><th scope=col>Now</th><th scope=col>Reference</th></tr></thead>'
        f'<tbody>{rows}</tbody></table>{shell.pager("/app/trackers", page, offset, PAGE_SIZE, "trackers", status=status, sort=sort)}'
        + shell.csv_link("/app/trackers", status=status, sort=sort, offset=offset)
    )
    return shell.page(ctx, "Trackers", content, shell.csrf_token(ctx), "/app/trackers")


@signed_in("read")
def tracker_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                 headers: dict[str, str]) -> HtmlResult:
    try:
        tracker_id = int(params["tracker_id"])
    except ValueError:
        tracker_id = 0
    if not 0 < tracker_id < 2**63:  # what the tracker methods' schema accepts, and a database stores
        raise trackers.TrackerNotFound("No such tracker")
    tracker = trackers.get_tracker(ctx, tracker_id)
    can_write = "write" in ctx.require_principal().rights
    steps = "".join(_step(tracker["id"], position, step, can_write)
                    for position, step in enumerate(tracker["history"], 1))
    status = STATES[tracker["status"]]
    links = (f'<p>Public page: <a href="{html.escape(tracker["tracking_url"])}">{html.escape(tracker["tracking_url"])}</a>'
             f' · <a href="{html.escape(tracker["qr_code_url"])}">QR code</a></p>'
             f'<p><label for=embed>Embed code</label><br><textarea id=embed readonly rows=3 cols=60>'
             f'{html.escape(tracker["embed_code"])}</textarea></p>')
    content = (
        f'<p><a href="/app/trackers">All trackers</a></p>'
        f'<p>Number {tracker["number"]} · <strong>{status}</strong>'
        f'{" · now " + html.escape(tracker["current_process"]) if tracker["current_process"] else ""}'
        f'{" · strict order" if tracker["strict_order"] else ""}</p>{links}{shell.alert()}'
        f'<ol class=steps>{steps}</ol>'
    )
    return shell.page(ctx, tracker["name"], content, shell.csrf_token(ctx), "/app/trackers")


def _create_form(ctx: RequestContext) -> str:
    if "write" not in ctx.require_principal().rights:
        return ""
    options = [(t["slug"], t["name"]) for t in templates.list_templates(ctx)]
    return ('<section class=card aria-labelledby=new-tracker><h2 id=new-tracker>New tracker</h2>'
            f'<form method=post action="{API}create_tracker" data-method>{shell.alert()}'
            f'{shell.field("tracker", "name", "Name")}{shell.select("tracker", "template", "Template", options)}'
            f'{shell.field("tracker", "reference", "Reference (order number)", required=False)}'
            f'{shell.field("tracker", "customer_email", "Customer email", "email", required=False)}'
            '<p><button type=submit>Create tracker</button></p></form></section>')


def _row(tracker: dict[str, Any]) -> str:
    return (f'<tr><td>{tracker["number"]}</td><td><a href="/app/trackers/{tracker["id"]}">{html.escape(tracker["name"])}</a>'
            f'</td><td>{STATES[tracker["status"]]}</td><td>{html.escape(tracker["current_process"] or "")}</td>'
            f'<td>{html.escape(tracker["reference"] or "")}</td></tr>')


def _step(tracker_id: int, position: int, step: dict[str, Any], can_write: bool) -> str:
    name = html.escape(step["process"])
    times = " ".join(filter(None, [f"started {shell.when(step['started_at'])}" if step["started_at"] else "",
                                   f"done {shell.when(step['completed_at'])}" if step["completed_at"] else ""]))
    buttons = ""
    if can_write:
        for action, label, possible in (("start", "Start", step["status"] == PENDING),
                                        ("complete", "Complete", step["status"] != COMPLETED)):
            if possible:
                buttons += (f'<form method=post action="{API}update_status" data-method>'
                            f'<input type=hidden name=tracker_id value={tracker_id}>'
                            f'<input type=hidden name=process value="{name}"><input type=hidden name=action value={action}>'
                            f'<button type=submit class=secondary aria-label="{label} {name}">{label}</button></form>')
    internal = " <em>(internal: never shown to the customer)</em>" if not step["visible"] else ""
    return (f'<li class=card><strong>{position}. {name}</strong>{internal} · {STATES[step["status"]]} '
            f'{times}<div class=actions>{buttons}</div></li>')
