"""A build: `quantity` of an item made from one BOM version, planned first, then completed
(components consumed, units produced, in one transaction) or cancelled.

What it needs is fixed when it is planned (`BuildLine`, from the BOM it names and, when it
explodes, the default BOMs of the sub-assemblies then), so later versions change no build.
"""

from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

PLANNED, COMPLETED, CANCELLED = "planned", "completed", "cancelled"
STATUSES = (PLANNED, COMPLETED, CANCELLED)


class Build(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)  # records.public_id()
    workspace_id = peewee.IntegerField()  # the indexes below start with it
    item_id = peewee.CharField(max_length=32)  # what it makes
    bom_id = peewee.CharField(max_length=32)
    quantity = peewee.BigIntegerField()  # thousandths of the item's unit
    explode = peewee.BooleanField(default=False)  # consume every level's leaves, not the top level's lines
    warehouse_id = peewee.CharField(max_length=32)  # components come from here
    bin_id = peewee.IntegerField(null=True)  # ... from this bin only; None: any bin, in bin code order
    output_warehouse_id = peewee.CharField(max_length=32)
    output_bin_id = peewee.IntegerField()
    serial_numbers = peewee.TextField(default="[]")  # JSON: the output's serial numbers as given
    serial_prefix = peewee.CharField(max_length=60, null=True)  # or generated: prefix + 6-digit sequence
    serial_first = peewee.BigIntegerField(null=True)  # the sequence's first number for this build
    batch = peewee.CharField(max_length=64, default="")  # a batch-tracked output's batch
    with_codes = peewee.BooleanField(default=False)  # an authentication code per unit, on completion
    code_batch = peewee.CharField(max_length=140, null=True)  # the codes' batch (auth_code's CodeBatch.name)
    status = peewee.CharField(max_length=16, default=PLANNED)
    consumed_value = peewee.BigIntegerField(default=0)  # ten-thousandths: what the components were worth
    unit_cost = peewee.BigIntegerField(null=True)  # ten-thousandths per unit of the output
    note = peewee.CharField(max_length=255, default="")
    created_by = peewee.CharField(max_length=254, default="")
    created_at = peewee.DateTimeField(default=utcnow)
    completed_at = peewee.DateTimeField(null=True)
    cancelled_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("workspace_id", "is_sandbox", "id"), False),  # newest first (ids are time-first)
            (("workspace_id", "is_sandbox", "status", "id"), False),
            (("workspace_id", "is_sandbox", "item_id", "id"), False),
            # Two builds never plan the same generated serial numbers: the loser takes the next range.
            (("workspace_id", "is_sandbox", "serial_prefix", "serial_first"), True),
        )


class BuildLine(TenantModel):
    """One component a build consumes, and how much (fixed when it is planned)."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    build_id = peewee.CharField(max_length=32)
    position = peewee.IntegerField()
    item_id = peewee.CharField(max_length=32)
    quantity = peewee.BigIntegerField()  # thousandths of the component's unit

    class Meta:
        table_name = "build_line"
        indexes = ((("workspace_id", "is_sandbox", "build_id", "position"), True),)
