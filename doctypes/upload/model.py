from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow


class Upload(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    key = peewee.CharField(max_length=32, unique=True)
    file_name = peewee.CharField(max_length=200)
    file_type = peewee.CharField(max_length=100)
    size = peewee.IntegerField()
    created_at = peewee.DateTimeField(default=utcnow)
