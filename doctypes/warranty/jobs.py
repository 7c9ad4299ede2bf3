from __future__ import annotations

from traciqo_rpc import RequestContext, background_job

from .reminders import queue_all_due


@background_job(transaction=False)  # a transaction per batch of reminders
def queue_warranty_reminders(ctx: RequestContext) -> int:
    """Scheduled: queue the expiry reminders due today to the warranties' current owners."""
    return queue_all_due(ctx)
