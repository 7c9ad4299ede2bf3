"""Webhook and Webhook Delivery as Frappe resources. A webhook's secret is answered once, when
it is created, and never read back; deliveries are read-only (redeliver is a method)."""

from __future__ import annotations

import json

from traciqo_rpc.resource import Column, Resource, Write

from .model import Delivery, WebhookEndpoint

EDITABLE = ("url", "events", "description")

webhook = Resource(
    model=WebhookEndpoint,
    fields={
        "name": WebhookEndpoint.id, "url": WebhookEndpoint.url,
        "events": Column(WebhookEndpoint.events, show=json.loads), "description": WebhookEndpoint.description,
        "enabled": WebhookEndpoint.enabled, "failing_since": WebhookEndpoint.failing_since,
        "disabled_reason": WebhookEndpoint.disabled_reason,
    },
    created=WebhookEndpoint.created_at,
    sequence=WebhookEndpoint.id,  # time-first ids
    insert=Write("doctypes.webhook.api.create_webhook", EDITABLE, lambda _, values: values,
                 name_of=lambda result, _: result["id"], shown_once=("secret",)),
    update=Write("doctypes.webhook.api.update_webhook", (*EDITABLE, "enabled"),
                 lambda name, values: {"webhook_id": name, **values}),
    delete=Write("doctypes.webhook.api.delete_webhook", (), lambda name, _: {"webhook_id": name}),
)

webhook_delivery = Resource(
    model=Delivery,
    fields={
        "name": Delivery.id, "event_id": Delivery.event_id, "event": Delivery.event_name,
        "webhook": Delivery.endpoint_id, "status": Delivery.status, "attempts": Delivery.attempts,
        "next_attempt_at": Delivery.next_attempt_at, "last_status_code": Delivery.last_status_code,
        "completed_at": Delivery.completed_at,
    },
    filterable=("name", "event_id", "webhook"),
    created=Delivery.created_at,
)
