"""Queueing email in the outbox and listing it (sending.py sends what is due)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate
from traciqo_rpc.statements import run_many

from .model import QUEUED, EmailMessage
from .queries import QUEUE


def queue_emails(ctx: RequestContext, to: str, messages: list[tuple[str, str, str, dt.datetime | None]]) -> None:
    """Put (subject, body, kind, send_after) messages for `to` in the caller's outbox."""
    queue_emails_many([(ctx, to, messages)])


def queue_emails_many(entries: list[tuple[RequestContext, str, list[tuple[str, str, str, dt.datetime | None]]]]) -> None:
    """Put each (ctx, to, messages) in its workspace's outbox, all in one statement
    (hand-written SQL: every activation queues its confirmation)."""
    if not entries:
        return
    now = entries[0][0].now()
    rows = []
    for ctx, to, messages in entries:
        principal = ctx.require_principal()
        rows += [(principal.workspace_id, principal.is_sandbox, to, subject, body, kind,
                  now if send_after is None else send_after, QUEUED, now)
                 for subject, body, kind, send_after in messages]
    run_many(QUEUE, rows)


# Messages that carry a sign-in capability (an invitation, a password reset): their bodies are
# for their addressee only, never answered to the workspace's other readers or its keys.
PRIVATE_KINDS = frozenset({"invitation", "password_reset"})
PRIVATE_BODY = "(not shown: it holds a link for its addressee only)"


def email_dict(message: EmailMessage) -> dict[str, Any]:
    body = PRIVATE_BODY if message.kind in PRIVATE_KINDS else message.body
    return {
        "id": message.id, "to": message.to, "subject": message.subject, "body": body,
        "kind": message.kind, "status": message.status, "send_after": message.send_after,
        "sent_at": message.sent_at, "attempts": message.attempts, "error": message.error,
    }


ORDERS = {"due": (EmailMessage.send_after, EmailMessage.id)}  # the orders a list offers (records.ordered)


def list_emails(ctx: RequestContext, limit: int, offset: int, status: str | None, to: str | None,
                order: str = "-due") -> dict[str, Any]:
    query = ordered(EmailMessage.scoped(ctx), ORDERS, order)
    if status:
        query = query.where(EmailMessage.status == status)
    if to:
        query = query.where(EmailMessage.to == to.lower())
    return paginate(query, limit, offset, email_dict)
