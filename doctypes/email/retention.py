"""Keeping the outbox tidy: sent and failed messages go once their retention period is over."""

from __future__ import annotations

import datetime as dt

from traciqo_rpc import db

from .model import FAILED, SENT, EmailMessage

# Rows a statement deletes, each in its own short transaction: a backlog of millions (the first
# run after an upgrade) never holds a long lock. A run stops after MAX_BATCHES; the next run
# (an hour later) goes on.
DELETE_BATCH = 5_000
MAX_BATCHES = 100


def prune(now: dt.datetime, sent_days: int, failed_days: int) -> int:
    """Delete messages sent more than `sent_days` ago and messages failed (their last attempt
    due) more than `failed_days` ago; 0 keeps them for ever. Queued messages always stay."""
    removed = 0
    if sent_days:
        before = now - dt.timedelta(days=sent_days)
        # A sent message was due before it went, so the (status, send_after) index finds them all.
        removed += _delete((EmailMessage.status == SENT) & (EmailMessage.send_after < before)
                           & (EmailMessage.sent_at < before))
    if failed_days:
        before = now - dt.timedelta(days=failed_days)
        removed += _delete((EmailMessage.status == FAILED) & (EmailMessage.send_after < before))
    return removed


def _delete(condition: object) -> int:
    removed = 0
    for _ in range(MAX_BATCHES):
        with db.transaction():
            batch = EmailMessage.select(EmailMessage.id).where(condition).limit(DELETE_BATCH)
            count = EmailMessage.delete().where(EmailMessage.id.in_(batch)).execute()
        removed += count
        if count < DELETE_BATCH:
            break
    return removed
