from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

UNREGISTERED, REGISTERED, VOID = "unregistered", "registered", "void"


class SerialNumber(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # both indexes below start with it
    serial = peewee.CharField(max_length=100)
    product_id = peewee.CharField(max_length=32, null=True)
    # Tags given to the customer who registers this unit (ProductCares' customerTags).
    customer_tags = peewee.CharField(max_length=500, default="")
    status = peewee.CharField(max_length=16, default=UNREGISTERED)
    created_at = peewee.DateTimeField(default=utcnow)
    registered_at = peewee.DateTimeField(null=True)
    voided_at = peewee.DateTimeField(null=True)
    void_reason = peewee.CharField(max_length=255, null=True)

    class Meta:
        indexes = (
            (("workspace_id", "is_sandbox", "serial"), True),
            (("workspace_id", "is_sandbox", "status", "id"), False),
            # Each filter of a resource list continues with the creation sequence: its pages read in order (resource.py).
            (("workspace_id", "is_sandbox", "product_id", "id"), False),
            (("workspace_id", "is_sandbox", "id"), False),  # newest first, unfiltered (the dashboard's list)
        )
        retired_indexes = ("serial_number_workspace_id", "serial_number_product_id",
                           "serial_number_workspace_id_is_sandbox_status")
