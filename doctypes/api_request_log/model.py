from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel


class ApiRequestLog(TenantModel):
    """Recent calls one by one (at most RECENT_KEPT per workspace and environment a second)."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    # No index of its own on workspace_id: the one below starts with it.
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


class ApiUsage(TenantModel):
    """Calls of one key to one method with one status in one minute: usage counts add these up."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the unique index below starts with it
    minute = peewee.DateTimeField()  # UTC, the start of the minute
    api_key_id = peewee.IntegerField()
    method = peewee.CharField(max_length=255)
    http_method = peewee.CharField(max_length=8)
    status = peewee.SmallIntegerField()
    calls = peewee.IntegerField()
    total_ms = peewee.FloatField()

    class Meta:
        indexes = ((("workspace_id", "is_sandbox", "minute", "api_key_id", "method", "http_method", "status"), True),)
