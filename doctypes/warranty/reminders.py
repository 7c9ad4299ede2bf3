"""The expiry reminder: an email to the warranty's owner a month before it ends.

Activation only notes the day (`Warranty.remind_on`); a scheduled job queues the email on
that day, addressed to whoever owns the warranty then. Queued at activation, the reminder
went to the first owner after a transfer and still went out for a voided warranty; and it
was a second outbox row written on every activation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee

from doctypes.email.service import queue_emails_many
from doctypes.party.model import Party
from doctypes.product.model import Product
from doctypes.serial_number.model import SerialNumber
from traciqo_rpc import db
from traciqo_rpc.context import RequestContext

from .model import ACTIVE, Warranty

BEFORE_END = dt.timedelta(days=30)
SENT_AT = dt.time(9)  # UTC, on the reminder day
BATCH = 500  # reminders queued per transaction


def reminder_day(ends_on: dt.date, now: dt.datetime) -> dt.date | None:
    """The day the reminder for a warranty ending on `ends_on` goes out; None when that moment
    has already passed (a purchase date long ago)."""
    day = ends_on - BEFORE_END
    return day if dt.datetime.combine(day, SENT_AT) > now else None


def reminder(product_name: str, customer_name: str, serial: str, ends_on: dt.date) -> tuple[str, str]:
    """The reminder's subject and body."""
    return (f"Your warranty for {product_name} ends on {ends_on}",
            f"Hello {customer_name},\n\nThe warranty for {product_name} (serial {serial}) ends on {ends_on}.\n")


def queue_due(ctx: RequestContext, now: dt.datetime, limit: int = BATCH) -> int:
    """Queue the reminders due by `now` to the warranties' current owners (at most `limit`);
    each warranty's reminder is queued once. Returns how many were queued."""
    last_day = now.date() if now.time() >= SENT_AT else now.date() - dt.timedelta(days=1)
    is_due = (Warranty.remind_on <= last_day) & (Warranty.status == ACTIVE)
    due = Warranty.select(Warranty.id).where(is_due).order_by(Warranty.remind_on).limit(limit)
    # Claim them, checking again row by row: after waiting for a row's lock, PostgreSQL re-reads
    # it, so a warranty voided or claimed meanwhile (a second run of the job) drops out.
    claimed = [row.id for row in Warranty.update(remind_on=None)
               .where(Warranty.id.in_(due) & is_due).returning(Warranty.id).execute()]
    if not claimed:
        return 0
    rows = (Warranty.select(Warranty.workspace_id, Warranty.is_sandbox, Warranty.ends_on, Party.name, Party.email,
                            SerialNumber.serial, Product.name.alias("product_name"))
            .join(Party, on=(Warranty.party_id == Party.id))
            .join_from(Warranty, SerialNumber, on=(Warranty.serial_id == SerialNumber.id))
            .join_from(Warranty, Product, peewee.JOIN.LEFT_OUTER, on=(Warranty.product_id == Product.id))
            .where(Warranty.id.in_(claimed)).order_by(Warranty.id).objects())
    entries: list[tuple[RequestContext, str, list[tuple[str, str, str, Any]]]] = []
    row: Any  # a warranty with its owner's, unit's and product's columns joined in
    for row in rows:
        subject, body = reminder(row.product_name or "your product", row.name, row.serial, row.ends_on)
        entries.append((ctx.acting_for(row.workspace_id, row.is_sandbox), row.email,
                        [(subject, body, "warranty_reminder", None)]))
    queue_emails_many(entries)
    return len(entries)


def queue_all_due(ctx: RequestContext, now: dt.datetime | None = None) -> int:
    """Queue every reminder due by now, a transaction per `BATCH` (the scheduled job)."""
    queued = 0
    while True:
        with db.transaction():
            count = queue_due(ctx, now or ctx.now())
        queued += count
        if count < BATCH:
            return queued
