from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

# Every warehouse has this bin from the start; a move that names no bin uses it.
DEFAULT_BIN = "MAIN"


class Warehouse(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)  # records.public_id()
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    code = peewee.CharField(max_length=32)  # upper case (schema.Code)
    name = peewee.CharField(max_length=255)
    address = peewee.TextField(default="")
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("workspace_id", "is_sandbox", "code"), True),)


class Bin(TenantModel):
    """A location inside one warehouse (a shelf, a rack position); stock levels are kept per bin."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    warehouse_id = peewee.CharField(max_length=32)
    code = peewee.CharField(max_length=32)  # upper case, unique within its warehouse
    name = peewee.CharField(max_length=255, default="")
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "warehouse_bin"
        # Also the order of a warehouse's bins (by code).
        indexes = ((("workspace_id", "is_sandbox", "warehouse_id", "code"), True),)
