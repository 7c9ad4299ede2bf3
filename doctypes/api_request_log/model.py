from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel


class ApiRequestLog(TenantModel):
    # One row per API call: no index of its own on workspace_id, the one below starts with it.
    workspace_id = peewee.IntegerField()
    api_key_id = peewee.IntegerField()
    method = peewee.CharField(max_length=255)
    http_method = peewee.CharField(max_length=8)
    status = peewee.SmallIntegerField()
    duration_ms = peewee.FloatField()
    request_id = peewee.CharField(max_length=64)
    created_at = peewee.DateTimeField()

    class Meta:
        indexes = ((("workspace_id", "is_sandbox", "created_at"), False),)
