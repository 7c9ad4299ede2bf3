from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

PENDING, DONE = "pending", "done"


class IdempotencyKey(TenantModel):
    """A POST's Idempotency-Key: claimed while its call runs, then the answer to replay for 24 hours."""

    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # tenant data; looked up by key below
    api_key_id = peewee.IntegerField()
    key = peewee.CharField(max_length=255)
    fingerprint = peewee.CharField(max_length=64)  # SHA-256 of the verb, the method and its arguments
    state = peewee.CharField(max_length=8, default=PENDING)
    # A claim whose call died with its process is taken over once this passes.
    locked_until = peewee.DateTimeField()
    status = peewee.SmallIntegerField(null=True)
    content_type = peewee.CharField(max_length=255, null=True)
    body = peewee.BlobField(null=True)
    created_at = peewee.DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("api_key_id", "is_sandbox", "key"), True),)
