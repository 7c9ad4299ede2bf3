from __future__ import annotations

from traciqo_rpc import RequestContext, background_job

from . import retention


@background_job(transaction=False)  # each batch commits by itself (traciqo_rpc/retention.py)
def prune_events(ctx: RequestContext) -> int:
    """Scheduled: delete finished deliveries past their keeping time, their attempts, and the
    events left without deliveries (TRACIQO_RETAIN_EVENTS_DAYS, TRACIQO_RETAIN_FAILED_EVENTS_DAYS)."""
    settings = ctx.services.settings
    return retention.prune(ctx.now(), settings.retain_events_days, settings.retain_failed_events_days)
