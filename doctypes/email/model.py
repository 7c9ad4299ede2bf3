from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

QUEUED, SENT, FAILED = "queued", "sent", "failed"


class EmailMessage(TenantModel):
    to = peewee.CharField(max_length=254)
    subject = peewee.CharField(max_length=255)
    body = peewee.TextField()
    kind = peewee.CharField(max_length=40)  # e.g. warranty_confirmation, warranty_reminder
    send_after = peewee.DateTimeField(default=utcnow, index=True)
    status = peewee.CharField(max_length=8, default=QUEUED, index=True)
    attempts = peewee.IntegerField(default=0)
    sent_at = peewee.DateTimeField(null=True)
    error = peewee.CharField(max_length=500, null=True)
    created_at = peewee.DateTimeField(default=utcnow)
