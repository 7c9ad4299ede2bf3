"""Webhook endpoints: create, change, rotate, ping; deliveries: list, inspect, send again."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from doctypes.event.service import store_event
from traciqo_rpc import errors, events, outbound
from traciqo_rpc.caching import invalidate_after_commit
from traciqo_rpc.context import RequestContext
from traciqo_rpc.records import ordered, paginate, public_id

from . import delivery as deliveries
from . import signing
from .jobs import send_after_commit
from .model import FAILED, PENDING, Delivery, DeliveryAttempt, WebhookEndpoint


class UnknownEvent(errors.ValidationError):
    """An endpoint subscribes to an event no doctype publishes."""


class WebhookNotFound(errors.DoesNotExistError):
    """No endpoint with that id in the caller's workspace and environment."""


class DeliveryNotFound(errors.DoesNotExistError):
    """No delivery with that id in the caller's workspace and environment."""


class DeliveryInProgress(errors.DuplicateEntryError):
    """Sending again a delivery that is still being attempted."""


PING = "Ping Test"
ROTATION_OVERLAP = dt.timedelta(hours=24)
REDELIVER_MAX = 1000


def event_types(ctx: RequestContext) -> list[str]:
    return sorted({*events.event_names(ctx), PING})


def _check_events(ctx: RequestContext, names: list[str]) -> list[str]:
    known = set(event_types(ctx)) | {deliveries.ALL_EVENTS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UnknownEvent(f"Unknown events: {', '.join(unknown)}",
                                     field_errors={"events": [f"Unknown event: {n}" for n in unknown]})
    return list(dict.fromkeys(names))


def _check_url(ctx: RequestContext, url: str) -> None:
    """Refused at registration when it leads somewhere private; checked again at every send."""
    outbound.check(url, outbound.networks(ctx.services.settings.webhook_allow_cidrs))


def endpoint_dict(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id, "url": endpoint.url, "events": json.loads(endpoint.events),
        "description": endpoint.description, "enabled": endpoint.enabled, "environment":
        "sandbox" if endpoint.is_sandbox else "live", "disabled_reason": endpoint.disabled_reason,
        "failing_since": endpoint.failing_since, "created_at": endpoint.created_at,
    }


def create(ctx: RequestContext, url: str, event_names: list[str], description: str = "") -> dict[str, Any]:
    """A new endpoint for the caller's environment; its signing secret is shown only now."""
    _check_url(ctx, url)
    endpoint = WebhookEndpoint.create(
        id=f"we_{public_id(random_bytes=6)}", url=url, events=json.dumps(_check_events(ctx, event_names)),
        description=description, secret=signing.new_secret(), **WebhookEndpoint.scope_values(ctx))
    invalidate_after_commit(ctx)  # the workspace's subscriptions are cached (delivery.subscriptions)
    return {**endpoint_dict(endpoint), "secret": endpoint.secret}


def find(ctx: RequestContext, webhook_id: str) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.scoped(ctx).where(WebhookEndpoint.id == webhook_id).first()
    if endpoint is None:
        raise WebhookNotFound(f"Webhook {webhook_id} not found")
    return endpoint


def update(ctx: RequestContext, webhook_id: str, url: str | None = None, events: list[str] | None = None,
           description: str | None = None, enabled: bool | None = None) -> dict[str, Any]:
    endpoint = find(ctx, webhook_id)
    if url is not None:
        _check_url(ctx, url)
        endpoint.url = url
    if events is not None:
        endpoint.events = json.dumps(_check_events(ctx, events))
    if description is not None:
        endpoint.description = description
    if enabled is not None:
        endpoint.enabled = enabled
        if enabled:  # re-enabling starts afresh
            endpoint.failing_since, endpoint.disabled_reason = None, None
    endpoint.save()
    invalidate_after_commit(ctx)
    return endpoint_dict(endpoint)


def delete(ctx: RequestContext, webhook_id: str) -> dict[str, Any]:
    endpoint = find(ctx, webhook_id)
    Delivery.update(status=FAILED, completed_at=ctx.now()).where(
        (Delivery.workspace_id == endpoint.workspace_id) & (Delivery.is_sandbox == endpoint.is_sandbox)
        & (Delivery.endpoint_id == endpoint.id) & (Delivery.status == PENDING)).execute()
    endpoint.delete_instance()
    invalidate_after_commit(ctx)
    return {"deleted": webhook_id}


def list_endpoints(ctx: RequestContext) -> list[dict[str, Any]]:
    return [endpoint_dict(e) for e in WebhookEndpoint.scoped(ctx).order_by(WebhookEndpoint.created_at)]


def rotate_secret(ctx: RequestContext, webhook_id: str) -> dict[str, Any]:
    """A new secret; the old one keeps signing alongside it for 24 hours."""
    endpoint = find(ctx, webhook_id)
    endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, ctx.now() + ROTATION_OVERLAP
    endpoint.secret = signing.new_secret()
    endpoint.save()
    return {**endpoint_dict(endpoint), "secret": endpoint.secret, "previous_secret_until": endpoint.previous_secret_until}


def ping(ctx: RequestContext, webhook_id: str) -> dict[str, Any]:
    """Send a Ping Test to this endpoint only, now; answers the delivery id."""
    endpoint = find(ctx, webhook_id)
    event_id = store_event(ctx, PING, {"webhook_id": endpoint.id, "message": "Ping from traciqo"})
    delivery_id = deliveries.create_delivery(ctx, event_id, PING, endpoint.id)
    send_after_commit(ctx, delivery_id)
    return {"delivery_id": delivery_id, "event_id": event_id}


DELIVERY_ORDERS = {"created": (Delivery.created_at, Delivery.id)}  # the orders a list offers (records.ordered)


def list_deliveries(ctx: RequestContext, limit: int, offset: int, webhook_id: str | None = None,
                    event: str | None = None, status: str | None = None, order: str = "-created") -> dict[str, Any]:
    query = ordered(Delivery.scoped(ctx), DELIVERY_ORDERS, order)
    if webhook_id:
        query = query.where(Delivery.endpoint_id == webhook_id)
    if event:
        query = query.where(Delivery.event_name == event)
    if status:
        query = query.where(Delivery.status == status)
    return paginate(query, limit, offset, deliveries.delivery_summary)


def get_delivery(ctx: RequestContext, delivery_id: str) -> dict[str, Any]:
    found = Delivery.scoped(ctx).where(Delivery.id == delivery_id).first()
    if found is None:
        raise DeliveryNotFound(f"Delivery {delivery_id} not found")
    attempts = DeliveryAttempt.select().where(DeliveryAttempt.delivery_id == found.id).order_by(DeliveryAttempt.number)
    return {**deliveries.delivery_summary(found), "attempts": [
        {"number": a.number, "at": a.started_at, "duration_ms": a.duration_ms, "status_code": a.status_code,
         "response_excerpt": a.response_excerpt, "error": a.error} for a in attempts]}


def redeliver(ctx: RequestContext, delivery_id: str | None = None, since: dt.datetime | None = None,
              until: dt.datetime | None = None) -> dict[str, Any]:
    """Send again, with the same webhook-id: one delivery, or the failed ones in a time range."""
    query = Delivery.scoped(ctx)
    if delivery_id is not None:
        query = query.where(Delivery.id == delivery_id)
    else:
        query = query.where((Delivery.status == FAILED) & (Delivery.created_at >= since))
        if until is not None:
            query = query.where(Delivery.created_at < until)
    chosen = [d.id for d in query.limit(REDELIVER_MAX)]
    if delivery_id is not None and not chosen:
        raise DeliveryNotFound(f"Delivery {delivery_id} not found")
    if delivery_id is not None and Delivery.get_by_id(delivery_id).status == PENDING:
        raise DeliveryInProgress("The delivery is still being attempted")
    Delivery.update(status=PENDING, next_attempt_at=ctx.now(), leased_until=None, completed_at=None).where(
        Delivery.id.in_(chosen)).execute()
    for chosen_id in chosen:
        send_after_commit(ctx, chosen_id)
    return {"redelivering": chosen}
