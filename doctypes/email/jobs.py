from __future__ import annotations

from traciqo_rpc import RequestContext, background_job

from .service import send_due


@background_job
def send_due_emails(ctx: RequestContext) -> int:
    """Scheduled: send the outbox messages whose time has come."""
    return send_due(ctx)
