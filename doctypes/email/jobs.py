from __future__ import annotations

from traciqo_rpc import RequestContext, background_job

from . import retention
from .sending import send_due


@background_job(transaction=False)
def send_due_emails(ctx: RequestContext) -> int:
    """Scheduled: send the outbox messages whose time has come (no transaction is held while the
    mail server answers; each message's outcome commits by itself)."""
    return send_due(ctx)


@background_job(transaction=False)
def prune_emails(ctx: RequestContext) -> int:
    """Scheduled: delete sent and failed messages past their retention, in short batches."""
    settings = ctx.services.settings
    return retention.prune(ctx.now(), settings.retain_sent_emails_days, settings.retain_failed_emails_days)
