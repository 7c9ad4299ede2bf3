from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow


class VendorItem(TenantModel):
    """One vendor's offer of one item: a purchase order's default unit cost and minimum quantity."""

    id = peewee.CharField(primary_key=True, max_length=32)  # records.public_id()
    workspace_id = peewee.IntegerField()  # the indexes below start with it
    vendor_id = peewee.CharField(max_length=32)  # a Party with the vendor role
    item_id = peewee.CharField(max_length=32)
    vendor_sku = peewee.CharField(max_length=64, null=True)  # the vendor's own code for the item
    price = peewee.BigIntegerField()  # per unit of the item, ten-thousandths of the workspace's currency
    lead_time_days = peewee.IntegerField(default=0)
    minimum_order = peewee.BigIntegerField(default=0)  # thousandths of the item's unit; 0: any quantity
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "vendor_item"
        indexes = (
            (("workspace_id", "is_sandbox", "vendor_id", "item_id"), True),  # one offer per vendor and item
            (("workspace_id", "is_sandbox", "vendor_id", "id"), False),  # a vendor's catalogue, oldest first
            (("workspace_id", "is_sandbox", "item_id", "id"), False),  # who sells an item
        )
