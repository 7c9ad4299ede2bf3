"""A bill of materials: one version of what one unit of an item is made of.

Each item's BOMs are numbered 1, 2, ... (`version`); one of them is its default, the one a
build or a parent's explosion uses. A BOM a build has used is `locked`: its lines stay as that
build read them, and a change is a new version. Quantities are thousandths of the component's
unit per unit of the item (doctypes/item/quantities.py): 0.25 m of cable is 250.
"""

from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow


class Bom(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=32)  # records.public_id()
    workspace_id = peewee.IntegerField()  # the indexes below start with it
    item_id = peewee.CharField(max_length=32)  # the item one unit of which the lines make
    version = peewee.IntegerField()  # 1, 2, ... per item
    is_default = peewee.BooleanField(default=True)  # one per item: what builds and explosions use
    locked = peewee.BooleanField(default=False)  # a build has used it: its lines no longer change
    note = peewee.CharField(max_length=255, default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("workspace_id", "is_sandbox", "item_id", "version"), True),  # the version decides a race
            (("workspace_id", "is_sandbox", "id"), False),  # the list's order (ids are time-first)
        )


class BomLine(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    bom_id = peewee.CharField(max_length=32)
    position = peewee.IntegerField()  # 1, 2, ... as given
    item_id = peewee.CharField(max_length=32)  # the component
    quantity = peewee.BigIntegerField()  # thousandths of the component's unit per unit of the BOM's item
    note = peewee.CharField(max_length=255, default="")

    class Meta:
        table_name = "bom_line"
        indexes = ((("workspace_id", "is_sandbox", "bom_id", "position"), True),)
