"""Webhook methods. The environment is the calling key's: live and sandbox endpoints are separate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import fields

from traciqo_rpc import RequestContext, whitelist

from . import service
from .schema import (
    CreateWebhookArgs,
    DeliveryPage,
    DeliveryRefArgs,
    DeliveryWithAttempts,
    EndpointInfo,
    ListDeliveriesArgs,
    NewEndpoint,
    PingSent,
    RedeliverArgs,
    Redelivering,
    RotatedEndpoint,
    UpdateWebhookArgs,
    WebhookDeleted,
    WebhookRefArgs,
)


@whitelist(methods=["POST"], schema=CreateWebhookArgs, returns=NewEndpoint, right="webhooks")
def create_webhook(ctx: RequestContext, url: str, events: list[str], description: str = "") -> dict[str, Any]:
    """Register an endpoint; the answer holds its signing secret (whsec_...), shown this once."""
    return service.create(ctx, url, events, description)


@whitelist(methods=["POST"], schema=UpdateWebhookArgs, returns=EndpointInfo, right="webhooks")
def update_webhook(ctx: RequestContext, webhook_id: str, **changes: Any) -> dict[str, Any]:
    return service.update(ctx, webhook_id, **changes)


@whitelist(methods=["POST", "DELETE"], schema=WebhookRefArgs, returns=WebhookDeleted, right="webhooks")
def delete_webhook(ctx: RequestContext, webhook_id: str) -> dict[str, Any]:
    return service.delete(ctx, webhook_id)


@whitelist(methods=["GET"], returns=EndpointInfo(many=True), right="webhooks")
def list_webhooks(ctx: RequestContext) -> list[dict[str, Any]]:
    return service.list_endpoints(ctx)


@whitelist(methods=["POST"], schema=WebhookRefArgs, returns=RotatedEndpoint, right="webhooks")
def rotate_webhook_secret(ctx: RequestContext, webhook_id: str) -> dict[str, Any]:
    """A new secret; for 24 hours deliveries carry signatures with both."""
    return service.rotate_secret(ctx, webhook_id)


@whitelist(methods=["POST"], schema=WebhookRefArgs, returns=PingSent, right="webhooks")
def ping_webhook(ctx: RequestContext, webhook_id: str) -> dict[str, Any]:
    """Send a Ping Test now; answers the delivery id."""
    return service.ping(ctx, webhook_id)


@whitelist(methods=["GET"], schema=ListDeliveriesArgs, returns=DeliveryPage, right="webhooks")
def list_deliveries(ctx: RequestContext, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
    return service.list_deliveries(ctx, limit, offset, **filters)


@whitelist(methods=["GET"], schema=DeliveryRefArgs, returns=DeliveryWithAttempts, right="webhooks")
def get_delivery(ctx: RequestContext, delivery_id: str) -> dict[str, Any]:
    """A delivery with every attempt: time, duration, status code, response excerpt, error."""
    return service.get_delivery(ctx, delivery_id)


@whitelist(methods=["POST"], schema=RedeliverArgs, returns=Redelivering, right="webhooks")
def redeliver(ctx: RequestContext, delivery_id: str | None = None, status: str | None = None,
              since: dt.datetime | None = None, until: dt.datetime | None = None) -> dict[str, Any]:
    """Send again with the same webhook-id: one delivery, or status=failed within since/until."""
    return service.redeliver(ctx, delivery_id, since, until)


@whitelist(methods=["GET"], returns=fields.List(fields.String()))
def list_event_types(ctx: RequestContext) -> list[str]:
    """The event names endpoints can subscribe to ("*" subscribes to all)."""
    return service.event_types(ctx)
