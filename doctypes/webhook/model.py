from __future__ import annotations

import peewee

from traciqo_rpc.db import BaseModel, TenantModel, utcnow

PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"


class WebhookEndpoint(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=40)
    url = peewee.CharField(max_length=2000)
    events = peewee.TextField()  # JSON list of event names
    description = peewee.CharField(max_length=500, default="")
    enabled = peewee.BooleanField(default=True)
    secret = peewee.CharField(max_length=100)
    # After a rotation the old secret keeps signing alongside the new one for a while.
    previous_secret = peewee.CharField(max_length=100, null=True)
    previous_secret_until = peewee.DateTimeField(null=True)
    failing_since = peewee.DateTimeField(null=True)
    disabled_reason = peewee.CharField(max_length=255, null=True)
    created_at = peewee.DateTimeField(default=utcnow)


class Delivery(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=40)
    event_id = peewee.CharField(max_length=40, index=True)  # a worker finds an event's deliveries
    event_name = peewee.CharField(max_length=80)
    endpoint_id = peewee.CharField(max_length=40)
    status = peewee.CharField(max_length=10, default=PENDING)
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = peewee.DateTimeField(default=utcnow)
    # A worker holds a delivery while it sends; a lease left by a killed worker expires.
    leased_until = peewee.DateTimeField(null=True)
    last_status_code = peewee.IntegerField(null=True)
    created_at = peewee.DateTimeField(default=utcnow, index=True)
    completed_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "next_attempt_at"), False),
                   # Each filter of a resource list continues with its order (created_at): its pages read in order.
                   (("workspace_id", "is_sandbox", "event_id", "created_at"), False), (("workspace_id", "is_sandbox", "endpoint_id", "created_at"), False))
        retired_indexes = ("delivery_endpoint_id",)


class DeliveryAttempt(BaseModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    delivery_id = peewee.CharField(max_length=40, index=True)
    number = peewee.IntegerField()
    started_at = peewee.DateTimeField()
    duration_ms = peewee.FloatField()
    status_code = peewee.IntegerField(null=True)
    response_excerpt = peewee.TextField(default="")
    error = peewee.CharField(max_length=255, null=True)
