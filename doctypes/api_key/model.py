from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

DEFAULT_NAME = "default"  # every workspace's first live and sandbox key: rotated, never revoked
SCOPES = ("read", "write")


class ApiKey(TenantModel):
    """A key of one workspace and environment; several, each named, may share them."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    api_key = peewee.CharField(unique=True, max_length=64)
    secret_hash = peewee.CharField(max_length=64)
    name = peewee.CharField(max_length=80, default=DEFAULT_NAME)
    scopes = peewee.CharField(max_length=40, default=",".join(SCOPES))
    created_at = peewee.DateTimeField(default=utcnow)
    rotated_at = peewee.DateTimeField(null=True)
    last_used_at = peewee.DateTimeField(null=True)  # to the minute, from the usage counts
    revoked_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("workspace_id", "is_sandbox", "name"), True),)
        # One key per environment was the rule before keys had names.
        retired_indexes = ("api_key_workspace_id_is_sandbox",)
