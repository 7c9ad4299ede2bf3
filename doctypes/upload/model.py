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
    # None until retention (retention.py) has looked for what refers to the file; True once
    # something did: kept for good. One it found nothing referring to is gone.
    attached = peewee.BooleanField(null=True)

    class Meta:
        indexes = ((("attached", "created_at"), False),)  # retention's look-up, oldest first
