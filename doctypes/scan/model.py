from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow


class Scan(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    code_id = peewee.IntegerField(index=True)
    scanned_at = peewee.DateTimeField(default=utcnow)
    ip = peewee.CharField(max_length=64, null=True)
    user_agent = peewee.CharField(max_length=512, null=True)
    lat = peewee.FloatField(null=True)
    lon = peewee.FloatField(null=True)
    country = peewee.CharField(max_length=2, null=True)
    source = peewee.CharField(max_length=8, default="api")  # api | page
    verdict = peewee.CharField(max_length=16)
