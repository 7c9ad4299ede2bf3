from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

TRACKING = ("none", "batch", "serial")  # by quantity only; by batch (lot); one unit per serial number
DEFAULT_UNIT = "pcs"


class Item(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)  # records.public_id()
    workspace_id = peewee.IntegerField()  # the indexes below start with it
    sku = peewee.CharField(max_length=64)  # upper case (schema.Sku); unique in the workspace and environment
    name = peewee.CharField(max_length=255)
    gtin = peewee.CharField(max_length=14, null=True)  # GTIN-14
    unit = peewee.CharField(max_length=16, default=DEFAULT_UNIT)
    attributes = peewee.TextField(default="{}")  # a JSON object of strings (colour, size), keys sorted
    tracking = peewee.CharField(max_length=8, default="none")  # one of TRACKING
    reorder_level = peewee.BigIntegerField(default=0)  # thousandths of the unit (quantities.py)
    allow_negative_stock = peewee.BooleanField(default=False)
    active = peewee.BooleanField(default=True)
    product_id = peewee.CharField(max_length=32, null=True)  # a Product of the same workspace and environment
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("workspace_id", "is_sandbox", "sku"), True),  # the SKU decides a race; the default order
            (("workspace_id", "is_sandbox", "id"), False),  # the "created" order (ids are time-first)
            (("workspace_id", "is_sandbox", "active", "sku"), False),  # active or inactive ones, by SKU
        )
