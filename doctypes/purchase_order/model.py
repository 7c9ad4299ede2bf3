"""A purchase order and its lines. The order's status follows its lines: a placed order is
`ordered` until a receipt, `partially_received` while a line has units to come and `received`
once every line has them all. `draft` (editable), `cancelled` (nothing received) and `closed`
(the rest is not expected any more) are set by the methods that say so."""

from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

DRAFT, ORDERED, PARTIALLY_RECEIVED, RECEIVED = "draft", "ordered", "partially_received", "received"
CANCELLED, CLOSED = "cancelled", "closed"
STATUSES = (DRAFT, ORDERED, PARTIALLY_RECEIVED, RECEIVED, CLOSED, CANCELLED)
OPEN = (ORDERED, PARTIALLY_RECEIVED)  # placed, with units still to come: receipts are taken
PREFIX = "PO-"  # an order's name: PO-00042


class PurchaseOrder(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)  # records.public_id()
    workspace_id = peewee.IntegerField()  # the indexes below start with it
    number = peewee.IntegerField()  # 1, 2, 3 ... in the workspace and environment: its name is PO-00001
    vendor_id = peewee.CharField(max_length=32)  # a Party with the vendor role when the order was made
    status = peewee.CharField(max_length=20, default=DRAFT)  # one of STATUSES
    expected_date = peewee.DateField(null=True)
    reference = peewee.CharField(max_length=140, null=True)  # the vendor's quote or order confirmation
    reason = peewee.CharField(max_length=255, default="")  # why it was cancelled or closed
    created_by = peewee.CharField(max_length=254, default="")  # the person's email or the key's name
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    placed_at = peewee.DateTimeField(null=True)
    ended_at = peewee.DateTimeField(null=True)  # received in full, closed or cancelled

    class Meta:
        table_name = "purchase_order"
        indexes = (
            (("workspace_id", "is_sandbox", "number"), True),  # the number decides a race; the list's order
            (("workspace_id", "is_sandbox", "status", "number"), False),
            (("workspace_id", "is_sandbox", "vendor_id", "number"), False),
        )


class PurchaseOrderLine(TenantModel):
    """One item on an order: how many were ordered, at what cost, and how many have come."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique indexes below start with it
    order_id = peewee.CharField(max_length=32)
    position = peewee.IntegerField()  # the line's number on its order: 1, 2, 3 ...
    item_id = peewee.CharField(max_length=32)
    quantity = peewee.BigIntegerField()  # ordered, thousandths of the item's unit
    received = peewee.BigIntegerField(default=0)  # never past quantity (queries.RECEIVE_ON_LINE)
    unit_cost = peewee.BigIntegerField()  # ten-thousandths of the currency; what receipts value it at

    class Meta:
        table_name = "purchase_order_line"
        indexes = (
            (("workspace_id", "is_sandbox", "order_id", "position"), True),
            (("workspace_id", "is_sandbox", "order_id", "item_id"), True),  # an item is on an order once
        )


def order_name(number: int) -> str:
    return f"{PREFIX}{number:05d}"


def derived_status(lines: list[tuple[int, int]]) -> str:
    """A placed order's status from its lines' (quantity, received)."""
    if all(received >= quantity for quantity, received in lines):
        return RECEIVED
    return PARTIALLY_RECEIVED if any(received > 0 for _, received in lines) else ORDERED
