from __future__ import annotations

import peewee

from traciqo_rpc.db import BaseModel, TenantModel, utcnow

PENDING, IN_PROGRESS, COMPLETED = "pending", "in_progress", "completed"


class Tracker(TenantModel):
    """One order being made, with its own copy of its template's steps (TrackerStep)."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    number = peewee.IntegerField()  # per workspace and environment, counting up
    name = peewee.CharField(max_length=255)
    reference = peewee.CharField(max_length=140, null=True)
    customer_email = peewee.CharField(max_length=254, null=True)
    template = peewee.CharField(max_length=80, null=True)
    strict_order = peewee.BooleanField(default=False)
    # The public page's capability: 128 random bits, URL-safe.
    token = peewee.CharField(max_length=32, unique=True)
    status = peewee.CharField(max_length=16, default=PENDING)  # pending | in_progress | completed
    current_process = peewee.CharField(max_length=140, null=True)
    # Counts changes: the public pages' cache key, and the row every status update locks first.
    version = peewee.IntegerField(default=0)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    completed_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("workspace_id", "is_sandbox", "number"), True),
            (("workspace_id", "is_sandbox", "status", "id"), False),
            (("workspace_id", "is_sandbox", "reference", "id"), False),
        )


class TrackerStep(BaseModel):
    """A tracker's step; reached only through its tracker, which carries the tenant."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    tracker_id = peewee.IntegerField()
    position = peewee.IntegerField()  # 1 for the first
    name = peewee.CharField(max_length=140)
    visible = peewee.BooleanField(default=True)
    status = peewee.CharField(max_length=16, default=PENDING)
    started_at = peewee.DateTimeField(null=True)
    completed_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("tracker_id", "position"), True),)
