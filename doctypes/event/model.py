from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

PENDING = "pending"


class Event(TenantModel):
    id = peewee.CharField(primary_key=True, max_length=40)
    name = peewee.CharField(max_length=80, index=True)
    # The exact bytes every delivery sends and signs; stored once, never re-serialised.
    body = peewee.BlobField()
    status = peewee.CharField(max_length=16, default=PENDING, index=True)
    created_at = peewee.DateTimeField(default=utcnow, index=True)
