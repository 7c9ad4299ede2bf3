"""A sales order and its lines. The order's status follows from its lines (service.derived_status)
and is stored so that lists can filter on it; quantities are thousandths of the item's unit and
prices ten-thousandths of the currency (doctypes/item/quantities.py)."""

from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

DRAFT, CONFIRMED, PARTIALLY_SHIPPED, SHIPPED, CANCELLED, CLOSED = (
    "draft", "confirmed", "partially_shipped", "shipped", "cancelled", "closed")
STATUSES = (DRAFT, CONFIRMED, PARTIALLY_SHIPPED, SHIPPED, CANCELLED, CLOSED)
SHIPPABLE = (CONFIRMED, PARTIALLY_SHIPPED)  # a draft is confirmed first, as ERPNext submits one
CANCELLABLE = (DRAFT, CONFIRMED)  # nothing shipped yet
CLOSABLE = (PARTIALLY_SHIPPED,)  # shipped in part, the rest will not ship
PREFIX = "SO-"  # the number as shown: SO-00042


class SalesOrder(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)  # records.public_id()
    workspace_id = peewee.IntegerField()  # the indexes below start with it
    number = peewee.IntegerField()  # per workspace and environment, counting up
    customer_id = peewee.CharField(max_length=32)  # a Party with the customer role
    reference = peewee.CharField(max_length=140, null=True)  # the customer's own order number
    ship_to = peewee.TextField(default="")
    status = peewee.CharField(max_length=20, default=DRAFT)
    created_by = peewee.CharField(max_length=254, default="")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)  # also the row a shipment or a cancel locks first
    confirmed_at = peewee.DateTimeField(null=True)
    cancelled_at = peewee.DateTimeField(null=True)
    closed_at = peewee.DateTimeField(null=True)
    reason = peewee.CharField(max_length=255, default="")  # why it was closed

    class Meta:
        table_name = "sales_order"
        indexes = (
            (("workspace_id", "is_sandbox", "number"), True),
            (("workspace_id", "is_sandbox", "id"), False),  # newest first (ids are time-first)
            (("workspace_id", "is_sandbox", "customer_id", "id"), False),
            (("workspace_id", "is_sandbox", "status", "id"), False),
        )


class SalesOrderLine(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    order_id = peewee.CharField(max_length=32)
    position = peewee.IntegerField()  # 1, 2, 3 ...: the `line` shipments name
    item_id = peewee.CharField(max_length=32)
    quantity = peewee.BigIntegerField()  # thousandths, ordered
    shipped = peewee.BigIntegerField(default=0)  # thousandths; never above quantity (queries.SHIP_LINE)
    unit_price = peewee.BigIntegerField(default=0)  # ten-thousandths of the currency

    class Meta:
        table_name = "sales_order_line"
        indexes = ((("workspace_id", "is_sandbox", "order_id", "position"), True),)
