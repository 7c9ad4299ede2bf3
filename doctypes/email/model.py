from __future__ import annotations

import peewee

from traciqo_rpc.db import TenantModel, utcnow

QUEUED, SENT, FAILED = "queued", "sent", "failed"


class EmailMessage(TenantModel):
    id = peewee.AutoField()  # what peewee would add, declared for type checkers
    workspace_id = peewee.IntegerField()  # the second index below starts with it
    to = peewee.CharField(max_length=254)
    subject = peewee.CharField(max_length=255)
    body = peewee.TextField()
    kind = peewee.CharField(max_length=40)  # e.g. warranty_confirmation, warranty_reminder
    send_after = peewee.DateTimeField(default=utcnow)
    status = peewee.CharField(max_length=8, default=QUEUED)
    attempts = peewee.IntegerField(default=0)
    sent_at = peewee.DateTimeField(null=True)
    error = peewee.CharField(max_length=500, null=True)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        # What is due (the sender) and a workspace's outbox, newest first: two indexes for what
        # three single-column ones did, written twice per warranty activation.
        indexes = ((("status", "send_after"), False), (("workspace_id", "is_sandbox", "send_after"), False))
        retired_indexes = ("email_message_workspace_id", "email_message_send_after", "email_message_status")
