"""The stock ledger and what it keeps up to date in the same transaction.

`StockEntry` is the truth: one row per change of one item's quantity in one bin, never updated
or deleted. `StockLevel` (item x bin x batch), `StockSerial` (where each serial-tracked unit
is) and `ItemValue` (the item's quantity and value, for its moving-average cost) follow from
the entries and are changed with them; `traciqo-rpc stock check` rebuilds levels from the
ledger and says where they differ. Quantities are thousandths of the item's unit
(doctypes/item/quantities.py); money is ten-thousandths of the workspace's currency.
"""

from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

KINDS = ("receipt", "issue", "transfer", "adjustment", "count", "build_consume", "build_produce", "shipment")
IN_STOCK, ISSUED = "in_stock", "issued"
MONEY_SCALE = 10_000  # stored money units per currency unit


class StockEntry(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the indexes below start with it
    move_id = peewee.CharField(max_length=32)  # one move's entries (a transfer's two) share it
    kind = peewee.CharField(max_length=16)
    item_id = peewee.CharField(max_length=32)
    warehouse_id = peewee.CharField(max_length=32)
    bin_id = peewee.IntegerField()
    batch = peewee.CharField(max_length=64, default="")  # "" for items not tracked by batch
    serial = peewee.CharField(max_length=100, null=True)  # a serial-tracked unit's own entry
    quantity = peewee.BigIntegerField()  # thousandths; in is positive, out negative
    level_after = peewee.BigIntegerField()  # the bin's (and batch's) quantity after this entry
    value_change = peewee.BigIntegerField(default=0)  # ten-thousandths of the currency
    reason = peewee.CharField(max_length=255, default="")
    reference = peewee.CharField(max_length=140, null=True)  # an order, a build, a count sheet
    created_by = peewee.CharField(max_length=254, default="")  # the person's email or the key's name
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "stock_entry"
        indexes = ((("workspace_id", "is_sandbox", "item_id", "id"), False),
                   (("workspace_id", "is_sandbox", "warehouse_id", "id"), False),
                   (("workspace_id", "is_sandbox", "id"), False))


class StockLevel(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    item_id = peewee.CharField(max_length=32)
    warehouse_id = peewee.CharField(max_length=32)
    bin_id = peewee.IntegerField()
    batch = peewee.CharField(max_length=64, default="")
    quantity = peewee.BigIntegerField(default=0)  # thousandths
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "stock_level"
        indexes = ((("workspace_id", "is_sandbox", "item_id", "bin_id", "batch"), True),
                   (("workspace_id", "is_sandbox", "warehouse_id", "item_id"), False))


class StockSerial(TenantModel):
    """Where one serial-tracked unit is: in a bin, or gone (issued, shipped, consumed)."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    item_id = peewee.CharField(max_length=32)
    serial = peewee.CharField(max_length=100)
    warehouse_id = peewee.CharField(max_length=32, null=True)
    bin_id = peewee.IntegerField(null=True)
    status = peewee.CharField(max_length=16, default=IN_STOCK)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "stock_serial"
        indexes = ((("workspace_id", "is_sandbox", "item_id", "serial"), True),
                   (("workspace_id", "is_sandbox", "item_id", "bin_id", "status"), False))


class ItemValue(TenantModel):
    """An item's quantity in all bins and its value: the moving-average cost is value / quantity."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    item_id = peewee.CharField(max_length=32)
    quantity = peewee.BigIntegerField(default=0)  # thousandths
    value = peewee.BigIntegerField(default=0)  # ten-thousandths of the currency

    class Meta:
        table_name = "item_value"
        indexes = ((("workspace_id", "is_sandbox", "item_id"), True),)
