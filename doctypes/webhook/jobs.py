from __future__ import annotations

from traciqo_rpc import RequestContext, background_job

from . import delivery


@background_job(transaction=False)
def deliver_webhook(ctx: RequestContext, delivery_id: str) -> str | None:
    """One attempt of one delivery; schedules the next on failure."""
    return delivery.attempt(ctx, delivery_id)


@background_job(transaction=False)
def deliver_event(ctx: RequestContext, event_id: str) -> list[str | None]:
    """The first attempt of each delivery of a new event."""
    return delivery.attempt_event(ctx, event_id)


@background_job
def sweep_webhooks(ctx: RequestContext) -> int:
    """Scheduled: queue due deliveries that no queue holds (Redis outage, killed worker)."""
    return delivery.sweep(ctx)
