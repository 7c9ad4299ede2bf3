from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

PENDING = "pending"


class Event(TenantModel):
    """The outbox: one row per event some endpoint subscribes to, read back by id when a
    delivery is sent (service.write_events keeps no others).

    With a `Scan Captured` endpoint every scan writes one, so it carries a single secondary
    index (a workspace's events in time order); the single-column indexes it once had cost
    every insert four more b-trees.
    """

    id = peewee.CharField(primary_key=True, max_length=40)
    workspace_id = peewee.IntegerField()  # the index below starts with it
    name = peewee.CharField(max_length=80)
    # The exact bytes every delivery sends and signs; stored once, never re-serialised.
    body = peewee.BlobField()
    status = peewee.CharField(max_length=16, default=PENDING)
    created_at = peewee.DateTimeField(default=utcnow)
    # The W3C trace of the request or job that published it: every delivery sends it on
    # (traceparent). Null for events stored before traces were kept.
    trace_id = peewee.CharField(max_length=32, null=True)

    class Meta:
        indexes = ((("workspace_id", "is_sandbox", "created_at"), False),)
        retired_indexes = ("event_workspace_id", "event_name", "event_status", "event_created_at")
