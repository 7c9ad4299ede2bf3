from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow


class Scan(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    code_id = peewee.IntegerField()
    scanned_at = peewee.DateTimeField(default=utcnow)
    ip = peewee.CharField(max_length=64, null=True)
    user_agent = peewee.CharField(max_length=512, null=True)
    lat = peewee.FloatField(null=True)
    lon = peewee.FloatField(null=True)
    country = peewee.CharField(max_length=2, null=True)
    source = peewee.CharField(max_length=8, default="api")  # api | page
    verdict = peewee.CharField(max_length=16)

    class Meta:
        # Each filter of a resource list continues with the creation sequence: its pages read in order (resource.py).
        indexes = ((("workspace_id", "is_sandbox", "code_id", "id"), False),)
        retired_indexes = ("scan_code_id",)
