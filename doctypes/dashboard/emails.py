"""Emails: the workspace's outbox, newest first, by status or addressee: what was sent, what
waits and what failed, with the attempts and the last error. Bodies are not shown (those of
invitations and password resets are their addressee's alone: list_emails never answers them)."""

from __future__ import annotations

import html
from typing import Any

from doctypes.email import service as emails
from traciqo_rpc import HtmlResult, RequestContext
from traciqo_rpc.pages import signed_in

from . import shell

PAGE_SIZE = 50
STATUSES = {"queued": "Queued", "sent": "Sent", "failed": "Failed"}
SORTS = {"-due": "Newest first", "due": "Oldest first"}
HEADINGS = ("To", "Subject", "Kind", "Status", "Attempts", "Due", "Sent", "Last error")


@signed_in("read")
def emails_page(ctx: RequestContext, params: dict[str, str], query: dict[str, str],
                headers: dict[str, str]) -> HtmlResult:
    status, to = query.get("status") or None, (query.get("to") or "").strip().lower()[:254] or None
    if status is not None and status not in STATUSES:
        raise shell.BadListQuery(f"Unknown status {status!r}")
    if to is not None and "@" not in to:
        raise shell.BadListQuery("to must be an email address")
    offset, sort = shell.offset_of(query), shell.sort_of(query, SORTS)
    if shell.wants_csv(query):
        page = emails.list_emails(ctx, shell.CSV_ROWS, offset, status, to, sort)
        return shell.csv_result("emails", HEADINGS, ([m["to"], m["subject"], m["kind"], m["status"], m["attempts"],
                                                      m["send_after"], m["sent_at"], m["error"]] for m in page["data"]))
    page = emails.list_emails(ctx, PAGE_SIZE, offset, status, to, sort)
    rows = "".join(_row(message) for message in page["data"]) or "<tr><td colspan=7>No emails match.</td></tr>"
    choices = shell.options([("", "Any status"), *STATUSES.items()], status or "")
    search = ('<form method=get class=filters role=search><label for=status>Status</label>'
              f'<select id=status name=status>{choices}</select><label for=to>To</label>'
              f'<input id=to name=to type=email value="{html.escape(to or "")}">{shell.sort_field(SORTS, sort)}'
              '<button type=submit class=secondary>Search</button></form>')
    table = (f'<table><caption>Emails: {SORTS[sort].lower()}</caption><thead><tr><th scope=col>To</th><th scope=col>Subject</th>'
             '<th scope=col>Kind</th><th scope=col>Status</th><th scope=col>Attempts</th><th scope=col>Sent</th>'
             f'<th scope=col>Last error</th></tr></thead><tbody>{rows}</tbody></table>')
    pages = shell.pager("/app/emails", page, offset, PAGE_SIZE, "emails", status=status, to=to, sort=sort)
    download = shell.csv_link("/app/emails", status=status, to=to, sort=sort, offset=offset)
    return shell.page(ctx, "Emails", search + table + pages + download, shell.csrf_token(ctx), "/app/emails")


def _row(message: dict[str, Any]) -> str:
    sent = shell.when(message["sent_at"])
    if message["status"] == "queued":
        sent = f"not yet: due {shell.when(message['send_after'])}"
    return (f"<tr><td>{html.escape(message['to'])}</td><td>{html.escape(message['subject'])}</td>"
            f"<td>{html.escape(message['kind'].replace('_', ' '))}</td>"
            f"<td>{STATUSES.get(message['status'], html.escape(message['status']))}</td><td>{message['attempts']}</td>"
            f"<td>{sent}</td><td>{html.escape(message['error'] or '')}</td></tr>")
