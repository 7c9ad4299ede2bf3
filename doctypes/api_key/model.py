from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow


class ApiKey(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    api_key = peewee.CharField(unique=True, max_length=64)
    secret_hash = peewee.CharField(max_length=64)
    created_at = peewee.DateTimeField(default=utcnow)
    rotated_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("workspace_id", "is_sandbox"), True),)
