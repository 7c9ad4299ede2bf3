"""Deliveries: who subscribes to an event, the delivery rows, one attempt, what is due.

A delivery row is written in the same transaction as its event; the jobs (jobs.py) send it
after commit. If Redis is down, or a worker dies mid-send, the sweeper finds the row again (a
send holds a lease that expires). Retry timing lives in the row (`next_attempt_at`), so the
embedded mode and real workers behave alike. Deliveries are at least once: receivers dedupe
on `webhook-id` (the event id, the same on every attempt). This module decides; jobs.py queues.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import secrets
import time
from collections.abc import Sequence
from typing import Any, NamedTuple

import httpx

from doctypes.event.model import Event
from traciqo_rpc import db, metrics, outbound
from traciqo_rpc.caching import invalidate_after_commit
from traciqo_rpc.context import RequestContext
from traciqo_rpc.services import Services
from traciqo_rpc.statements import fetch, run
from traciqo_rpc.tracing import traceparent

from . import queries, signing
from .model import FAILED, PENDING, SUCCEEDED, Delivery, DeliveryAttempt, WebhookEndpoint

log = logging.getLogger("traciqo.webhooks")

CONNECT_TIMEOUT, TOTAL_TIMEOUT = 5.0, 15.0
EXCERPT_BYTES = 2048
DISABLE_AFTER = dt.timedelta(days=5)
MAX_RETRY_AFTER = dt.timedelta(hours=24)
ALL_EVENTS = "*"



# One client for the process: building one loads the CA bundle (tens of ms). Created at
# import, so forked job horses inherit it instead of building their own; it holds no
# connection before a send, and is safe to share between threads.
_http = outbound.Client(connect_timeout=CONNECT_TIMEOUT, total_timeout=TOTAL_TIMEOUT)


def new_delivery_id() -> str:
    return f"dlv_{secrets.token_hex(12)}"


def subscribers(events: Sequence[tuple[RequestContext, str]]) -> list[list[str]]:
    """For each (ctx, event name): the enabled endpoints of its workspace and environment that
    subscribe to it; each workspace's subscriptions are read once."""
    subscribed: dict[tuple[int, bool], list[tuple[str, frozenset[str]]]] = {}
    found = []
    for ctx, event_name in events:
        principal = ctx.require_principal()
        scope = (principal.workspace_id, principal.is_sandbox)
        endpoints = subscribed.get(scope)
        if endpoints is None:
            endpoints = subscribed[scope] = subscriptions(ctx.services, *scope)
        found.append([endpoint_id for endpoint_id, names in endpoints if event_name in names or ALL_EVENTS in names])
    return found


def subscriptions(services: Services, workspace_id: int, is_sandbox: bool) -> list[tuple[str, frozenset[str]]]:
    """The enabled endpoints of a workspace and environment with the events each subscribes to,
    from the settings cache (every change to an endpoint invalidates it, see service.py)."""
    def load() -> list[tuple[str, frozenset[str]]]:
        rows = fetch(queries.SUBSCRIBED, (True,), (workspace_id, is_sandbox))
        return [(endpoint_id, frozenset(json.loads(events))) for endpoint_id, events in rows]

    return services.cache.get(("webhook-subscriptions", workspace_id, is_sandbox), load)


def create_delivery(ctx: RequestContext, event_id: str, event_name: str, endpoint_id: str) -> str:
    """A pending delivery of the event to the endpoint, due now, in the caller's transaction."""
    delivery_id = new_delivery_id()
    scope = Delivery.scope_values(ctx)
    now = ctx.now()
    run(queries.INSERT_DELIVERY, (delivery_id, scope["workspace_id"], scope["is_sandbox"], event_id, event_name,
                                  endpoint_id, PENDING, 0, now, now))
    return delivery_id


def pending_of_event(event_id: str) -> list[str]:
    """The deliveries of one event still to be attempted."""
    pending = Delivery.select(Delivery.id).where((Delivery.event_id == event_id) & (Delivery.status == PENDING))
    return list(pending.scalars())


class Attempted(NamedTuple):
    """What one attempt came to: None when another worker held the delivery or it was not due;
    with PENDING, the seconds until the next attempt is due."""

    status: str | None
    retry_in: float | None = None


def _lease(ctx: RequestContext, delivery_id: str) -> bool:
    """Take the delivery for one send, if it is due and nobody else holds it."""
    now = ctx.now()
    lease = dt.timedelta(seconds=ctx.services.settings.webhook_lease_seconds)
    with db.transaction():
        return run(queries.LEASE, (now + lease, delivery_id, PENDING, now, now)).rowcount == 1


def attempt(ctx: RequestContext, delivery_id: str) -> Attempted:
    """Send one attempt of a delivery (no transaction is held while waiting on the network)."""
    if not _lease(ctx, delivery_id):
        return Attempted(None)
    delivery = Delivery.get_by_id(delivery_id)
    endpoint = WebhookEndpoint.get_or_none(WebhookEndpoint.id == delivery.endpoint_id)
    if endpoint is None or not endpoint.enabled:
        return _finish(ctx, delivery, FAILED)
    event = Event.get_by_id(delivery.event_id)
    started, clock = ctx.now(), time.perf_counter()
    status_code, excerpt, error, retry_after = None, "", None, None
    try:
        body = bytes(event.body)
        headers = signing.headers(event.name, event.id, body, int(time.time()), _secrets_in_use(ctx, endpoint))
        # The publisher's trace, a new span per attempt; not signed (it says nothing of the content).
        headers["traceparent"] = traceparent(event.trace_id or ctx.trace_id)
        # Checked again at every send: where a name points can change after registration.
        response = _http.post(endpoint.url, outbound.networks(ctx.services.settings.webhook_allow_cidrs),
                              content=body, headers=headers)
        status_code, excerpt = response.status_code, response.content[:EXCERPT_BYTES].decode("utf-8", "replace")
        retry_after = _retry_after(response.headers.get("retry-after"))
    except outbound.UnsafeUrl as exc:
        error = f"UnsafeUrl: {exc.message}"[:255]
    except httpx.HTTPError as exc:
        error = type(exc).__name__
    duration = (time.perf_counter() - clock) * 1000
    metrics.count_delivery_attempt(status_code, error)
    with db.transaction():
        delivery.attempts += 1
        DeliveryAttempt.create(delivery_id=delivery.id, number=delivery.attempts, started_at=started,
                               duration_ms=round(duration, 2), status_code=status_code, response_excerpt=excerpt,
                               error=error)
        delivery.last_status_code = status_code
        return _settle(ctx, delivery, endpoint, status_code, error, retry_after)


def _settle(ctx: RequestContext, delivery: Delivery, endpoint: WebhookEndpoint, status_code: int | None,
            error: str | None, retry_after: dt.timedelta | None) -> Attempted:
    """After an attempt: done, disabled (410), retried later, or given up."""
    if status_code is not None and 200 <= status_code < 300:
        if endpoint.failing_since is not None:
            endpoint.failing_since = None
            endpoint.save(only=[WebhookEndpoint.failing_since])
        return _finish(ctx, delivery, SUCCEEDED)
    if status_code == 410:
        _disable(ctx, endpoint, "The endpoint answered 410 Gone")
        return _finish(ctx, delivery, FAILED)
    if error and error.startswith("UnsafeUrl"):
        return _finish(ctx, delivery, FAILED)
    now = ctx.now()
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(only=[WebhookEndpoint.failing_since])
    elif now - endpoint.failing_since > DISABLE_AFTER:
        _disable(ctx, endpoint, f"Failing since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC")
        return _finish(ctx, delivery, FAILED)
    schedule = ctx.services.settings.webhook_retry_schedule
    if delivery.attempts >= len(schedule):
        return _finish(ctx, delivery, FAILED)
    delay = dt.timedelta(seconds=schedule[delivery.attempts] * random.uniform(1.0, 1.1))
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    delivery.next_attempt_at, delivery.leased_until = now + delay, None
    delivery.save()
    return Attempted(PENDING, delay.total_seconds())


def _finish(ctx: RequestContext, delivery: Delivery, status: str) -> Attempted:
    delivery.status, delivery.completed_at, delivery.leased_until = status, ctx.now(), None
    delivery.save()
    return Attempted(status)


def _disable(ctx: RequestContext, endpoint: WebhookEndpoint, reason: str) -> None:
    endpoint.enabled, endpoint.disabled_reason = False, reason
    endpoint.save(only=[WebhookEndpoint.enabled, WebhookEndpoint.disabled_reason])
    invalidate_after_commit(ctx)
    log.warning("webhook endpoint %s (%s) disabled: %s", endpoint.id, endpoint.url, reason)


def _secrets_in_use(ctx: RequestContext, endpoint: WebhookEndpoint) -> list[str]:
    in_use = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > ctx.now():
        in_use.append(endpoint.previous_secret)
    return in_use


def _retry_after(value: str | None) -> dt.timedelta | None:
    if value and value.strip().isdigit():
        return dt.timedelta(seconds=int(value.strip()))
    return None


def due(ctx: RequestContext, limit: int) -> list[str]:
    """The due deliveries nobody holds, oldest first (after a Redis outage, a killed worker, or
    a retry RQ's scheduler has not brought back)."""
    if limit <= 0:
        return []
    now = ctx.now()
    found = (Delivery.select(Delivery.id)
             .where((Delivery.status == PENDING) & (Delivery.next_attempt_at <= now)
                    & (Delivery.leased_until.is_null() | (Delivery.leased_until < now)))
             .order_by(Delivery.next_attempt_at).limit(limit))
    return list(found.scalars())


def delivery_summary(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id, "event_id": delivery.event_id, "event": delivery.event_name,
        "webhook_id": delivery.endpoint_id, "status": delivery.status, "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at if delivery.status == PENDING else None,
        "last_status_code": delivery.last_status_code, "created_at": delivery.created_at,
        "completed_at": delivery.completed_at,
    }
