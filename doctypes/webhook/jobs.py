"""Webhook jobs, and queueing them: delivery.py decides what to send and when, this module
puts the sends on the queue (after commit: a job must never see what may yet be rolled back)."""

from __future__ import annotations

from collections.abc import Sequence

from traciqo_rpc import RequestContext, background_job, enqueue_after_commit

from . import delivery

# The sweeper tops the queue up to this many waiting jobs: a backlog of thousands (a Redis
# restart loses its queue) goes back in a sweep or two, and a busy queue is not buried under
# copies of jobs it already holds (a copy costs one UPDATE that finds the lease taken).
SWEEP_QUEUE_ROOM = 10_000


def fan_out(events: Sequence[tuple[RequestContext, str, str, list[str]]]) -> list[str]:
    """A pending delivery for each of (ctx, event id, event name, endpoint ids), written in the
    caller's transaction, and one job per event after commit (a queue round trip per endpoint
    cost the request more than the rows)."""
    delivery_ids: list[str] = []
    for ctx, event_id, event_name, endpoint_ids in events:
        if endpoint_ids:
            delivery_ids += [delivery.create_delivery(ctx, event_id, event_name, endpoint_id)
                             for endpoint_id in endpoint_ids]
            enqueue_after_commit(ctx, deliver_event, event_id)
    return delivery_ids


def send_after_commit(ctx: RequestContext, delivery_id: str, delay: float = 0) -> None:
    """Attempt the delivery once the caller's transaction has committed (after `delay` seconds)."""
    enqueue_after_commit(ctx, deliver_webhook, delivery_id, delay=delay)


@background_job(transaction=False)
def deliver_webhook(ctx: RequestContext, delivery_id: str) -> str | None:
    """One attempt of one delivery; schedules the next on failure."""
    return _attempt(ctx, delivery_id)


@background_job(transaction=False)
def deliver_event(ctx: RequestContext, event_id: str) -> list[str | None]:
    """The first attempt of each delivery of a new event."""
    return [_attempt(ctx, delivery_id) for delivery_id in delivery.pending_of_event(event_id)]


@background_job
def sweep_webhooks(ctx: RequestContext) -> int:
    """Scheduled: queue due deliveries that no queue holds (Redis outage, killed worker)."""
    due = delivery.due(ctx, SWEEP_QUEUE_ROOM - ctx.services.queued_jobs())
    for delivery_id in due:
        send_after_commit(ctx, delivery_id)
    return len(due)


def _attempt(ctx: RequestContext, delivery_id: str) -> str | None:
    attempted = delivery.attempt(ctx, delivery_id)
    if attempted.retry_in is not None:
        # RQ's scheduler counts whole seconds and may fire up to one early: ask for one more.
        send_after_commit(ctx, delivery_id, delay=attempted.retry_in + 1)
    return attempted.status
