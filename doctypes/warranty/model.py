from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

ACTIVE, VOID = "active", "void"


class Warranty(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)
    workspace_id = peewee.IntegerField()  # the composite index below starts with it
    # One warranty per unit: the unique index makes concurrent activations race safely.
    serial_id = peewee.IntegerField(unique=True)
    product_id = peewee.CharField(max_length=32, null=True)
    party_id = peewee.CharField(max_length=32)
    status = peewee.CharField(max_length=8, default=ACTIVE)
    months = peewee.IntegerField()
    purchase_date = peewee.DateField(null=True)
    starts_on = peewee.DateField()
    ends_on = peewee.DateField()
    created_at = peewee.DateTimeField(default=utcnow)
    voided_at = peewee.DateTimeField(null=True)
    void_reason = peewee.CharField(max_length=255, null=True)
    # The day the expiry reminder is due, until a scheduled job queues it (reminders.py).
    remind_on = peewee.DateField(null=True, index=True)

    class Meta:
        # A workspace's warranties by end date (list_warranties' order and its expiry filter).
        # Each continues with the creation sequence: a resource list's filtered pages read in order (resource.py).
        indexes = ((("workspace_id", "is_sandbox", "ends_on", "id"), False), (("workspace_id", "is_sandbox", "product_id", "id"), False),
                   (("workspace_id", "is_sandbox", "party_id", "id"), False))
        retired_indexes = ("warranty_workspace_id", "warranty_ends_on", "warranty_workspace_id_is_sandbox_ends_on",
                           "warranty_product_id", "warranty_party_id")


class WarrantyOwner(TenantModel):
    """Who held a warranty when: the history transfers keep (always read by warranty)."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()
    warranty_id = peewee.CharField(max_length=32, index=True)
    party_id = peewee.CharField(max_length=32)
    since = peewee.DateTimeField(default=utcnow)
    until = peewee.DateTimeField(null=True)

    class Meta:
        retired_indexes = ("warranty_owner_workspace_id",)
