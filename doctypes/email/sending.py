"""Sending what is due: claim a batch, send it over one connection, settle each message.

A failed attempt is retried on TRACIQO_EMAIL_RETRY_SCHEDULE (a greylisting server answers 451
and takes the message a few minutes later); a permanent refusal fails at once. No transaction
is held while the mail server is talked to: each claim and each outcome commits by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from traciqo_rpc import db
from traciqo_rpc.context import RequestContext

from . import transport
from .compose import compose
from .model import FAILED, QUEUED, SENT, EmailMessage

BATCH = 100
# A claimed message is due again only after this long (or its retry's time, once settled): a
# slow batch that outlasts the job's interval is not sent twice by the next run on another
# worker, and a worker killed mid-batch leaves its messages to a later run.
CLAIM_SECONDS = 900


def retry_delay(schedule: Sequence[int], attempts: int) -> dt.timedelta | None:
    """How long after `attempts` failed attempts the next is due; None once the schedule is spent."""
    if attempts > len(schedule):
        return None
    return dt.timedelta(seconds=schedule[attempts - 1])


def send_due(ctx: RequestContext, limit: int = BATCH) -> int:
    """Send queued messages whose time has come (without SMTP settings they wait in the outbox);
    returns how many were sent. Never raises for the mail server's sake: an unreachable or
    vanishing server reschedules the messages it did not take."""
    server = transport.SmtpServer.from_settings(ctx.services.settings.smtp)
    if server is None:
        return 0
    due = _claim(ctx, limit)
    if not due:
        return 0
    try:
        client = transport.connect(server)
    except OSError as exc:
        for message, was_due in due:
            _failed_attempt(ctx, message, was_due, f"connecting: {transport.describe(exc)}")
        return 0
    sent = 0
    try:
        for index, (message, was_due) in enumerate(due):
            try:
                mime = compose(message, server.sender, ctx.now(), ctx.services.secret_key,
                               ctx.services.settings.base_url)
                client.send_message(mime)
            except ValueError as exc:  # a header that cannot be written: no retry mends it
                _failed_attempt(ctx, message, was_due, f"{type(exc).__name__}: {exc}", permanent=True)
            except OSError as exc:
                if transport.connection_lost(exc):
                    for rest, rest_was_due in due[index:]:
                        _failed_attempt(ctx, rest, rest_was_due, f"connection lost: {transport.describe(exc)}")
                    break
                _failed_attempt(ctx, message, was_due, transport.describe(exc), transport.permanent(exc))
            else:
                _settle(message, SENT, was_due, sent_at=ctx.now(), error=None)
                sent += 1
    finally:
        transport.close(client)
    return sent


def _claim(ctx: RequestContext, limit: int) -> list[tuple[EmailMessage, dt.datetime]]:
    """Take the due messages for this run, counting the attempt now (so a worker killed while
    sending still counts it); another run taking the same rows at once finds them claimed.
    Each comes with the time it was due."""
    now = ctx.now()
    candidates = list(EmailMessage.select()
                      .where((EmailMessage.status == QUEUED) & (EmailMessage.send_after <= now))
                      .order_by(EmailMessage.send_after).limit(limit))
    claimed = []
    with db.transaction():
        for message in candidates:
            taken = (EmailMessage
                     .update(attempts=EmailMessage.attempts + 1,
                             send_after=now + dt.timedelta(seconds=CLAIM_SECONDS))
                     .where((EmailMessage.id == message.id) & (EmailMessage.status == QUEUED)
                            & (EmailMessage.send_after <= now))
                     .execute())
            if taken:
                was_due, message.attempts = message.send_after, message.attempts + 1
                claimed.append((message, was_due))
    return claimed


def _failed_attempt(ctx: RequestContext, message: EmailMessage, was_due: dt.datetime, error: str,
                    permanent: bool = False) -> None:
    """Retried on the schedule, or failed for good: permanently refused, or out of retries."""
    delay = None if permanent else retry_delay(ctx.services.settings.email_retry_schedule, message.attempts)
    if delay is None:
        _settle(message, FAILED, was_due, error=error)
    else:
        _settle(message, QUEUED, ctx.now() + delay, error=error)


def _settle(message: EmailMessage, status: str, send_after: dt.datetime, sent_at: dt.datetime | None = None,
            error: str | None = None) -> None:
    """Record an attempt's outcome. A sent or failed message keeps the time it was last due
    (the retention period counts from it); a queued one gets its retry's."""
    message.status, message.send_after, message.sent_at = status, send_after, sent_at
    message.error = None if error is None else error[:500]
    with db.transaction():
        message.save(only=[EmailMessage.status, EmailMessage.send_after, EmailMessage.sent_at, EmailMessage.error])

