"""A shipment of a sales order: its lines (each one stock move) and the serial-tracked units that
left, kept by serial so that a unit's way to its customer can be found again (list_shipments)."""

from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

PREFIX = "SH-"  # the number as shown: SH-00042


class Shipment(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)  # records.public_id()
    workspace_id = peewee.IntegerField()  # the indexes below start with it
    number = peewee.IntegerField()  # per workspace and environment, counting up
    order_id = peewee.CharField(max_length=32)
    customer_id = peewee.CharField(max_length=32)  # the order's, when it shipped
    warehouse_id = peewee.CharField(max_length=32)
    bin_id = peewee.IntegerField()
    carrier = peewee.CharField(max_length=140, default="")
    tracking_number = peewee.CharField(max_length=140, default="")
    created_by = peewee.CharField(max_length=254, default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("workspace_id", "is_sandbox", "number"), True),
            (("workspace_id", "is_sandbox", "id"), False),  # newest first (ids are time-first)
            (("workspace_id", "is_sandbox", "order_id", "id"), False),
            (("workspace_id", "is_sandbox", "customer_id", "id"), False),
        )


class ShipmentLine(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the index below starts with it
    shipment_id = peewee.CharField(max_length=32)
    order_line_id = peewee.IntegerField()
    position = peewee.IntegerField()  # the order line's
    item_id = peewee.CharField(max_length=32)
    quantity = peewee.BigIntegerField()  # thousandths
    batch = peewee.CharField(max_length=64, default="")
    move_id = peewee.CharField(max_length=32)  # its entries in the stock ledger

    class Meta:
        table_name = "shipment_line"
        indexes = ((("workspace_id", "is_sandbox", "shipment_id", "id"), False),)


class ShipmentSerial(TenantModel):
    """One serial-tracked unit that left with a shipment, and to whom."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the indexes below start with it
    shipment_id = peewee.CharField(max_length=32)
    shipment_line_id = peewee.IntegerField()
    item_id = peewee.CharField(max_length=32)
    serial = peewee.CharField(max_length=100)
    customer_id = peewee.CharField(max_length=32)

    class Meta:
        table_name = "shipment_serial"
        indexes = ((("workspace_id", "is_sandbox", "shipment_id", "id"), False),
                   (("workspace_id", "is_sandbox", "serial", "id"), False))  # where did this unit go
